"""The OneDrive kind: a personal-site link, a user's e-mail, or a sharing link to a folder."""

import pytest

from registry.sources.base import SourceError
from tests.reading import deleted, documents, read_all

PERSONAL = "https://contoso-my.sharepoint.com/personal/ana_contoso_com"


@pytest.fixture
def onedrive(microsoft):
    drive = microsoft.add_user(
        "ana@contoso.com", "contoso-my.sharepoint.com", "/personal/ana_contoso_com"
    )
    notes = microsoft.add_item(drive, "Notes")
    items = {
        "todo": microsoft.add_item(drive, "todo.txt", notes, b"Call the bank."),
        "cv": microsoft.add_item(
            drive, "cv.md", content=b"# Ana\n\nEngineer.", mime_type="text/markdown"
        ),
    }
    return drive, notes, items


def test_a_onedrive_link_and_an_email_read_the_same_drive(make_reader, onedrive):
    drive, _, items = onedrive
    expected = {f"{drive.id}:{items['todo'].id}", f"{drive.id}:{items['cv'].id}"}

    by_link = documents(read_all(make_reader(f"{PERSONAL}/Documents", onedrive=True))[0])
    by_email = documents(read_all(make_reader("ana@contoso.com", onedrive=True))[0])

    assert set(by_link) == set(by_email) == expected


def test_a_sharing_link_to_a_folder_reads_that_folder(make_reader, microsoft, onedrive):
    drive, notes, items = onedrive

    reader = make_reader(f"https://contoso-my.sharepoint.com/:f:/s/{notes.id}", onedrive=True)
    batches, cursor = read_all(reader)

    assert set(documents(batches)) == {f"{drive.id}:{items['todo'].id}"}
    microsoft.remove(microsoft.drives[drive.id], items["todo"])
    assert deleted(read_all(reader, cursor)[0]) == {f"{drive.id}:{items['todo'].id}"}


def test_entries_must_be_links_or_emails(make_reader):
    with pytest.raises(SourceError) as raised:
        make_reader("ana@contoso.com", "my files", onedrive=True).check()

    assert raised.value.message == (
        "urls.1: Must be an https link into a OneDrive, or the e-mail address of its owner."
    )
