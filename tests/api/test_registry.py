"""The registry API (002): read, register and list in the registry's envelope, with auth, the
registry permission, and 4xx (never 5xx) for bad input."""

import json
import re
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from registry import services
from registry.models import ConnectorDefinition, DefinitionStatus
from tenancy import services as tenancy_services
from tenancy.models import ApiKeyRole
from tests.registry.packages import make_tar, make_zip, package_files

pytestmark = pytest.mark.database

READ = "/v2/connectors/read/{}"
LIST = "/v2/connectors/list"
REGISTER = "/v2/connector/register"
TS = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$")
DOC_LIST_BODY = {
    "id": "api.connectors.list",
    "ver": "v2",
    "ts": "2024-04-10T16:10:50+05:30",
    "params": {"msgid": "4a7f14c3-d61e-4d4f-be78-181834eeff6d"},
    "request": {"filters": {"status": ["Draft"]}},
}


@pytest.fixture
def api_key(workspace, owner):
    def make(role=ApiKeyRole.ADMIN, registry=False):
        _, raw = tenancy_services.api_key_create(
            actor=owner, workspace=workspace, name=f"{role}{registry}", role=role, registry=registry
        )
        return raw

    return make


@pytest.fixture
def reader(api_key):
    return api_key(ApiKeyRole.VIEWER)


@pytest.fixture
def registrar(api_key):
    return api_key(ApiKeyRole.ADMIN, registry=True)


def envelope_ok(response, api_id):
    body = response.json()
    assert body["id"] == api_id and body["ver"] == "v2" and TS.match(body["ts"])
    assert body["params"]["status"] == "SUCCESS" and body["responseCode"] == "OK"
    assert uuid.UUID(body["params"]["resmsgid"]).version == 4
    return body


def envelope_error(response, status, code):
    assert response.status_code == status, response.content
    body = response.json()
    assert body["params"]["status"] == "FAILED"
    assert body["result"] == {} and body["error"]["code"] == code
    assert body["ver"] == "v2" and TS.match(body["ts"])
    return body


def post_list(client, key, body, **extra):
    return client.post(
        LIST, data=json.dumps(body), content_type="application/json", HTTP_X_API_KEY=key, **extra
    )


def upload(client, key, files: dict, **extra):
    return client.post(REGISTER, data=files, HTTP_X_API_KEY=key, **extra)


def zip_file(name="pkg.zip", **package):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, make_zip(package_files(**package)), "application/zip")


# -- read ---------------------------------------------------------------------------------------


def test_read_returns_the_live_definition_with_its_ui_spec(client, catalog, reader):
    response = client.get(READ.format("postgres-connector-1.1.0"), HTTP_X_API_KEY=reader)
    assert response.status_code == 200
    body = envelope_ok(response, "api.connectors.read")
    result = body["result"]
    assert result["id"] == "postgres-connector-1.1.0"
    assert result["connector_id"] == "postgres-connector" and result["status"] == "Live"
    assert result["ui_spec"] == catalog["postgres-connector"].ui_spec
    assert result["iconurl"].startswith("data:image/svg+xml;base64,")
    assert re.match(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$", result["live_date"])
    assert "msgid" not in body["params"]


def test_read_accepts_a_bearer_key_and_a_logged_in_user(client, catalog, reader, viewer):
    url = READ.format("mysql-connector-1.1.0")
    assert client.get(url, HTTP_AUTHORIZATION=f"Bearer {reader}").status_code == 200
    client.force_login(viewer)
    assert client.get(url).status_code == 200


def test_read_mode_edit_returns_the_draft_only(client, catalog, reader):
    services.definition_register(
        actor=None, data=make_zip(package_files()), filename="p.zip", draft=True
    )
    draft_url = READ.format("postgres-connector-2.0.0")
    envelope_error(client.get(draft_url, HTTP_X_API_KEY=reader), 404, "CONNECTOR_NOT_FOUND")
    response = client.get(draft_url + "?mode=edit", HTTP_X_API_KEY=reader)
    assert envelope_ok(response, "api.connectors.read")["result"]["status"] == "Draft"
    live_url = READ.format("postgres-connector-1.1.0") + "?mode=edit"
    envelope_error(client.get(live_url, HTTP_X_API_KEY=reader), 404, "CONNECTOR_NOT_FOUND")


def test_read_of_an_unknown_id_is_the_documented_404(client, catalog, reader):
    body = envelope_error(
        client.get(READ.format("nope-9.9.9"), HTTP_X_API_KEY=reader), 404, "CONNECTOR_NOT_FOUND"
    )
    assert body["error"]["message"] == "Connector not found: nope-9.9.9"
    assert body["responseCode"] == "NOT_FOUND" and body["id"] == "api.connectors.read"


@pytest.mark.parametrize(
    "headers",
    [{}, {"HTTP_X_API_KEY": "not-a-key"}, {"HTTP_AUTHORIZATION": "Bearer abc.def"}],
    ids=["no key", "bad key", "bad bearer"],
)
def test_no_or_bad_key_is_401_in_the_envelope(client, catalog, headers):
    for response in (
        client.get(READ.format("postgres-connector-1.1.0"), **headers),
        client.post(LIST, data="{}", content_type="application/json", **headers),
        client.post(REGISTER, data={"file": zip_file()}, **headers),
    ):
        body = envelope_error(response, 401, "UNAUTHORIZED")
        assert body["responseCode"] == "UNAUTHORIZED"
        assert response.headers["WWW-Authenticate"]


# -- list ---------------------------------------------------------------------------------------


def test_the_documented_list_example_answers_as_documented(client, catalog, reader):
    response = post_list(client, reader, DOC_LIST_BODY)
    body = envelope_ok(response, "api.connectors.list")
    assert body["params"]["msgid"] == DOC_LIST_BODY["params"]["msgid"]
    assert body["result"] == {"data": [], "count": 0}


def test_list_filters_by_status_and_category_and_omits_the_ui_spec(client, catalog, reader):
    services.definition_register(
        actor=None, data=make_zip(package_files(category="Files")), filename="p.zip", draft=True
    )
    body = post_list(client, reader, DOC_LIST_BODY).json()
    assert [row["id"] for row in body["result"]["data"]] == ["postgres-connector-2.0.0"]
    assert body["result"]["count"] == 1
    assert "ui_spec" not in body["result"]["data"][0]
    everything = post_list(client, reader, {}).json()["result"]
    assert everything["count"] == ConnectorDefinition.objects.count()
    live_db = post_list(
        client, reader, {"request": {"filters": {"status": ["Live"], "category": ["Database"]}}}
    ).json()["result"]
    assert (
        live_db["count"]
        == ConnectorDefinition.objects.filter(status="Live", category="Database").count()
    )
    assert {row["status"] for row in live_db["data"]} == {"Live"}


def test_an_empty_body_lists_everything(client, catalog, reader):
    for content_type in ("application/json", ""):
        response = client.post(LIST, data="", content_type=content_type, HTTP_X_API_KEY=reader)
        assert response.json()["result"]["count"] == ConnectorDefinition.objects.count()


@pytest.mark.parametrize("size", [3, 30])
def test_list_runs_a_fixed_number_of_queries(
    client, reader, make_definition, size, django_assert_max_num_queries
):
    for index in range(size):
        make_definition(connector_id=f"kind-{index}", category="Database")
    post_list(client, reader, {})  # the key's first use is recorded once
    with django_assert_max_num_queries(2):
        response = post_list(client, reader, {"request": {"filters": {"status": ["Live"]}}})
    assert response.json()["result"]["count"] == size


@pytest.mark.parametrize(
    "body, field",
    [
        ({"request": {"filters": {"status": ["Nope"]}}}, "request.filters.status.0"),
        ({"request": {"filters": {"status": "Live"}}}, "request.filters.status"),
        ({"request": {"filters": {"category": [1]}}}, "request.filters.category.0"),
        ({"request": {"filters": {"colour": ["red"]}}}, "request.filters"),
        ({"request": {"filters": []}}, "request.filters"),
        ({"request": "all"}, "request"),
        ({"id": "api.other"}, "id"),
        ({"params": {"msgid": 7}}, "params.msgid"),
        ([1, 2], "body"),
        ("text", "body"),
    ],
)
def test_an_invalid_list_body_is_400_naming_the_field(client, catalog, reader, body, field):
    response = post_list(client, reader, body)
    error = envelope_error(response, 400, "CONNECTORS_LIST_INPUT_INVALID")["error"]
    assert error["message"].startswith(f"{field} must ")


@pytest.mark.parametrize("name", ["status", "category"])
def test_an_empty_filter_is_refused_as_the_upstream_schema_does(client, catalog, reader, name):
    response = post_list(client, reader, {"request": {"filters": {name: []}}})
    body = envelope_error(response, 400, "CONNECTORS_LIST_INPUT_INVALID")
    assert body["params"]["status"] == "FAILED"
    assert body["responseCode"] == "BAD_REQUEST"
    assert body["error"]["message"] == f"request.filters.{name} must NOT have fewer than 1 items"


def test_malformed_json_wrong_media_type_and_oversized_bodies_are_4xx(
    client, catalog, reader, settings
):
    response = client.post(
        LIST, data="{nope", content_type="application/json", HTTP_X_API_KEY=reader
    )
    envelope_error(response, 400, "CONNECTORS_LIST_INPUT_INVALID")
    response = client.post(LIST, data="a=1", content_type="text/plain", HTTP_X_API_KEY=reader)
    envelope_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")
    response = client.get(LIST, HTTP_X_API_KEY=reader)
    envelope_error(response, 405, "METHOD_NOT_ALLOWED")
    for nested in ("[" * 100_000 + "]" * 100_000, '{"a":' * 900 + "1" + "}" * 900):
        response = client.post(
            LIST, data=nested, content_type="application/json", HTTP_X_API_KEY=reader
        )
        envelope_error(response, 400, "CONNECTORS_LIST_INPUT_INVALID")
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    big = {"request": {"filters": {"category": ["x" * 50] * 40}}}
    envelope_error(post_list(client, reader, big), 413, "PAYLOAD_TOO_LARGE")


def test_the_msgid_is_echoed_on_errors_too(client, catalog, reader):
    body = {"params": {"msgid": "m-1"}, "request": {"filters": {"status": ["x"]}}}
    assert post_list(client, reader, body).json()["params"]["msgid"] == "m-1"


# -- register -----------------------------------------------------------------------------------


def test_register_under_any_field_name_publishes_the_package(client, catalog, registrar):
    response = upload(client, registrar, {"file3": zip_file()})
    body = envelope_ok(response, "api.connector.register")
    assert body["result"]["message"] == "connector registered successfully."
    assert body["result"]["connectors"] == [{"id": "postgres-connector-2.0.0", "status": "Live"}]
    catalog["postgres-connector"].refresh_from_db()
    assert catalog["postgres-connector"].status == DefinitionStatus.RETIRED
    read = client.get(READ.format("postgres-connector-2.0.0"), HTTP_X_API_KEY=registrar)
    assert read.json()["result"]["status"] == "Live"


def test_register_as_draft(client, catalog, registrar):
    response = upload(client, registrar, {"f": zip_file(), "status": "Draft"})
    assert (
        envelope_ok(response, "api.connector.register")["result"]["connectors"][0]["status"]
        == "Draft"
    )
    response = client.post(
        REGISTER + "?status=Draft", data={"f": zip_file(version="3.0.0")}, HTTP_X_API_KEY=registrar
    )
    assert response.json()["result"]["connectors"][0]["status"] == "Draft"
    envelope_error(
        upload(client, registrar, {"f": zip_file(version="4.0.0"), "status": "Gone"}),
        400,
        "FAILED_TO_REGISTER_CONNECTOR",
    )


def test_two_files_or_none_are_400(client, catalog, registrar):
    body = envelope_error(
        upload(client, registrar, {"a": zip_file(), "b": zip_file(name="b.zip")}),
        400,
        "FAILED_TO_UPLOAD",
    )
    assert "multiple files" in body["error"]["message"]
    body = envelope_error(
        upload(client, registrar, {"a": [zip_file(), zip_file(name="c.zip")]}),
        400,
        "FAILED_TO_UPLOAD",
    )
    envelope_error(upload(client, registrar, {"note": "no file"}), 400, "FAILED_TO_UPLOAD")
    assert not ConnectorDefinition.objects.filter(version="2.0.0").exists()


def test_a_hostile_archive_is_400_with_its_reason_and_nothing_stored(client, catalog, registrar):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = {**package_files(), "../../etc/evil": b"x"}
    evil = SimpleUploadedFile("evil.tar", make_tar(files))
    body = envelope_error(
        upload(client, registrar, {"file": evil}), 400, "FAILED_TO_REGISTER_CONNECTOR"
    )
    assert "outside the archive" in body["error"]["message"]
    assert not ConnectorDefinition.objects.filter(version="2.0.0").exists()


def test_registering_a_published_version_again_is_409(client, catalog, registrar):
    upload(client, registrar, {"file": zip_file()})
    envelope_error(upload(client, registrar, {"file": zip_file()}), 409, "CONNECTOR_ALREADY_EXISTS")


def test_a_file_over_the_limit_is_413(client, catalog, registrar, settings):
    settings.CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES = 500
    envelope_error(upload(client, registrar, {"file": zip_file()}), 413, "PAYLOAD_TOO_LARGE")


@pytest.mark.parametrize(
    "role, registry",
    [(ApiKeyRole.ADMIN, False), (ApiKeyRole.VIEWER, True), (ApiKeyRole.VIEWER, False)],
)
def test_register_without_the_registry_permission_is_403(client, catalog, api_key, role, registry):
    body = envelope_error(
        upload(client, api_key(role, registry), {"file": zip_file()}), 403, "FORBIDDEN"
    )
    assert "registry permission" in body["error"]["message"]
    assert not ConnectorDefinition.objects.filter(version="2.0.0").exists()


def _session(user) -> tuple[Client, str]:
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    client.get("/login/")
    return client, client.cookies["csrftoken"].value


def test_a_staff_session_registers_with_csrf_and_is_refused_without(make_user, catalog):
    client, token = _session(make_user("operator", is_staff=True))
    envelope_error(client.post(REGISTER, data={"file": zip_file()}), 403, "FORBIDDEN")
    response = client.post(REGISTER, data={"file": zip_file()}, HTTP_X_CSRFTOKEN=token)
    assert envelope_ok(response, "api.connector.register")
    listed = client.post(LIST, data="{}", content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert listed.status_code == 200


def test_a_member_session_cannot_register(viewer, catalog):
    client, token = _session(viewer)
    response = client.post(REGISTER, data={"file": zip_file()}, HTTP_X_CSRFTOKEN=token)
    envelope_error(response, 403, "FORBIDDEN")


def test_a_json_body_on_register_is_415(client, catalog, registrar):
    response = client.post(
        REGISTER, data="{}", content_type="application/json", HTTP_X_API_KEY=registrar
    )
    envelope_error(response, 415, "UNSUPPORTED_MEDIA_TYPE")


# -- OpenAPI ------------------------------------------------------------------------------------


def test_the_openapi_schema_validates_and_documents_the_registry(tmp_path):
    target = tmp_path / "schema.json"
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--format",
        "openapi-json",
        "--file",
        str(target),
    )
    schema = json.loads(target.read_text())
    for path, verb in [
        ("/v2/connectors/read/{connector_id}", "get"),
        ("/v2/connector/register", "post"),
        ("/v2/connectors/list", "post"),
    ]:
        operation = schema["paths"][path][verb]
        assert operation["tags"] == ["Connector registry (Obsrv v2)"]
        assert {"200", "400", "401", "403"} <= set(operation["responses"])
    register = schema["paths"]["/v2/connector/register"]["post"]["requestBody"]["content"]
    assert "multipart/form-data" in register


# -- contract: the document's examples, replayed ------------------------------------------------

DOCUMENTED_READ = json.loads(
    (
        Path(__file__).parents[1] / "registry" / "data" / "registry_002_read_response.json"
    ).read_text()
)
DOCUMENTED_REGISTER = {
    "id": "api.connector.register",
    "ver": "v2",
    "ts": "2024-11-19T09:28:47+00:00",
    "params": {"status": "SUCCESS", "resmsgid": "fc2ce24f-a333-479f-931c-024d61039801"},
    "responseCode": "OK",
    "result": {"message": "connector registered successfully."},
}
DOCUMENTED_LIST = {
    "id": "api.connectors.list",
    "ver": "v2",
    "ts": "2024-07-30T15:25:51+05:30",
    "params": {
        "status": "SUCCESS",
        "msgid": "4a7f14c3-d61e-4d4f-be78-181834eeff6d",
        "resmsgid": "f506e725-eed4-41df-86dc-2477d5c4d19a",
    },
    "responseCode": "OK",
    "result": {"data": [], "count": 0},
}


def assert_same_shape(documented, actual, where="body"):
    """Every documented key is there, with a value of the same JSON type."""
    if isinstance(documented, dict):
        assert isinstance(actual, dict), where
        for key, value in documented.items():
            assert key in actual, f"{where}.{key} is missing"
            if key == "ui_spec":
                assert {"schema", "properties"} <= set(actual[key]), where
                continue
            assert_same_shape(value, actual[key], f"{where}.{key}")
    elif isinstance(documented, list):
        assert isinstance(actual, list), where
        if documented and actual:
            assert_same_shape(documented[0], actual[0], f"{where}[0]")
    else:
        assert type(actual) is type(documented), f"{where}: {actual!r} vs {documented!r}"


def test_contract_read_example(client, catalog, reader):
    response = client.get(
        "/v2/connectors/read/postgres-connector-1.1.0", HTTP_ACCEPT="*/*", HTTP_X_API_KEY=reader
    )
    assert response.status_code == 200
    assert_same_shape(DOCUMENTED_READ, response.json())


def test_contract_register_example(client, catalog, registrar):
    response = client.post(
        REGISTER, data={"file3": zip_file()}, HTTP_ACCEPT="*/*", HTTP_X_API_KEY=registrar
    )
    assert response.status_code == 200
    assert_same_shape(DOCUMENTED_REGISTER, response.json())
    assert response.json()["result"]["message"] == DOCUMENTED_REGISTER["result"]["message"]


def test_contract_list_example(client, catalog, reader):
    response = client.post(
        LIST,
        data=json.dumps(DOC_LIST_BODY),
        content_type="application/json",
        HTTP_ACCEPT="*/*",
        HTTP_X_API_KEY=reader,
    )
    assert response.status_code == 200
    body = response.json()
    assert_same_shape(DOCUMENTED_LIST, body)
    assert body["result"] == DOCUMENTED_LIST["result"]
    assert body["params"]["msgid"] == DOCUMENTED_LIST["params"]["msgid"]
