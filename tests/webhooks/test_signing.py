"""The documented signature: HMAC-SHA256 of "<t>.<body>", refused when tampered, signed with
another secret, or replayed after the tolerance."""

from webhooks import signing

SECRET = "whsec_test-secret"
BODY = b'{"id":"1","type":"sync.failed"}'


def test_a_signed_body_verifies_within_the_tolerance():
    header = signing.signature_header(SECRET, BODY, timestamp=1_700_000_000)
    assert header.startswith("t=1700000000,v1=")
    assert signing.verify(SECRET, header, BODY, now=1_700_000_000 + 299)


def test_tampering_another_secret_and_replays_are_refused():
    header = signing.signature_header(SECRET, BODY, timestamp=1_700_000_000)
    now = 1_700_000_010
    assert not signing.verify(SECRET, header, BODY + b" ", now=now)
    assert not signing.verify("whsec_other", header, BODY, now=now)
    assert not signing.verify(SECRET, header, BODY, now=1_700_000_000 + 301)
    moved = header.replace("t=1700000000", "t=1700000300")  # a fresh time breaks the signature
    assert not signing.verify(SECRET, moved, BODY, now=1_700_000_300)
    for broken in ("", "t=abc,v1=00", "v1=" + "0" * 64, "t=1700000000"):
        assert not signing.verify(SECRET, broken, BODY, now=now)
