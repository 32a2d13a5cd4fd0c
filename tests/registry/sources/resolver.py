"""A DNS stand-in for the tests of the egress guard: chosen names get scripted answers, the
first lookup one address and every later lookup another (as a rebinding attacker's DNS would);
other names resolve as usual. ``lookups`` counts the lookups of each scripted name."""

import socket
from collections import Counter

import pytest

REAL_GETADDRINFO = socket.getaddrinfo
METADATA = "169.254.169.254"


class ScriptedResolver:
    def __init__(self):
        self.answers: dict[str, tuple[str, str]] = {}
        self.lookups: Counter = Counter()

    def rebind(self, name: str, first: str, later: str = METADATA) -> None:
        self.answers[name] = (first, later)

    def getaddrinfo(self, host, port, *args, **kwargs):
        if isinstance(host, bytes):
            host = host.decode()
        if host in self.answers:
            self.lookups[host] += 1
            first, later = self.answers[host]
            host = first if self.lookups[host] == 1 else later
        return REAL_GETADDRINFO(host, port, *args, **kwargs)


@pytest.fixture
def resolver(monkeypatch):
    scripted = ScriptedResolver()
    monkeypatch.setattr(socket, "getaddrinfo", scripted.getaddrinfo)
    return scripted
