"""Errors: temporary ones are retried with back-off, permanent ones (or the last try) fail the
sync with an origin, a type and a message a person can act on, and never a secret."""

import httpx
import psycopg
import pytest
from django import db as django_db

from config.crypto import DecryptionFailed
from registry.sources.base import Batch, Source, SourceDocument, SourceError
from syncs.engine.failures import backoff, classify
from syncs.models import Document, SyncStatus

pytestmark = pytest.mark.database

TOKEN = "tok-5ecret-Value-991"


@pytest.fixture(autouse=True)
def quick_retries(settings):
    settings.CONNECTOR_HUB_SYNC_RETRY_BACKOFF = 0.01
    settings.CONNECTOR_HUB_SYNC_RETRY_MAX_WAIT = 0.05
    settings.CONNECTOR_HUB_SYNC_MAX_RETRIES = 2


def test_a_temporary_failure_is_retried_from_the_last_batch(make_sample_connector, sync_to_end):
    connector = make_sample_connector(
        document_count=300, fail_after=130, operations_config={"batch_size": 50}
    )
    sync = sync_to_end(connector)
    assert sync.status == SyncStatus.SUCCEEDED
    assert sync.attempts == 2
    assert (sync.documents_created, sync.documents_unchanged) == (300, 0)
    warning = sync.log_lines.get(level="warning")
    assert warning.message.startswith(
        "Temporary error (SampleFailure): Sample failure after 130 documents, as configured. "
        "Retrying in "
    )
    assert warning.message.endswith("(retry 1 of 2).")


def test_a_permanent_failure_fails_and_the_next_sync_goes_on(make_sample_connector, sync_to_end):
    connector = make_sample_connector(
        document_count=300,
        fail_after=130,
        fail_retryable=False,
        operations_config={"batch_size": 50},
    )
    failed = sync_to_end(connector)
    assert failed.status == SyncStatus.FAILED
    assert (failed.error_origin, failed.error_type, failed.error_retryable) == (
        "source",
        "SampleFailure",
        False,
    )
    assert failed.error_message == "Sample failure after 130 documents, as configured."
    assert failed.attempts == 1
    assert failed.documents_created == 130
    assert failed.log_lines.last().message == f"Failed: {failed.error_message}"

    # The failure happens once per read that crosses it: the next sync resumes after it.
    resumed = sync_to_end(connector)
    assert resumed.status == SyncStatus.SUCCEEDED
    assert resumed.documents_created == 170
    assert Document.objects.filter(connector=connector).count() == 300


class AlwaysOverloaded(Source):
    def read(self, cursor):
        request = httpx.Request("GET", f"https://api.example.com/items?token={TOKEN}")
        response = httpx.Response(503, headers={"Retry-After": "0"}, request=request)
        raise httpx.HTTPStatusError("overloaded", request=request, response=response)
        yield  # pragma: no cover


def test_the_last_try_fails_saying_how_often_it_tried(scripted_connector, sync_to_end):
    connector = scripted_connector(AlwaysOverloaded, token=TOKEN)
    sync = sync_to_end(connector)
    assert sync.status == SyncStatus.FAILED
    assert sync.attempts == 3
    assert (sync.error_origin, sync.error_type, sync.error_retryable) == ("source", "HTTP503", True)
    assert sync.error_message == (
        "The source answered HTTP 503 Service Unavailable for https://api.example.com/items. "
        "Gave up after 3 attempts."
    )


class LeaksItsToken(Source):
    def read(self, cursor):
        self.context.log(f"Connecting with {self.config['token']}")
        yield Batch(documents=[SourceDocument(external_id="one", content="1")])
        raise SourceError(f"Token {self.config['token']} was refused", type="AuthError")


def test_secrets_never_reach_errors_or_log_lines(scripted_connector, sync_to_end):
    connector = scripted_connector(LeaksItsToken, token=TOKEN)
    sync = sync_to_end(connector)
    assert sync.status == SyncStatus.FAILED
    assert sync.error_message == "Token ********** was refused"
    lines = list(sync.log_lines.values_list("message", flat=True))
    assert "Connecting with **********" in lines
    assert not any(TOKEN in line for line in lines)


class Crashes(Source):
    def read(self, cursor):
        raise KeyError("rows")
        yield  # pragma: no cover


def test_an_unexpected_reader_error_is_permanent_and_named(scripted_connector, sync_to_end):
    sync = sync_to_end(scripted_connector(Crashes))
    assert (sync.status, sync.error_origin, sync.error_type, sync.error_retryable) == (
        SyncStatus.FAILED,
        "source",
        "KeyError",
        False,
    )
    assert sync.error_message == "KeyError: 'rows'"


def test_a_kind_without_a_reader_fails_honestly(make_connector, owner, sync_to_end):
    from connectors.lifecycle import State
    from connectors.models import Connector

    connector = make_connector()  # the test-db kind: no reader installed
    Connector.objects.filter(pk=connector.pk).update(state=State.RUNNING)
    connector.refresh_from_db()
    sync = sync_to_end(connector)
    assert (sync.status, sync.error_type) == (SyncStatus.FAILED, "NotImplementedSource")
    assert "not implemented" in sync.error_message


class Chatty(Source):
    def read(self, cursor):
        for n in range(500):
            self.context.log(f"line {n}")
        yield Batch(documents=[])


def test_log_lines_are_bounded_and_keep_the_outcome(scripted_connector, sync_to_end, settings):
    settings.CONNECTOR_HUB_SYNC_LOG_LINES = 20
    sync = sync_to_end(scripted_connector(Chatty))
    lines = list(sync.log_lines.values_list("message", flat=True))
    assert len(lines) == 20
    assert lines[0].startswith("Started")
    assert lines[-2] == "Further lines were left out of this log."
    assert lines[-1].startswith("Finished")


# -- classification -------------------------------------------------------------------------------


def _status_error(status, headers=None):
    request = httpx.Request("GET", "https://user:pw@api.example.com/v1/x?key=1")
    response = httpx.Response(status, headers=headers or {}, request=request)
    return httpx.HTTPStatusError("status", request=request, response=response)


@pytest.mark.parametrize(
    ("error", "retryable", "origin"),
    [
        (SourceError("slow down", retryable=True, retry_after=9), True, "source"),
        (SourceError("no such table"), False, "source"),
        (_status_error(429), True, "source"),
        (_status_error(502), True, "source"),
        (_status_error(401), False, "source"),
        (_status_error(404), False, "source"),
        (httpx.ReadTimeout("timed out"), True, "source"),
        (httpx.ConnectError("refused"), True, "source"),
        (ConnectionResetError(104, "Connection reset by peer"), True, "source"),
        (TimeoutError(), True, "source"),
        (psycopg.OperationalError("server closed the connection unexpectedly"), True, "source"),
        (
            psycopg.OperationalError('password authentication failed for user "x"'),
            False,
            "source",
        ),
        (DecryptionFailed("cannot decrypt"), False, "config"),
        (django_db.OperationalError("database is locked"), True, "system"),
        (django_db.IntegrityError("NOT NULL constraint failed"), False, "system"),
        (ValueError("bad"), False, "source"),
    ],
)
def test_which_errors_are_temporary(error, retryable, origin):
    failure = classify(error, [])
    assert (failure.retryable, failure.origin) == (retryable, origin)
    assert failure.message


def test_retry_after_is_read_from_the_response_and_urls_lose_their_secrets():
    failure = classify(_status_error(429, {"Retry-After": "12"}), [])
    assert failure.retry_after == 12
    assert failure.message == (
        "The source answered HTTP 429 Too Many Requests for https://api.example.com/v1/x."
    )
    dated = classify(_status_error(503, {"Retry-After": "Wed, 21 Oct 2015 07:28:00 GMT"}), [])
    assert dated.retry_after == 0


def test_backoff_grows_with_jitter_and_honours_retry_after():
    for attempt, ceiling in ((1, 2), (2, 4), (3, 8), (4, 16)):
        waits = {backoff(attempt, base=2, cap=300) for _ in range(50)}
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert len(waits) > 1  # jitter
    assert backoff(10, base=2, cap=60) <= 60
    assert backoff(1, base=2, cap=300, retry_after=45) >= 45
    assert backoff(1, base=2, cap=30, retry_after=45) == 30
