"""The helpers every reader here shares: rate-limit waits, the REST client's link and size
rules."""

import email.utils
import time

import pytest
from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from registry.sources.base import SourceError
from registry.sources.changes import changed_since, next_since
from registry.sources.rest import JsonApi, TooLarge
from registry.sources.throttling import RateLimited, call_with_retries, retry_after_seconds
from tests.fakes.service import FakeService
from tests.reading import RecordingContext


class Files(FakeService):
    def rules(self):
        return [Rule("/big", endpoint="big"), Rule("/small", endpoint="small")]

    def big(self, request):
        return Response(b"x" * 5000, content_type="text/plain")

    def small(self, request):
        return Response(b"hello", content_type="text/plain")


@pytest.fixture(scope="module")
def files():
    server = Files().start()
    yield server
    server.stop()


def test_retry_after_reads_seconds_and_http_dates():
    in_thirty = email.utils.formatdate(time.time() + 30, usegmt=True)

    assert retry_after_seconds("7") == 7.0
    assert 25 <= retry_after_seconds(in_thirty) <= 30
    assert retry_after_seconds("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0
    assert retry_after_seconds("soon") is None
    assert retry_after_seconds(None) is None


def test_a_call_throttled_twice_waits_a_growing_back_off_then_succeeds():
    context, answers = RecordingContext(), iter([RateLimited("slow"), RateLimited("slow"), "done"])

    def call():
        answer = next(answers)
        if isinstance(answer, Exception):
            raise answer
        return answer

    assert call_with_retries(call, context, service="Example") == "done"
    assert context.sleeps == [2.0, 8.0]
    assert [level for level, _ in context.lines] == ["warning", "warning"]


def test_persistent_throttling_raises_a_retryable_error_with_the_wait():
    context = RecordingContext()

    def call():
        raise RateLimited("slow", retry_after=4)

    with pytest.raises(RateLimited) as raised:
        call_with_retries(call, context, service="Example")

    assert context.sleeps == [4.0, 4.0, 4.0]
    assert raised.value.retryable is True
    assert raised.value.retry_after == 4.0


def test_a_long_wait_is_left_to_the_sync_retry():
    context = RecordingContext()

    def call():
        raise RateLimited("come back in an hour", retry_after=3600)

    with pytest.raises(RateLimited) as raised:
        call_with_retries(call, context, service="Example")

    assert context.sleeps == []
    assert raised.value.retry_after == 3600


def test_links_to_another_origin_are_not_followed(files):
    api = JsonApi(files.url, context=RecordingContext(), service="Example")

    with pytest.raises(SourceError) as raised:
        api.url("http://127.0.0.2:9/steal")

    assert raised.value.type == "EgressRefused"
    assert api.url("/small") == f"{files.url}/small"


def test_downloads_are_bounded(files):
    api = JsonApi(files.url, context=RecordingContext(), service="Example")

    assert api.download("small", max_bytes=100) == (b"hello", "text/plain")
    with pytest.raises(TooLarge):
        api.download("big", max_bytes=1000)


def test_change_windows():
    assert changed_since("2026-01-01T10:00:01Z", "2026-01-01T10:00:00Z")
    assert not changed_since("2026-01-01T09:59:59.000+0000", "2026-01-01T10:00:00Z")
    assert changed_since("2026-01-01T00:00:00Z", None)
    assert next_since("2026-01-01T10:00:00Z") == "2026-01-01T09:55:00Z"
