"""The embedded broker writes each message under a name consumers skip, then renames it: a file
still being written (empty) is never read as a message."""

import uuid

import pytest
from kombu import Connection
from kombu.simple import SimpleQueue


@pytest.fixture
def connection(tmp_path):
    folders = {name: tmp_path / name for name in ("queue", "processed", "control")}
    for folder in folders.values():
        folder.mkdir()
    options = {
        "data_folder_in": str(folders["queue"]),
        "data_folder_out": str(folders["queue"]),
        "processed_folder": str(folders["processed"]),
        "control_folder": str(folders["control"]),
    }
    with Connection(
        "filesystem://", transport="config.broker:Transport", transport_options=options
    ) as conn:
        yield conn, folders["queue"]


def test_a_message_still_being_written_is_skipped(connection):
    conn, folder = connection
    name = f"q{uuid.uuid4().hex[:8]}"  # kombu keeps bindings per process: a name of our own
    queue = SimpleQueue(conn, name)
    (folder / f"0_half-written.{name}.msg.partial").write_bytes(b"")  # a producer mid-write
    queue.put({"task": "one"})
    assert queue.qsize() == 1
    message = queue.get(timeout=1)
    assert message.payload == {"task": "one"}
    message.ack()
    with pytest.raises(queue.Empty):
        queue.get(timeout=0.2)
    assert not list(folder.glob(f"*.{name}.msg"))  # nothing left half-written under a message name
    queue.close()
