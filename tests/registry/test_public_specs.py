"""Public connector specifications written elsewhere (``tests/fixtures/airbyte_specs``, where each
came from in its ``sources.json``), each taken through the whole path: registered through the
registry API, its create form rendered in the pages and the admin with a control for every
required field, a valid config accepted by the API and by the form, a config missing a required
field refused naming it, and its secrets masked in every answer and page."""

import copy
import json

import pytest
from django.urls import reverse
from lxml import html as lxml_html

from connectors import credentials
from connectors.models import Connector
from registry.configs import prepare
from registry.models import ConnectorDefinition, DefinitionStatus
from registry.schema import secrets as secret_rules
from registry.schema.forms import config_form_class
from tenancy import services
from tenancy.models import ApiKeyRole
from tests.leaks import Secrets
from tests.registry.forms_helpers import post_data
from tests.registry.packages import make_zip, package_files
from tests.registry.spec_values import SOURCES, connector_id, load_spec, ui_spec, valid_config

pytestmark = pytest.mark.database

MASK = secret_rules.MASK
FILES = [source["file"] for source in SOURCES]


def test_the_corpus_is_varied_and_says_where_each_spec_came_from():
    assert len(FILES) >= 40
    categories = {source["category"] for source in SOURCES}
    assert categories == {"database", "SaaS API", "file store"}
    for source in SOURCES:
        assert source["repository"] == "airbytehq/airbyte"
        assert len(source["commit"]) == 40 and source["path"].startswith("airbyte-integrations/")
        assert load_spec(source["file"])["type"] == "object"


def test_airbyte_sensitive_fields_are_secrets_like_airbyte_secret_ones():
    # source-file marks its storage passwords ``airbyte_sensitive`` rather than ``airbyte_secret``.
    layout = secret_rules.secret_layout(ui_spec("source-file.json"))
    assert layout.secret_leaves == {
        ("provider", "aws_secret_access_key"),
        ("provider", "password"),
    }


@pytest.fixture
def keys(workspace, owner):
    def make(**extra) -> str:
        return services.api_key_create(
            actor=owner, workspace=workspace, name=str(extra), role=ApiKeyRole.ADMIN, **extra
        )[1]

    return make


def register(client, registrar: str, file_name: str) -> ConnectorDefinition:
    from django.core.files.uploadedfile import SimpleUploadedFile

    kind = connector_id(file_name)
    files = package_files(
        connector_id=kind,
        version="1.0.0",
        ui_spec=ui_spec(file_name),
        name=kind,
        implementation="sample-data",
        category="Public specs",
    )
    upload = SimpleUploadedFile("spec.zip", make_zip(files), "application/zip")
    response = client.post("/v2/connector/register", {"file": upload}, HTTP_X_API_KEY=registrar)
    assert response.status_code == 200, response.content.decode()[:500]
    return ConnectorDefinition.objects.get(connector_id=kind, status=DefinitionStatus.LIVE)


def secret_paths(definition) -> list[tuple[str, ...]]:
    return sorted(secret_rules.secret_layout(definition.ui_spec).secret_leaves)


def with_secret_values(definition, config: dict, tag: str) -> tuple[dict, list[str]]:
    """``config`` with a recognisable value in every secret leaf present in it."""
    config, values = copy.deepcopy(config), []
    for path in secret_paths(definition):
        if secret_rules.has_path(config, path) and isinstance(
            secret_rules.get_path(config, path), str
        ):
            value = f"Sekret-{tag}-{'-'.join(path)}-9xQ"
            secret_rules.set_path(config, path, value)
            values.append(value)
    return config, values


def page_form_data(definition, config: dict, name: str) -> dict:
    """What a browser submits on the create page for ``config`` (secrets typed in)."""
    form = config_form_class(definition)(config=config, prefix="config")
    typed = {
        node.leaf.name: secret_rules.get_path(config, node.leaf.path)
        for node in form.layout.walk()
        if node.leaf is not None
        and node.leaf.secret
        and secret_rules.has_path(config, node.leaf.path)
    }
    data = post_data(form, **typed)
    data.update(
        {
            "action": "save",
            "name": name,
            "description": "",
            "schedule-type": "none",
            "schedule-timezone": "UTC",
        }
    )
    return data


def contains(full, expected) -> bool:
    if isinstance(expected, dict):
        return isinstance(full, dict) and all(
            k in full and contains(full[k], v) for k, v in expected.items()
        )
    return full == expected


def required_controls(definition) -> list[str]:
    """Field names of the form that stand for the spec's required properties (top level, and
    inside required objects)."""
    form = config_form_class(definition)(prefix="config")
    names = []
    for node in form.layout.walk():
        if node.leaf is not None and node.leaf.required and node.condition is None:
            names.append(form[node.leaf.name].html_name)
    return names


@pytest.mark.parametrize("file_name", FILES)
def test_a_public_spec_goes_through_registry_forms_api_and_masking(
    file_name, client, admin_client, keys, workspace, owner, collection
):
    spec = load_spec(file_name)
    api = {"HTTP_X_API_KEY": keys()}

    # It registers through the registry API.
    definition = register(client, keys(registry=True), file_name)

    # Its create form renders in the pages and in the admin with a control for each required field.
    client.force_login(owner)
    create_url = reverse(
        "connectors:connector_create", args=[workspace.slug, definition.registry_id]
    )
    page = client.get(create_url)
    assert page.status_code == 200
    admin_page = admin_client.get(
        reverse("admin:connectors_connector_add") + f"?definition={definition.registry_id}"
    )
    assert admin_page.status_code == 200
    for required in spec.get("required") or ():
        assert any(
            n == f"config-{required}" or n.startswith(f"config-{required}.")
            for n in required_controls(definition)
        ), (required, required_controls(definition))
    for html in (page.content.decode(), admin_page.content.decode()):
        tree = lxml_html.fromstring(html)
        for name in required_controls(definition):
            assert tree.xpath(f'//*[@name="{name}"]'), name

    # A valid config built from the spec is accepted by the API ...
    config, secret_values = with_secret_values(definition, valid_config(spec), "api")
    path = f"/v1/spaces/{collection.space_id}/collections/{collection.pk}/connectors"
    body = {"name": "through the API", "type": definition.registry_id, "config": config}
    created = client.post(path, body, content_type="application/json", **api)
    assert created.status_code == 201, created.content.decode()[:1000]
    through_api = Connector.objects.get(pk=created.json()["id"])
    assert credentials.full_config(through_api) == prepare(definition, config)

    # ... and by the form of the pages.
    form_config, form_secrets = with_secret_values(definition, valid_config(spec), "form")
    saved = client.post(create_url, page_form_data(definition, form_config, "through the form"))
    assert saved.status_code == 302, saved.content.decode()[:3000]
    through_form = Connector.objects.get(name="through the form")
    # (the form also sends the constants a branch holds, which the API body may leave out)
    assert contains(credentials.full_config(through_form), prepare(definition, form_config))

    # A config missing a required field (one without a default to fill in) is refused, naming
    # the field, by both.
    properties = spec.get("properties") or {}
    for required in [
        r for r in spec.get("required") or () if "default" not in properties.get(r, {})
    ]:
        missing = {k: v for k, v in config.items() if k != required}
        refused = client.post(
            path,
            {**body, "name": "missing", "config": missing},
            content_type="application/json",
            **api,
        )
        assert refused.status_code == 400
        assert f"config.{required}" in json.dumps(refused.json()["errors"]), refused.json()
        data = page_form_data(definition, missing, "missing")
        for key in [
            k for k in data if k == f"config-{required}" or k.startswith(f"config-{required}.")
        ]:
            data.pop(key)
        again = client.post(create_url, data)
        assert again.status_code == 400, required
        assert "This field is required." in again.content.decode()
    assert not Connector.objects.filter(name="missing").exists()

    # Secret fields are masked in every answer and page.
    secrets = Secrets(*secret_values, *form_secrets)
    for connector in (through_api, through_form):
        shown = [
            client.get(f"/layar/liveSource/{connector.pk}", **api),
            client.get(f"/connectors/{connector.pk}", **api),
            client.get(f"{path}/{connector.pk}", **api) if connector == through_api else None,
            client.get(f"/v1/connector/get_connector/{workspace.pk}/{connector.pk}", **api),
            client.get(reverse("connectors:connector_detail", args=[workspace.slug, connector.pk])),
            client.get(reverse("connectors:connector_edit", args=[workspace.slug, connector.pk])),
            admin_client.get(reverse("admin:connectors_connector_change", args=[connector.pk])),
        ]
        for response in filter(None, shown):
            assert response.status_code == 200, response.request["PATH_INFO"]
            secrets.assert_not_in_response(response)
        if secret_values:
            assert MASK in json.dumps(shown[0].json())
