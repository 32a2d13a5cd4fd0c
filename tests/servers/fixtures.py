"""The real servers of the source tests, each started once per test run (session scope) and shared
by every test that asks for it: reader tests and end-to-end syncs alike. ``tests/conftest.py``
imports them, so no folder starts a second copy.

Tests that change a server's state reset it first (``site``, ``confluence``, ... fixtures of
their folders call ``reset()``).
"""

import ssl

import pytest


@pytest.fixture(scope="session")
def postgres_server():
    from tests.servers import postgres

    server = postgres.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mariadb_server():
    from tests.servers import mariadb

    server = mariadb.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def website():
    from tests.servers.website import WebsiteServer

    server = WebsiteServer()
    server.start()
    yield server
    server.stop()


@pytest.fixture
def site(website):
    """The test website, reset to its original pages for each test."""
    website.reset()
    return website


@pytest.fixture(scope="session")
def moto():
    from tests.servers.moto_s3 import MotoS3

    server = MotoS3().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def s3_proxy(moto):
    """moto behind a proxy that can answer as a throttling S3 would."""
    from tests.fakes.throttling_proxy import ThrottlingProxy

    proxy = ThrottlingProxy(moto.url).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def azurite():
    from tests.servers.azurite import Azurite

    server = Azurite().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def blob_proxy(azurite):
    """Azurite behind a proxy that can answer as a throttling Azure would."""
    from tests.fakes.throttling_proxy import ThrottlingProxy

    proxy = ThrottlingProxy(azurite.url).start()
    yield proxy
    proxy.stop()


@pytest.fixture(scope="session")
def confluence_server():
    from tests.fakes.confluence import FakeConfluence

    server = FakeConfluence().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def jira_server():
    from tests.fakes.jira import FakeJira

    server = FakeJira().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def google_server():
    from tests.fakes.google_drive import FakeGoogle

    server = FakeGoogle().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def test_ca(tmp_path_factory):
    """A throw-away certificate authority, and a server context with its 127.0.0.1 cert."""
    import trustme

    authority = trustme.CA()
    server = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(server)
    ca_file = tmp_path_factory.mktemp("test-ca") / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    return server, str(ca_file)


@pytest.fixture(scope="session")
def microsoft_server(test_ca):
    """Microsoft identity + Graph over TLS (msal accepts only https authorities)."""
    from tests.fakes.microsoft import FakeMicrosoft

    server = FakeMicrosoft(ssl_context=test_ca[0]).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for every browser test of the run (see tests/servers/browser.py)."""
    from tests.servers.browser import headless_chromium

    with headless_chromium() as chromium:
        yield chromium
