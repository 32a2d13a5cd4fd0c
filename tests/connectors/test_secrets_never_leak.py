"""Stored secrets never appear in clear: not in generated forms (shown, re-shown with errors, or
edited as JSON), not in the admin, not in logs, not anywhere in the database."""

import logging

import pytest

from connectors import credentials, services
from connectors.schema.forms import config_form_class
from tests.connectors.forms_helpers import definition_for, post_data
from tests.leaks import Secrets

pytestmark = pytest.mark.database

PASSWORD = "Db-Passw0rd-Never-Shown"
TYPED = "Typed-Secret-On-Error-1"
TOKEN = "Json-Buried-T0ken-42"


def pg_config():
    return {
        "connector_config": {
            "databaseType": "PostgreSQL",
            "connection_info": {
                "host": "db.example.com",
                "port": 5432,
                "name": "shop",
                "username": "reader",
                "password": PASSWORD,
            },
            "schemaInfo": {"table": "orders", "timestampColumn": "updated_at"},
        }
    }


@pytest.fixture
def pg_connector(catalog, workspace, owner, caplog):
    caplog.set_level(logging.DEBUG)
    return services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=catalog["postgres-connector"],
        name="warehouse",
        config=pg_config(),
    )


def test_the_edit_form_never_shows_the_stored_secret_even_after_an_error(pg_connector, caplog):
    Form = config_form_class(pg_connector.definition)
    stored = credentials.full_config(pg_connector)
    shown = Form(config=credentials.masked_config(pg_connector), stored=stored)
    Secrets(PASSWORD).assert_not_in_text(str(shown), where="the edit form")
    data = post_data(shown, **{"connector_config.connection_info.password": TYPED})
    data["connector_config.connection_info.port"] = "99999"
    again = Form(data=data, config=credentials.masked_config(pg_connector), stored=stored)
    assert not again.is_valid()
    Secrets(PASSWORD, TYPED).assert_not_in_text(str(again), where="the form re-shown with errors")
    Secrets(PASSWORD, TYPED).assert_not_in_text(str(again.errors), where="the form errors")
    Secrets(PASSWORD, TYPED).assert_not_in_logs(caplog)


def test_a_secret_inside_a_json_field_is_masked():
    spec = {
        "schema": {
            "type": "object",
            "properties": {
                "conn": {
                    "type": "object",
                    "properties": {
                        "odd.key": {"type": "string"},
                        "token": {"type": "string", "writeOnly": True},
                    },
                }
            },
        }
    }
    Form = config_form_class(definition_for(spec))
    stored = {"conn": {"odd.key": "x", "token": TOKEN}}
    shown = Form(config=stored, stored=stored)
    page = str(shown)
    assert 'name="conn"' in page
    Secrets(TOKEN).assert_not_in_text(page, where="a JSON field")
    form = Form(data=post_data(shown), config=stored, stored=stored)
    assert form.is_valid(), form.errors
    assert form.config == stored  # the mask sent back keeps the stored token


def test_admin_pages_never_show_the_secret(pg_connector, admin_client):
    credential = pg_connector.credential
    definition = pg_connector.definition
    pages = [
        "/admin/connectors/connector/",
        f"/admin/connectors/connector/{pg_connector.pk}/change/",
        f"/admin/connectors/connector/{pg_connector.pk}/history/",
        "/admin/connectors/credential/",
        f"/admin/connectors/credential/{credential.pk}/change/",
        f"/admin/connectors/connectordefinition/{definition.pk}/change/",
    ]
    for url in pages:
        response = admin_client.get(url)
        assert response.status_code == 200, url
        Secrets(PASSWORD).assert_not_in_response(response, where=url)
    change = admin_client.get(pages[1]).content.decode()
    assert "db.example.com" in change  # the page does show the config, masked


def test_logs_of_creating_and_editing_never_hold_the_secret(pg_connector, owner, caplog):
    masked = credentials.masked_config(pg_connector)
    masked["connector_config"]["connection_info"]["port"] = 6543
    services.connector_update(actor=owner, connector=pg_connector, config=masked)
    assert (
        credentials.full_config(pg_connector)["connector_config"]["connection_info"]["password"]
        == PASSWORD
    )
    Secrets(PASSWORD).assert_not_in_logs(caplog)


@pytest.mark.django_db(transaction=True)
def test_the_database_holds_no_secret_in_clear(pg_connector):
    Secrets(PASSWORD).assert_not_in_database()


def test_the_helper_finds_secrets_in_their_encoded_forms():
    secrets = Secrets("a/b c&<d>")
    for text in ["x a/b c&<d> y", "a%2Fb%20c%26%3Cd%3E", "a/b c&amp;&lt;d&gt;", '"a/b c&<d>"']:
        assert secrets.found_in(text) == ["a/b c&<d>"]
    assert secrets.found_in(b"YS9iIGMmPGQ+") == ["a/b c&<d>"]
    assert secrets.found_in("nothing here") == []
