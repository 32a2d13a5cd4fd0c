"""Hostile input gets a clear 4xx and changes nothing: oversized bodies and uploads, deep nesting,
invalid UTF-8, huge numbers, unknown fields, hostile archives and URLs of private addresses;
injection strings are stored as the plain text they are and never run."""

import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils.html import escape

from connectors import services
from tenancy import services as tenancy_services
from tests.registry import packages
from tests.servers.echo import echo_server

pytestmark = pytest.mark.database

INJECTIONS = [
    "'; DROP TABLE connectors_connector; --",
    '" OR 1=1 --',
    "Robert'); DELETE FROM syncs_document WHERE ('1'='1",
    "{{ 7*7 }}",
    "{% debug %}",
    "${7*7}",
    "<script>alert('x')</script>",
    "\u202eevil\u0000",
]


def counts() -> dict[str, int]:
    """Rows per table of the apps that hold user data."""
    return {
        model._meta.label: model._default_manager.count()
        for app in ("tenancy", "connectors", "syncs", "webhooks")
        for model in apps.get_app_config(app).get_models()
        if model._meta.label != "connectors.IdempotencyRecord"
    }


@pytest.fixture
def api(workspace, owner):
    _, key = tenancy_services.api_key_create(actor=owner, workspace=workspace, name="tests")
    return Client(HTTP_X_API_KEY=key)


@pytest.fixture
def paths(workspace, collection, space, make_connector):
    connector = make_connector(name="target", collections=[collection])
    base = f"/v1/spaces/{space.pk}/collections/{collection.pk}"
    return {
        "POST": [
            "/v1/spaces",
            f"/v1/spaces/{space.pk}/collections",
            f"{base}/connectors",
            f"{base}/connectors/{connector.pk}/sync",
            "/connectors/new-one",
            "/layar/liveSource",
            f"/v1/connector/create_connector/{workspace.slug}?scheduler_type=imed",
            f"/v1/connector/create_connector_collection_association/{workspace.slug}",
            "/v1/webhooks",
            "/v2/connectors/list",
        ],
        "PATCH": [
            f"/v1/spaces/{space.pk}",
            f"/v1/spaces/{space.pk}/collections/{collection.pk}",
            f"{base}/connectors/{connector.pk}",
        ],
        "PUT": [f"/connectors/{connector.name}"],
    }


def each_path(paths):
    for method, listed in paths.items():
        for path in listed:
            yield method, path


def send(api, method, path, body: bytes, content_type="application/json"):
    return api.generic(method, path, body, content_type=content_type)


def test_bodies_over_the_limit_are_413(api, paths, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 10_000
    before = counts()
    body = json.dumps({"name": "x", "description": "y" * 20_000}).encode()
    for method, path in each_path(paths):
        response = send(api, method, path, body)
        assert response.status_code == 413, (method, path, response.status_code)
    assert counts() == before


def test_deeply_nested_json_is_400_at_any_depth(api, paths):
    before = counts()
    for depth in (65, 500, 5000, 100_000):
        deep = "[" * depth + "]" * depth
        nested_config = (
            '{"name": "n", "type": "test-db", "config": '
            + '{"a": ' * depth
            + "1"
            + "}" * depth
            + "}"
        )
        for method, path in each_path(paths):
            for body in (deep, nested_config):
                response = send(api, method, path, body.encode())
                assert response.status_code == 400, (method, path, depth, response.content[:200])
    assert counts() == before


def test_invalid_utf8_and_non_json_values_are_400(api, paths):
    before = counts()
    bodies = [
        b'{"name": "\xff\xfe\xfd"}',
        b"\xef\xbb\xbf\xc3\x28",
        b'{"name": NaN}',
        b'{"name": Infinity}',
        b'{"name": "x", "description": "\\ud800"}',
    ]
    for method, path in each_path(paths):
        for body in bodies:
            response = send(api, method, path, body)
            assert 400 <= response.status_code < 500, (method, path, body, response.content)
            assert response.status_code != 404, (method, path)
    assert counts() == before


def test_huge_numbers_are_400(api, paths, collection_path_of):
    before = counts()
    huge_int = "9" * 5000
    for method, path in each_path(paths):
        for number in (huge_int, "1e400", "-1e400", "1" + "0" * 400):
            body = f'{{"name": {number}, "full": {number}, "config": {{"connector_config": {{"host": "h", "port": {number}}}}}}}'
            response = send(api, method, path, body.encode())
            assert response.status_code == 400, (method, path, number[:10], response.content[:200])
    for listing, queries in (
        (f"{collection_path_of}/connectors", ["limit=99999999999999999999999", "limit=-1"]),
        ("/v1/audit", ["limit=1e400", "limit=0"]),
        ("/layar/liveSource", ["rows=99999999999999999999", "rows=1e400", "start=-5"]),
    ):
        for query in queries:
            response = api.get(f"{listing}?{query}")
            assert response.status_code == 400, (listing, query, response.content[:200])
    assert counts() == before


@pytest.fixture
def collection_path_of(space, collection):
    return f"/v1/spaces/{space.pk}/collections/{collection.pk}"


def test_unknown_fields_are_400_naming_them(api, paths):
    before = counts()
    for method, path in each_path(paths):
        if path.startswith(("/layar/liveSource", "/v2/")):
            continue  # live-source options and the registry's request envelope: checked below
        body = json.dumps({"name": "x", "definitely_not_a_field": 1}).encode()
        response = send(api, method, path, body)
        assert response.status_code == 400, (method, path, response.content[:300])
        assert "definitely_not_a_field" in response.json()["errors"], (method, path)
    assert counts() == before


def test_an_unknown_live_source_option_is_400_naming_it(api, catalog):
    before = counts()
    response = api.post(
        "/layar/liveSource",
        {"liveSourceType": "WEBSITE", "name": "w", "url": "https://example.com", "bogus": 1},
        content_type="application/json",
    )
    assert response.status_code == 400, response.content
    assert "bogus" in response.json()["errors"]
    assert counts() == before


@pytest.mark.parametrize("text", INJECTIONS)
def test_injection_strings_are_stored_as_text_and_never_run(
    api, text, space, collection_path_of, admin_client, definition
):
    tables = counts()
    made = api.post(
        "/v1/spaces", {"name": text, "description": text}, content_type="application/json"
    )
    if "\u0000" in text:
        assert made.status_code == 400  # NUL characters are refused, with the field named
        assert "name" in made.json()["errors"]
        return
    assert made.status_code == 201, made.content
    assert made.json()["name"] == text
    assert api.get(f"/v1/spaces/{made.json()['id']}").json()["description"] == text
    connector = api.post(
        f"{collection_path_of}/connectors",
        {
            "name": text,
            "description": text,
            "type": "test-db",
            "config": {"connector_config": {"host": text, "port": 5432}},
        },
        content_type="application/json",
    )
    assert connector.status_code == 201, connector.content
    shown = api.get(f"{collection_path_of}/connectors/{connector.json()['id']}").json()
    assert shown["name"] == text and shown["description"] == text
    assert shown["config"]["connector_config"]["host"] == text
    found = api.get(f"{collection_path_of}/connectors?name={text}")
    assert found.status_code == 200 and [c["name"] for c in found.json()["data"]] == [text]
    after = counts()
    assert after["tenancy.Space"] == tables["tenancy.Space"] + 1
    assert after["connectors.Connector"] == tables["connectors.Connector"] + 1
    page = admin_client.get(f"/admin/connectors/connector/{connector.json()['id']}/change/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert" not in html
    assert escape(text) in html  # shown as the text it is: no template ran on it


def test_hostile_archives_are_400_and_store_nothing(api, catalog, workspace, owner):
    _, key = tenancy_services.api_key_create(
        actor=owner, workspace=workspace, name="registrar", registry=True
    )
    registrar = Client(HTTP_X_API_KEY=key)
    good = packages.package_files("hostile-kind", "1.0.0", implementation="sample-data")
    top = "hostile-kind-1.0.0"
    import tarfile
    import zipfile

    link = zipfile.ZipInfo(f"{top}/link")
    link.external_attr = 0o120777 << 16
    archives = {
        "traversal.zip": packages.make_zip({**good, "../../etc/evil": b"x"}),
        "absolute.tar": packages.make_tar({**good, "/etc/evil": b"x"}),
        "symlink.tar": packages.make_tar(
            good,
            members=[
                packages.tar_member(f"{top}/evil", kind=tarfile.SYMTYPE, linkname="/etc/passwd")
            ],
        ),
        "hardlink.tar": packages.make_tar(
            good,
            members=[packages.tar_member(f"{top}/evil", kind=tarfile.LNKTYPE, linkname="../../x")],
        ),
        "device.tar": packages.make_tar(
            good, members=[packages.tar_member(f"{top}/dev", kind=tarfile.CHRTYPE)]
        ),
        "zip-link.zip": packages.make_zip(good, infos=[(link, b"/etc/passwd")]),
        "bomb.zip": packages.make_zip({**good, f"{top}/zeros.bin": b"\0" * (30 * 1024 * 1024)}),
        "many.zip": packages.make_zip({**good, **{f"{top}/f{i}": b"x" for i in range(100)}}),
        "not-an-archive.zip": b"PK\x03\x04 this is not a zip",
    }
    before = counts()
    for filename, data in archives.items():
        response = registrar.post(
            "/v2/connector/register", {"file": SimpleUploadedFile(filename, data)}
        )
        assert response.status_code == 400, (filename, response.content[:300])
        assert response.json()["params"]["status"] == "FAILED"
        assert response.json()["error"]["message"], filename
    assert counts() == before


def test_uploads_over_the_limits_are_refused_and_store_nothing(
    api, catalog, workspace, owner, collection, collection_path_of, settings
):
    connector = services.connector_create(
        actor=owner,
        workspace=workspace,
        definition=catalog["upload"],
        name="files",
        config={},
        collections=[collection],
    )
    path = f"{collection_path_of}/connectors/{connector.pk}/files"
    settings.CONNECTOR_HUB_UPLOAD_MAX_BYTES = 1000
    settings.CONNECTOR_HUB_UPLOAD_MAX_REQUEST_BYTES = 5000
    before = counts()
    one_too_big = api.post(path, {"files": SimpleUploadedFile("a.txt", b"x" * 2000)})
    assert one_too_big.status_code == 400, one_too_big.content
    assert "files" in json.dumps(one_too_big.json())
    request_too_big = api.post(
        path, {"files": [SimpleUploadedFile(f"{i}.txt", b"y" * 900) for i in range(8)]}
    )
    assert request_too_big.status_code == 413, request_too_big.content
    executable = api.post(
        path,
        {
            "files": SimpleUploadedFile(
                "tool.exe", b"MZ\x90\x00binary", content_type="application/x-msdownload"
            )
        },
    )
    assert executable.status_code == 400, executable.content
    assert counts() == before
    traversal = api.post(path, {"files": SimpleUploadedFile("../../../etc/notes.txt", b"hi")})
    assert traversal.status_code == 201, traversal.content
    assert traversal.json()["files"][0]["name"] == "notes.txt"  # stored under media, by name only


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/hook",
        "http://localhost/hook",
        "http://[::1]/hook",
        "http://10.1.2.3/hook",
        "http://169.254.169.254/latest/meta-data/",
        "http://2130706433/hook",
        "http://0x7f.0.0.1/hook",
        "ftp://example.com/hook",
        "http://user:pw@example.com/hook",
        "not a url",
    ],
)
def test_webhooks_to_private_addresses_are_400_and_store_nothing(api, url, settings):
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False
    before = counts()
    response = api.post(
        "/v1/webhooks", {"url": url, "events": ["sync.failed"]}, content_type="application/json"
    )
    assert response.status_code == 400, response.content
    assert "url" in response.json()["errors"]
    assert counts() == before


def test_a_connector_led_by_a_redirect_to_a_metadata_address_is_refused(catalog, owner, workspace):
    """Private networks are allowed in tests (the local server is on one); cloud metadata
    addresses never are, after every redirect."""
    import threading
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from connectors.tasks import check_connector

    class Redirect(BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(302)
            self.send_header("Location", "http://169.254.169.254/latest/meta-data/iam/")
            self.end_headers()

        do_HEAD = do_GET

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Redirect)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/records"
        connector = services.connector_create(
            actor=owner,
            workspace=workspace,
            definition=catalog["HttpData"],
            name="h",
            config={"url": url},
        )
        check_connector(str(connector.pk), str(connector.check_token))
    finally:
        server.shutdown()
        server.server_close()
    connector.refresh_from_db()
    assert connector.state == "failed"
    assert "private, local or reserved network" in connector.state_reason


def test_a_connector_on_a_private_address_fails_its_check_with_the_reason(
    catalog, owner, workspace, settings
):
    from connectors.tasks import check_connector

    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False
    with echo_server() as url:
        for name, target in (("loopback", url), ("by-name", url.replace("127.0.0.1", "localhost"))):
            connector = services.connector_create(
                actor=owner,
                workspace=workspace,
                definition=catalog["HttpData"],
                name=name,
                config={"url": target + "/records"},
            )
            check_connector(str(connector.pk), str(connector.check_token))
            connector.refresh_from_db()
            assert connector.state == "failed"
            assert "private, local or reserved network" in connector.state_reason
