"""The egress guard: refused networks after DNS resolution and on every redirect hop."""

import httpx
import pytest

from registry.sources import egress
from registry.sources.egress import EgressRefused
from tests.servers.website import Page


@pytest.fixture
def private_refused(settings):
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False


@pytest.mark.parametrize(
    "host",
    [
        "127.0.0.1",
        "localhost",  # refused after resolution, not by its name
        "10.1.2.3",
        "192.168.0.10",
        "172.16.5.4",
        "169.254.10.10",
        "169.254.169.254",
        "100.64.0.1",
        "::1",
        "::ffff:127.0.0.1",
        "fe80::1",
        "0.0.0.0",
    ],
)
def test_private_local_and_metadata_addresses_are_refused_by_default(private_refused, host):
    with pytest.raises(EgressRefused, match="private, local or reserved network"):
        egress.resolve(host, 80)


def test_the_refusal_says_what_to_put_in_the_env_file(private_refused):
    with pytest.raises(EgressRefused) as refused:
        egress.resolve("127.0.0.1", 80)
    assert "put the line CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS=true in the .env file" in str(
        refused.value
    )


def test_public_addresses_pass(private_refused):
    assert egress.resolve("93.184.215.14", 443) == ["93.184.215.14"]


def test_allowing_private_networks_still_refuses_metadata_services(settings):
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = True
    assert egress.resolve("127.0.0.1", 80) == ["127.0.0.1"]
    assert egress.resolve("10.1.2.3", 80) == ["10.1.2.3"]
    for metadata in ("169.254.169.254", "fd00:ec2::254", "100.100.100.200"):
        with pytest.raises(EgressRefused):
            egress.resolve(metadata, 80)


def test_unknown_hosts_and_bad_urls_get_a_clear_error():
    with pytest.raises(EgressRefused, match="cannot be resolved"):
        egress.resolve("no-such-host.invalid", 80)
    with pytest.raises(EgressRefused, match="Only http and https"):
        egress.check_url("file:///etc/passwd")
    with pytest.raises(EgressRefused, match="not valid"):
        egress.check_url("http://[::1")


def test_http_client_refuses_a_loopback_server_by_default(site, private_refused):
    with egress.http_client() as client, pytest.raises(EgressRefused):
        client.get(site.url("/docs/"))
    assert site.requests == []


def test_every_redirect_hop_is_checked(site, settings):
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = True
    site.set(
        "/to-metadata",
        Page(status=302, headers={"Location": "http://169.254.169.254/latest/meta-data/"}),
    )
    with egress.http_client() as client:
        assert client.get(site.url("/docs/guide.html")).status_code == 200
        with pytest.raises(EgressRefused):
            client.get(site.url("/to-metadata"))


def test_the_client_ignores_proxy_settings_from_the_environment(monkeypatch, site):
    monkeypatch.setenv("HTTP_PROXY", "http://10.9.9.9:3128")
    monkeypatch.setenv("ALL_PROXY", "http://10.9.9.9:3128")
    with egress.http_client(timeout=httpx.Timeout(5.0)) as client:
        assert client.get(site.url("/docs/")).status_code == 200


@pytest.mark.parametrize("kind", ["web_scraper", "WEBSITE", "RSS", "HttpData"])
def test_every_http_kind_checks_and_reads_through_the_guard(site, private_refused, kind):
    from registry.sources.base import SourceError
    from registry.sources.installed import implementation
    from tests.reading import RecordingContext

    config = {"url": site.url("/docs/"), "extraction_type": "all", "id_field": "id"}
    source = implementation(kind)(config, RecordingContext())
    with pytest.raises(SourceError, match="private, local or reserved network"):
        source.check()
    with pytest.raises(SourceError, match="private, local or reserved network"):
        list(source.read(None))
    assert site.requests == []
