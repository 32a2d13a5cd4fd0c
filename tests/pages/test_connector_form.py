"""Creating and editing a connector through the form generated from its type's ui_spec: field
errors inline and nothing saved, secrets never shown, schedule and collections, and "Test
connection" on the unsaved values."""

import re

import pytest
from django.urls import reverse
from django_celery_beat.models import PeriodicTask
from lxml import html as lxml_html

from connectors import credentials
from connectors.models import Connector, ScheduleType
from tenancy import services
from tests.leaks import Secrets
from tests.pages.forms import PG_PASSWORD, connector_post, postgres_fields
from tests.servers.ports import free_port

pytestmark = pytest.mark.database


@pytest.fixture
def pg(catalog):
    return catalog["postgres-connector"]


def create_url(workspace, definition):
    return reverse("connectors:connector_create", args=[workspace.slug, definition.registry_id])


def test_the_create_page_shows_the_generated_form(login, editor, workspace, pg):
    html = login(editor).get(create_url(workspace, pg)).content.decode()
    assert 'name="config-connector_config.databaseType"' in html
    assert 'data-show-when="config-connector_config.databaseType"' in html
    assert "Host name or IP address of the database server." in html
    assert 'type="password"' in html
    assert "Test connection" in html
    assert 'name="schedule-type"' in html


def test_a_valid_submit_creates_the_connector_and_opens_its_page(
    login, editor, workspace, pg, collection
):
    data = connector_post(pg, name="Orders", collections=[collection], **postgres_fields())
    response = login(editor).post(create_url(workspace, pg), data)
    connector = Connector.objects.get(name="Orders")
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "connectors:connector_detail", args=[workspace.slug, connector.pk]
    )
    full = credentials.full_config(connector)
    assert full["connector_config"]["connection_info"]["password"] == PG_PASSWORD
    assert full["connector_config"]["connection_info"]["port"] == 5432
    assert PG_PASSWORD not in str(connector.config)
    assert list(connector.collections.all()) == [collection]
    assert connector.created_by == "user:editor"


def test_an_out_of_range_port_is_an_inline_error_and_nothing_is_saved(login, editor, workspace, pg):
    data = connector_post(pg, name="Orders", **postgres_fields(port=70000))
    response = login(editor).post(create_url(workspace, pg), data)
    assert response.status_code == 400
    assert not Connector.objects.exists()
    html = response.content.decode()
    port_id = "id_config-connector_config.connection_info.port"
    assert f'aria-describedby="{port_id}_helptext {port_id}_error"' in html
    assert f'<ul class="errorlist" id="{port_id}_error"><li>' in html
    assert 'id="error-summary"' in html and 'role="alert"' in html
    assert f'href="#{port_id}"' in html
    assert "65535" in html
    Secrets(PG_PASSWORD).assert_not_in_response(response)
    # What the user typed elsewhere is kept; the password is not echoed back.
    assert 'value="db.example.com"' in html


def test_a_missing_name_and_a_taken_name_are_field_errors(login, editor, workspace, pg):
    client = login(editor)
    response = client.post(create_url(workspace, pg), connector_post(pg, **postgres_fields()))
    assert response.status_code == 400
    assert "This field is required" in response.content.decode()
    client.post(create_url(workspace, pg), connector_post(pg, name="A", **postgres_fields()))
    again = client.post(
        create_url(workspace, pg), connector_post(pg, name="A", **postgres_fields())
    )
    assert again.status_code == 400
    assert "already exists in this workspace" in again.content.decode()
    assert Connector.objects.filter(name="A").count() == 1


def test_a_cron_schedule_is_stored_and_previewed(login, editor, workspace, pg):
    client = login(editor)
    schedule = {"type": "cron", "cron": "30 6 * * 1-5", "timezone": "Europe/Berlin"}
    data = connector_post(pg, name="Nightly", schedule=schedule, **postgres_fields())
    preview = client.post(create_url(workspace, pg), {**data, "action": "preview"})
    html = preview.content.decode()
    assert "At 06:30 AM, Monday through Friday (Europe/Berlin)" in html
    assert html.count("<li><time datetime=") == 5
    assert not Connector.objects.exists()
    client.post(create_url(workspace, pg), data)
    connector = Connector.objects.get(name="Nightly")
    assert (connector.schedule_type, connector.schedule_cron) == ("cron", "30 6 * * 1-5")
    assert PeriodicTask.objects.get(pk=connector.periodic_task_id).crontab.hour == "6"


def test_schedule_errors_show_on_their_fields(login, editor, workspace, pg):
    client = login(editor)
    bad_cron = connector_post(
        pg, name="X", schedule={"type": "cron", "cron": "every day"}, **postgres_fields()
    )
    html = client.post(create_url(workspace, pg), bad_cron).content.decode()
    assert 'id="id_schedule-cron_error"' in html
    assert "valid 5-field cron expression" in html
    past = connector_post(
        pg, name="X", schedule={"type": "when", "at": "2001-01-01T10:00"}, **postgres_fields()
    )
    html = client.post(create_url(workspace, pg), past).content.decode()
    assert 'id="id_schedule-at_error"' in html and "Must be in the future" in html
    zone = connector_post(
        pg,
        name="X",
        schedule={"type": "cron", "cron": "0 * * * *", "timezone": "Mars/Base"},
        **postgres_fields(),
    )
    assert "Unknown timezone" in client.post(create_url(workspace, pg), zone).content.decode()
    assert not Connector.objects.exists()


def test_a_schedule_error_is_shown_once_beside_its_field(login, editor, workspace, pg):
    """The summary at the top links to the field; the schedule section says it once."""
    client = login(editor)
    for schedule, message in (
        ({"type": "cron", "cron": "every day"}, "valid 5-field cron expression"),
        ({"type": "when", "at": "2001-01-01T10:00"}, "Must be in the future"),
    ):
        data = connector_post(pg, name="X", schedule=schedule, **postgres_fields())
        tree = lxml_html.fromstring(client.post(create_url(workspace, pg), data).content)
        [section] = tree.xpath("//fieldset[@data-preview-url]")
        assert section.text_content().count(message) == 1, message


def test_the_time_zone_is_a_searchable_choice_of_iana_names(login, editor, workspace, pg):
    tree = lxml_html.fromstring(login(editor).get(create_url(workspace, pg)).content)
    [zone] = tree.xpath('//input[@name="schedule-timezone"]')
    [names] = tree.xpath(f'//datalist[@id="{zone.get("list")}"]')
    offered = {option.get("value") for option in names.xpath("./option")}
    assert {"UTC", "Europe/Berlin", "America/New_York", "Asia/Kolkata"} <= offered
    assert len(offered) > 300 and "Mars/Base" not in offered


def test_a_one_off_date_and_immediate_schedules(login, editor, workspace, pg, collection):
    client = login(editor)
    data = connector_post(
        pg, name="Once", schedule={"type": "when", "at": "2099-05-01T08:00"}, **postgres_fields()
    )
    client.post(create_url(workspace, pg), data)
    once = Connector.objects.get(name="Once")
    assert once.schedule_type == ScheduleType.WHEN
    assert once.schedule_at.isoformat() == "2099-05-01T08:00:00+00:00"
    data = connector_post(
        pg, name="Now", schedule={"type": "imed"}, collections=[collection], **postgres_fields()
    )
    client.post(create_url(workspace, pg), data)
    now = Connector.objects.get(name="Now")
    assert now.schedule_type == ScheduleType.IMMEDIATE
    assert now.syncs.count() == 1  # queued by the association; it runs once the check passes


def test_the_schedule_preview_fragment(login, viewer, workspace):
    url = reverse("connectors:schedule_preview", args=[workspace.slug])
    client = login(viewer)
    html = client.get(url, {"schedule-type": "cron", "schedule-cron": "0 0 1 * *"}).content.decode()
    assert html.startswith('<div id="schedule-preview"')
    assert "At 12:00 AM, on day 1 of the month (UTC)" in html
    html = client.get(url, {"schedule-type": "cron", "schedule-cron": "nope"}).content.decode()
    assert "valid 5-field cron expression" in html
    html = client.get(url, {"schedule-type": "none"}).content.decode()
    assert "No schedule" in html


def test_test_connection_runs_the_check_and_saves_nothing(login, editor, workspace, pg):
    closed = free_port()
    data = connector_post(
        pg,
        name="Probe",
        action="test",
        **postgres_fields(**{"connector_config.connection_info.host": "127.0.0.1"}, port=closed),
    )
    response = login(editor).post(create_url(workspace, pg), data)
    assert response.status_code == 200
    assert not Connector.objects.exists()
    html = response.content.decode()
    assert "The connection failed." in html
    assert 'id="check-result"' in html
    Secrets(PG_PASSWORD).assert_not_in_response(response)


def test_test_connection_answers_a_fragment_to_the_script(login, editor, workspace, catalog):
    sample = catalog["sample-data"]
    data = connector_post(sample, name="S", action="test")
    response = login(editor).post(create_url(workspace, sample), data, HTTP_X_FRAGMENT="1")
    html = response.content.decode().strip()
    assert html.startswith('<div id="check-result"')
    assert "The connection works." in html
    assert "<html" not in html
    invalid = connector_post(sample, name="S", action="test", **{"config:document_count": "-5"})
    html = (
        login(editor)
        .post(create_url(workspace, sample), invalid, HTTP_X_FRAGMENT="1")
        .content.decode()
    )
    assert "Fix the configuration first" in html and "Number of documents" in html
    assert not Connector.objects.exists()


def test_editing_never_shows_the_secret_and_a_blank_keeps_it(login, editor, workspace, pg):
    client = login(editor)
    client.post(create_url(workspace, pg), connector_post(pg, name="Orders", **postgres_fields()))
    connector = Connector.objects.get(name="Orders")
    edit = reverse("connectors:connector_edit", args=[workspace.slug, connector.pk])
    page = client.get(edit)
    Secrets(PG_PASSWORD).assert_not_in_response(page)
    assert "A value is stored: leave blank to keep it." in page.content.decode()

    data = connector_post(pg, connector=connector, name="Orders v2", description="New")
    assert data["config-connector_config.connection_info.password"] == ""
    response = client.post(edit, data)
    assert response.status_code == 302
    connector.refresh_from_db()
    assert (connector.name, connector.description) == ("Orders v2", "New")
    assert (
        credentials.full_config(connector)["connector_config"]["connection_info"]["password"]
        == PG_PASSWORD
    )

    data = connector_post(
        pg, connector=connector, **{"connector_config.connection_info.password": "Brand-New-Pw-7"}
    )
    client.post(edit, data)
    connector.refresh_from_db()
    assert (
        credentials.full_config(connector)["connector_config"]["connection_info"]["password"]
        == "Brand-New-Pw-7"
    )


def test_an_invalid_edit_changes_nothing(login, editor, workspace, pg):
    client = login(editor)
    client.post(create_url(workspace, pg), connector_post(pg, name="Orders", **postgres_fields()))
    connector = Connector.objects.get(name="Orders")
    before = (connector.config, connector.credential.token, connector.name)
    edit = reverse("connectors:connector_edit", args=[workspace.slug, connector.pk])
    data = connector_post(
        pg, connector=connector, name="Renamed", **{"connector_config.connection_info.port": "0"}
    )
    response = client.post(edit, data)
    assert response.status_code == 400
    connector.refresh_from_db()
    assert (connector.config, connector.credential.token, connector.name) == before


def test_editing_the_collections_adds_and_removes(
    login, editor, workspace, associated, collection, space, owner
):

    other = services.collection_create(actor=owner, space=space, name="Other")
    client = login(editor)
    edit = reverse("connectors:connector_edit", args=[workspace.slug, associated.pk])
    page = client.get(edit).content.decode()
    assert re.search(f'value="{collection.pk}" id="id_collections_\\d" checked', page)
    assert not re.search(f'value="{other.pk}" id="id_collections_\\d" checked', page)
    data = connector_post(associated.definition, connector=associated, collections=[other])
    data["config-connector_config.password"] = ""
    response = client.post(edit, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(associated.collections.all()) == [other]


def test_only_live_types_can_be_created(login, editor, workspace, make_definition):
    draft = make_definition(connector_id="drafty", status="Draft")
    assert login(editor).get(create_url(workspace, draft)).status_code == 404


def test_the_config_s_polling_fields_fold_into_the_one_schedule_control(
    login, editor, workspace, pg
):
    client = login(editor)
    html = client.get(create_url(workspace, pg)).content.decode()
    assert 'value="config"' not in html  # no second control "as the configuration says"
    assert re.search(r'type="hidden" name="config-operations_config.pollingInterval"', html)
    assert re.search(r'value="none"[^>]*checked', html)  # a new connector syncs on demand
    assert "Nothing runs until you start a sync." in html

    fields = postgres_fields(**{"connector_config.databaseType": "PostgreSQL"})
    data = connector_post(
        pg, name="Weekly", schedule={"type": "cron", "cron": "0 0 * * 0"}, **fields
    )
    client.post(create_url(workspace, pg), data)
    connector = Connector.objects.get(name="Weekly")
    assert (connector.schedule_type, connector.schedule_cron) == ("cron", "0 0 * * 0")
    operations = connector.config["operations_config"]
    assert (operations["pollingInterval"], operations["schedule"]) == ("Periodic", "Weekly")
    edit_url = reverse("connectors:connector_edit", args=[workspace.slug, connector.pk])
    edit = client.get(edit_url).content.decode()
    assert re.search(r'value="cron"[^>]*checked', edit)
    assert "At 12:00 AM, only on Sunday (UTC)" in edit

    cursor = {"reader": {"after": "2026-01-01"}, "pass": "p1", "prune": False, "done": 0}
    Connector.objects.filter(pk=connector.pk).update(cursor=cursor)
    data = connector_post(pg, connector=connector, schedule={"type": "once"}, **fields)
    assert client.post(edit_url, data).status_code == 302
    connector.refresh_from_db()
    assert connector.schedule_type == "once"
    assert connector.cursor == cursor  # a new schedule reads the same source: the cursor stays
    assert connector.config["operations_config"]["pollingInterval"] == "Once"
    assert "schedule" not in connector.config["operations_config"]
