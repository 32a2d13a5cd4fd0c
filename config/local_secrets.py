"""Secrets generated on first use for local runs, shared by every process of one checkout.

The first process (web, worker or command) that needs a value creates it; the file appears
atomically with ``os.link`` so two processes starting together still agree on one value.
"""

import os
import secrets
import tempfile
from collections.abc import Callable
from pathlib import Path


def read_or_create(path: Path, generate: Callable[[], str]) -> str:
    try:
        return path.read_text().strip()
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(fd, "w") as tmp:
            tmp.write(generate() + "\n")
        os.chmod(tmp_name, 0o600)
        try:
            os.link(tmp_name, path)
        except FileExistsError:
            pass  # another process won the race: use its value
    finally:
        os.unlink(tmp_name)
    return path.read_text().strip()


def generate_fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def generate_secret_key() -> str:
    return secrets.token_urlsafe(50)
