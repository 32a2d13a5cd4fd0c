"""Azurite's blob service (npm package ``azurite``), installed under ``var/npm`` when missing.

Flags per ``servers.md``: ``--skipApiVersionCheck`` (the SDK is newer than the emulator) and
``--disableTelemetry`` (no reaching out to the internet); ``--disableProductStyleUrl`` reads the
account from the path whatever the host name (the tests' own DNS names are not accounts).
"""

import fcntl
import shutil
import subprocess
import tempfile
from pathlib import Path

from tests.servers.ports import free_port, wait_for_port

VERSION = "3.35.0"
NPM_DIR = Path(__file__).resolve().parents[2] / "var" / "npm"
BINARY = NPM_DIR / "node_modules" / ".bin" / "azurite-blob"
ACCOUNT = "devstoreaccount1"
# Azurite's documented development account key (public, not a secret).
KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="


def ensure_installed() -> Path:
    """Install the pinned Azurite once (a file lock keeps parallel test processes in step)."""
    NPM_DIR.mkdir(parents=True, exist_ok=True)
    with open(NPM_DIR / ".install.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not BINARY.exists():
            npm = shutil.which("npm")
            if npm is None:
                raise RuntimeError("npm is needed to install Azurite: apt-get install -y npm")
            subprocess.run(
                [
                    npm,
                    "install",
                    "--prefix",
                    str(NPM_DIR),
                    "--no-audit",
                    "--no-fund",
                    "--loglevel=error",
                    f"azurite@{VERSION}",
                ],
                check=True,
                capture_output=True,
                timeout=600,
            )
    return BINARY


class Azurite:
    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/{ACCOUNT}"
        self.directory = Path(tempfile.mkdtemp(prefix="azurite-"))
        self.process = None

    def start(self) -> "Azurite":
        binary = ensure_installed()
        self.process = subprocess.Popen(
            [
                str(binary),
                "--blobHost",
                "127.0.0.1",
                "--blobPort",
                str(self.port),
                "--location",
                str(self.directory),
                "--skipApiVersionCheck",
                "--disableTelemetry",
                "--disableProductStyleUrl",
                "--silent",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for_port(self.port, timeout=60)
        return self

    def service(self, key: str = KEY):
        from azure.core.credentials import AzureNamedKeyCredential
        from azure.storage.blob import BlobServiceClient

        return BlobServiceClient(self.url, credential=AzureNamedKeyCredential(ACCOUNT, key))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        shutil.rmtree(self.directory, ignore_errors=True)


if __name__ == "__main__":  # python -m tests.servers.azurite: install ahead of the tests (CI)
    print(ensure_installed())
