import secrets

from django.contrib.auth import get_user_model

from connectors import services
from connectors.management.base import HubCommand
from connectors.models import Membership, Role, Workspace


class Command(HubCommand):
    help = (
        "Ensure a 'demo' workspace, an 'admin' superuser and an API key for local use. The "
        "password and the key are printed only when they are created."
    )

    def add_arguments(self, parser):
        parser.add_argument("--workspace", default="demo")
        parser.add_argument("--username", default="admin")

    def handle(self, *args, workspace, username, **options):
        User = get_user_model()
        user = User.objects.filter(username=username).first()
        if user is None:
            password = secrets.token_urlsafe(12)
            user = User.objects.create_superuser(username=username, email="", password=password)
            self.stdout.write(self.style.SUCCESS(f"Admin user: {username}  password: {password}"))
        target = Workspace.objects.filter(slug=workspace).first()
        if target is None:
            target = services.workspace_create(actor=user, name=workspace.title(), slug=workspace)
            self.stdout.write(f"Created workspace {workspace}.")
        if not Membership.objects.filter(user=user, workspace=target).exists():
            services.membership_set(actor=user, workspace=target, user=user, role=Role.OWNER)
        if not target.api_keys.filter(revoked=False).exists():
            _, raw_key = services.api_key_create(
                actor=user, workspace=target, name="demo", registry=True
            )
            self.stdout.write(self.style.SUCCESS(f"API key for workspace {workspace}: {raw_key}"))
