"""Debian's Chromium driven by Playwright, for the browser tests of every folder.

One browser per test run: the ``browser`` fixture lives in ``tests/servers/fixtures.py`` (so
``tests/conftest.py`` shares it), because Playwright's sync API keeps an event loop running in the
test thread and a second ``sync_playwright()`` in the same process refuses to start. Django's
guard against ORM calls from async code is switched off while it runs
(``DJANGO_ALLOW_ASYNC_UNSAFE``): the test's database calls are made outside that loop."""

import os
import shutil
import subprocess
from contextlib import contextmanager
from pathlib import Path

CHROMIUM = ("/usr/lib/chromium/chromium", "/usr/bin/chromium")


def chromium_executable() -> str:
    """Debian's Chromium, installed with apt-get when missing (never Playwright's download)."""
    for path in CHROMIUM:
        if Path(path).exists():
            return path
    apt = shutil.which("apt-get")
    if apt is None:
        raise RuntimeError("Chromium is missing and apt-get is not available to install it.")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "update", "-qq"], check=True, env=env)
    subprocess.run(
        [apt, "install", "-y", "-qq", "--no-install-recommends", "chromium"], check=True, env=env
    )
    for path in CHROMIUM:
        if Path(path).exists():
            return path
    raise RuntimeError("apt-get installed chromium, but no chromium executable was found.")


@contextmanager
def headless_chromium():
    from playwright.sync_api import sync_playwright

    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    executable = chromium_executable()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, headless=True)
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous
