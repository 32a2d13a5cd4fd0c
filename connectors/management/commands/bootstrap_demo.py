import os
import secrets
import signal
import time

import httpx
from django.contrib.auth import get_user_model

from connectors.management.base import ConnectorCommand
from tenancy import services
from tenancy.models import Membership, Role, Workspace


class Command(ConnectorCommand):
    help = (
        "Ensure a 'demo' workspace, an 'admin' superuser and an API key for local use, then print "
        "a framed block with the address and the login. The password and the key are printed "
        "only when they are created."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", default="demo")
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--after-start",
            action="store_true",
            help="Print the block once the web server answers ready, then stay until stopped "
            "(a process of make run's Procfile: honcho stops every process when one ends).",
        )

    def handle(self, *args, workspace, username, after_start, **options):
        address = f"http://127.0.0.1:{os.environ.get('WEB_PORT') or 8000}/"
        lines = [f"Connector Hub: {address}"]
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            lines.append(f"Log in as {username}, password {password} (shown only this once)")
        else:
            lines.append(f"Log in as {username} (password from the first run)")
        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            target = services.workspace_create(actor=user, name=workspace.title(), slug=workspace)
        if not Membership.objects.filter(user=user, workspace=target).exists():
            services.membership_set(actor=user, workspace=target, user=user, role=Role.OWNER)
        if not target.api_keys.filter(revoked=False).exists():
            _, raw_key = services.api_key_create(
                actor=user, workspace=target, name="demo", registry=True
            )
            lines.append(f"API key for workspace {workspace}: {raw_key} (shown only this once)")
        lines.append(f"Forgot the password? python manage.py changepassword {username}")
        lines.append(f"Need a new key? python manage.py create_api_key --workspace {workspace}")
        lines.append("Ctrl-C stops the web server, the worker and beat.")
        if after_start and not _ready(address, timeout=120):
            lines.append("(The server is not ready yet: its log above says why.)")
        self.stdout.write(self.style.SUCCESS(framed(lines)))
        if after_start:
            self.stdout.flush()
            while True:
                signal.pause()


def _ready(address: str, *, timeout: float) -> bool:
    """Whether the web server answers ready (database, broker, beat) within ``timeout`` s."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{address}readyz", timeout=5).status_code == 200:
                return True
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    return False


def framed(lines: list[str]) -> str:
    width = max(len(line) for line in lines)
    border = "+" + "-" * (width + 2) + "+"
    return "\n".join([border, *(f"| {line.ljust(width)} |" for line in lines), border])
