"""The ``sample-data`` kind: every field defaulted, deterministic documents, resumable cursor, and
the knobs tests and benchmarks use (size, delay, failure, content version)."""

import pytest

from config.errors import InvalidInput
from registry.configs import prepare
from registry.kinds.sample_data.source import SampleDataSource
from registry.sources.base import SourceError
from registry.sources.installed import implementation
from tests.reading import RecordingContext


def _read(config, cursor=None, batch_size=100):
    context = RecordingContext(batch_size)
    return list(SampleDataSource(config, context).read(cursor)), context


def test_it_is_the_installed_reader_of_sample_data():
    assert implementation("sample-data") is SampleDataSource
    assert SampleDataSource.incremental is False


@pytest.mark.database
def test_an_empty_config_is_valid_and_fully_defaulted(sample_definition):
    config = prepare(sample_definition, {})
    assert config == {
        "document_count": 100,
        "document_size": 1024,
        "batch_delay": 0,
        "fail_after": 0,
        "fail_retryable": True,
        "content_version": 1,
        "operations_config": {"batch_size": 100},
    }
    batches, _ = _read(config)
    assert sum(len(b.documents) for b in batches) == 100


@pytest.mark.database
@pytest.mark.parametrize(
    "bad",
    [{"document_count": -1}, {"document_size": 2_000_000}, {"batch_delay": "slow"}],
)
def test_out_of_range_knobs_are_refused(sample_definition, bad):
    with pytest.raises(InvalidInput) as refused:
        prepare(sample_definition, bad)
    assert set(refused.value.errors) == set(bad)


def test_documents_are_deterministic_and_sized():
    config = {"document_count": 25, "document_size": 300}
    first, _ = _read(config, batch_size=10)
    second, _ = _read(config, batch_size=10)
    assert [len(b.documents) for b in first] == [10, 10, 5]
    assert [b.cursor for b in first] == [{"next": 10}, {"next": 20}, {"next": 25}]
    assert {b.total for b in first} == {25}
    documents = [d for b in first for d in b.documents]
    assert documents == [d for b in second for d in b.documents]
    assert [d.external_id for d in documents] == [f"sample-{i}" for i in range(25)]
    assert {len(d.content) for d in documents} == {300}
    assert len({d.content for d in documents}) == 25


def test_a_read_resumes_from_its_cursor():
    batches, _ = _read({"document_count": 25}, cursor={"next": 20}, batch_size=10)
    assert [d.external_id for b in batches for d in b.documents] == [
        f"sample-{i}" for i in range(20, 25)
    ]


def test_the_content_version_changes_every_text():
    one, _ = _read({"document_count": 3, "content_version": 1})
    two, _ = _read({"document_count": 3, "content_version": 2})
    pairs = zip(one[0].documents, two[0].documents, strict=True)
    assert all(a.external_id == b.external_id and a.content != b.content for a, b in pairs)


def test_the_delay_waits_through_the_context_before_each_batch():
    _, context = _read({"document_count": 30, "batch_delay": 0.5}, batch_size=10)
    assert context.sleeps == [0.5, 0.5, 0.5]
    assert context.heartbeats >= 3


def test_the_failure_comes_once_per_read_that_crosses_it():
    reader = SampleDataSource({"document_count": 100, "fail_after": 25}, RecordingContext(10))
    read = reader.read(None)
    delivered = []
    with pytest.raises(SourceError) as failure:
        for batch in read:
            delivered += batch.documents
            cursor = batch.cursor
    assert len(delivered) == 25 and cursor == {"next": 25}
    assert (failure.value.retryable, failure.value.type) == (True, "SampleFailure")
    resumed, _ = _read({"document_count": 100, "fail_after": 25}, cursor=cursor, batch_size=10)
    assert sum(len(b.documents) for b in resumed) == 75


def test_the_failure_can_be_permanent():
    with pytest.raises(SourceError) as failure:
        _read({"document_count": 10, "fail_after": 5, "fail_retryable": False})
    assert failure.value.retryable is False


def test_check_passes_without_reaching_anything():
    SampleDataSource({}).check()
