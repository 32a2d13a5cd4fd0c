"""Local keys: created once by whichever process comes first, then shared."""

from concurrent.futures import ProcessPoolExecutor

from config.local_secrets import generate_fernet_key, read_or_create


def _create(path):
    return read_or_create(path, generate_fernet_key)


def test_racing_processes_agree_on_one_key(tmp_path):
    path = tmp_path / "var" / "encryption_key"
    with ProcessPoolExecutor(max_workers=4) as pool:
        values = list(pool.map(_create, [path] * 16))
    assert len(set(values)) == 1
    assert path.read_text().strip() == values[0]
    assert (path.stat().st_mode & 0o777) == 0o600
    assert list(path.parent.iterdir()) == [path]
