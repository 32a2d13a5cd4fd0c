"""Who acts: a user, an API key, or the system (commands, tasks). Services take it as ``actor``."""

from django.contrib.auth.models import AbstractBaseUser

from tenancy.models import ApiKey


def actor_label(actor) -> str:
    if actor is None:
        return "system"
    if isinstance(actor, ApiKey):
        return f"key:{actor.prefix}"
    if isinstance(actor, AbstractBaseUser):
        return f"user:{actor.get_username()}"
    return str(actor)
