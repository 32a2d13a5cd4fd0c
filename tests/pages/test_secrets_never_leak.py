"""A connector's secrets, typed into the pages, never come back out: not in any page, fragment
or admin screen, not in the logs, and not in clear anywhere in the database."""

import logging

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse

from connectors.models import Connector
from syncs.models import Sync
from tests.leaks import Secrets
from tests.pages.forms import PG_PASSWORD, connector_post, postgres_fields
from tests.servers.ports import free_port

NEW_PASSWORD = "Rotated-Page-Secret-55"


@pytest.mark.django_db(transaction=True)
def test_secrets_typed_into_the_pages_never_leave(login, owner, workspace, catalog, caplog):
    caplog.set_level(logging.DEBUG)
    pg = catalog["postgres-connector"]
    secrets = Secrets(PG_PASSWORD, NEW_PASSWORD)
    client = login(owner)
    slug = workspace.slug
    create = reverse("connectors:connector_create", args=[slug, pg.registry_id])
    host = {"connector_config.connection_info.host": "127.0.0.1"}

    responses = [
        client.post(create, connector_post(pg, name="W", **postgres_fields(port=99999))),
        client.post(
            create,
            connector_post(
                pg, name="W", action="test", **postgres_fields(port=free_port(), **host)
            ),
        ),
        client.post(
            create,
            connector_post(
                pg, name="W", action="test", **postgres_fields(port=free_port(), **host)
            ),
            HTTP_X_FRAGMENT="1",
        ),
    ]
    client.post(create, connector_post(pg, name="W", **postgres_fields()))
    connector = Connector.objects.get(name="W")
    edit = reverse("connectors:connector_edit", args=[slug, connector.pk])
    changed = connector_post(
        pg, connector=connector, **{"connector_config.connection_info.password": NEW_PASSWORD}
    )
    client.post(edit, {**changed, "config-connector_config.connection_info.port": "-1"})
    client.post(edit, changed)
    client.post(reverse("syncs:sync_now", args=[slug, connector.pk]))
    sync = Sync.objects.get(connector=connector)

    for name, args in [
        ("connectors:connector_detail", [connector.pk]),
        ("connectors:connector_edit", [connector.pk]),
        ("connectors:connector_list", []),
        ("connectors:dashboard", []),
        ("syncs:connector_activity", [connector.pk]),
        ("syncs:sync_detail", [sync.pk]),
        ("connectors:connector_documents", [connector.pk]),
    ]:
        responses.append(client.get(reverse(name, args=[slug, *args])))

    admin = Client()
    admin.force_login(get_user_model().objects.create_superuser("root", password="pw-root-1"))
    for url in [
        reverse("admin:connectors_connector_change", args=[connector.pk]),
        reverse("admin:connectors_connector_changelist"),
        reverse("admin:connectors_credential_changelist"),
        reverse("admin:connectors_connector_history", args=[connector.pk]),
        reverse("admin:syncs_sync_change", args=[sync.pk]),
    ]:
        responses.append(admin.get(url))

    for response in responses:
        assert response.status_code in (200, 400), response.status_code
        secrets.assert_not_in_response(response)
    secrets.assert_not_in_logs(caplog)
    secrets.assert_not_in_database()
