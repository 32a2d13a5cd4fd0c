"""The connections of the SDK-based kinds go to the address the egress guard checked: one lookup
per host, however the name answers later, with the host name kept for the Host header and for
TLS (SNI and certificate verification)."""

import ssl

import pytest
import requests
import trustme
from werkzeug.routing import Rule

from registry.sources.egress import EgressRefused
from registry.sources.pinned import AddressPins, PinnedHTTPAdapter
from tests.fakes.service import FakeService, json_response
from tests.registry.sources.resolver import METADATA

NAME = "storage.pinned.test"


class HostEcho(FakeService):
    """Answers with the Host header it received; over TLS it records the SNI names asked for."""

    def __init__(self, ssl_context=None):
        self.server_names = []
        if ssl_context is not None:
            ssl_context.sni_callback = lambda sock, name, context: self.server_names.append(name)
        super().__init__(ssl_context)

    def rules(self):
        return [Rule("/<path:rest>", endpoint="echo")]

    def echo(self, request, rest=""):
        return json_response({"host": request.host})


@pytest.fixture(scope="module")
def authority(tmp_path_factory):
    ca = trustme.CA()
    ca_file = tmp_path_factory.mktemp("pinned-ca") / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    return ca, str(ca_file)


def tls_server(authority, name):
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority[0].issue_cert(name).configure_cert(context)
    return HostEcho(ssl_context=context).start()


def pinned_session(pins, ca_file):
    session = requests.Session()
    session.trust_env = False
    session.verify = ca_file
    session.mount("https://", PinnedHTTPAdapter(pins))
    session.mount("http://", PinnedHTTPAdapter(pins))
    return session


def test_every_connection_goes_to_the_first_checked_address_with_tls_on_the_name(
    authority, resolver
):
    server = tls_server(authority, NAME)
    resolver.rebind(NAME, "127.0.0.1")  # any later lookup would answer the metadata address
    url = f"https://{NAME}:{server.server.server_port}/bucket/key"
    try:
        with pinned_session(AddressPins(), authority[1]) as session:
            for _ in range(3):  # a new connection each time
                answer = session.get(url, headers={"Connection": "close"}, timeout=10)
                assert answer.json() == {"host": f"{NAME}:{server.server.server_port}"}
    finally:
        server.stop()

    assert resolver.lookups[NAME] == 1
    assert server.server_names == [NAME] * 3


def test_the_certificate_is_still_verified_against_the_name(authority, resolver):
    server = tls_server(authority, "someone-else.test")
    resolver.rebind(NAME, "127.0.0.1")
    try:
        with (
            pinned_session(AddressPins(), authority[1]) as session,
            pytest.raises(requests.exceptions.SSLError, match="(?i)hostname|match"),
        ):
            session.get(f"https://{NAME}:{server.server.server_port}/", timeout=10)
    finally:
        server.stop()
    assert server.seen == []


def test_a_name_answering_a_refused_address_is_never_connected(resolver):
    resolver.rebind(NAME, METADATA, later=METADATA)
    with requests.Session() as session:
        session.mount("http://", PinnedHTTPAdapter(AddressPins()))
        with pytest.raises(EgressRefused):
            session.get(f"http://{NAME}:9/", timeout=5)


def test_a_pinned_address_is_checked_against_the_rules_on_every_use(resolver, settings):
    resolver.rebind(NAME, "127.0.0.1")
    pins = AddressPins()
    assert pins.address(NAME, 80) == "127.0.0.1"

    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False
    with pytest.raises(EgressRefused, match="private, local or reserved"):
        pins.address(NAME, 80)
    assert resolver.lookups[NAME] == 1
