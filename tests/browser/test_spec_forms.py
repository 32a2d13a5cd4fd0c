"""A public connector spec (GitHub's, from tests/fixtures/airbyte_specs) through its generated form
in a real browser: groups, the folded "Optional fields", a hidden field left out, the credential
choice, a description's link, a pattern error in words that opens its folded part, then a saved
connector whose secret never comes back. Screenshots under test-artifacts/browser/."""

import re

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from connectors import credentials
from connectors.models import Connector
from registry import services
from tests.registry.packages import make_zip, package_files
from tests.registry.spec_values import ui_spec

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TOKEN = "ghp-Browser-Token-5150"


@pytest.fixture
def github(catalog):
    staff = get_user_model().objects.create_user("registrar", password="pw-reg-1", is_staff=True)
    files = package_files(
        connector_id="airbyte-github",
        version="1.0.0",
        ui_spec=ui_spec("source-github.json"),
        name="GitHub",
        implementation="sample-data",
    )
    [definition] = services.definition_register(actor=staff, data=make_zip(files), filename="g.zip")
    return definition


def test_a_public_spec_through_its_generated_form(web, owner, workspace, github):
    page = web.page
    web.login_as(owner)
    web.goto(f"/w/{workspace.slug}/connectors/new/{github.registry_id}/")
    expect(page.get_by_role("heading", level=1)).to_have_text("New GitHub connector")

    # The credentials are a fieldset; the deprecated hidden field is not offered.
    expect(page.locator("fieldset > legend", has_text="Authentication")).to_be_visible()
    assert page.locator('[name="config-repository"]').count() == 0
    # Optional fields start folded; required ones are marked.
    start_date = page.get_by_label("Start date")
    expect(start_date).to_be_hidden()
    expect(
        page.locator(".schema-field.required", has=page.get_by_label("GitHub Repositories"))
    ).to_be_visible()
    # The credential choice shows the fields of the chosen option; its description keeps its link.
    page.get_by_label("Authentication").select_option(label="Personal Access Token")
    token = page.get_by_label("Personal Access Tokens")
    expect(token).to_be_visible()
    link = page.locator('a[href="https://github.com/settings/tokens"]')
    expect(link).to_have_text("personal access token")
    expect(link).to_have_attribute("rel", "noopener noreferrer nofollow")
    web.screenshot("06-public-spec-form")

    page.get_by_label("Name", exact=True).fill("Repositories")
    token.fill(TOKEN)
    page.get_by_label("GitHub Repositories").fill("airbytehq/airbyte\nairbytehq/another-repo")
    page.locator("details.schema-optional", has=start_date).locator("summary").first.click()
    start_date.fill("2021-03-01")
    page.get_by_role("button", name="Create connector").click()

    # The error is in words (the spec's pattern_descriptor), next to its field, which shows.
    error = page.locator('[id="id_config-start_date_error"]')
    expect(error).to_have_text("Must have the format YYYY-MM-DDTHH:mm:ssZ.")
    expect(start_date).to_be_visible()
    assert "[0-9]{4}" not in error.inner_text()
    web.screenshot("06-public-spec-error")
    assert not Connector.objects.exists()
    assert TOKEN not in page.content()

    page.get_by_label("Personal Access Tokens").fill(TOKEN)
    start_date.fill("2021-03-01T00:00:00Z")
    page.get_by_role("button", name="Create connector").click()
    connector = Connector.objects.get(name="Repositories")
    expect(page).to_have_url(re.compile(f"/connectors/{connector.pk}/$"))
    web.screenshot("06-public-spec-saved")
    stored = credentials.full_config(connector)
    assert stored["credentials"] == {
        "option_title": "PAT Credentials",
        "personal_access_token": TOKEN,
    }
    assert stored["repositories"] == ["airbytehq/airbyte", "airbytehq/another-repo"]
    assert TOKEN not in page.content()
    assert not web.errors
