"""Domain errors raised by the services; each entry point turns them into its own response."""

from django.core.exceptions import ValidationError


class DomainError(Exception):
    """Base of every error a caller can act on. ``status`` is the HTTP status it maps to."""

    status = 400
    code = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class NotFound(DomainError):
    status = 404
    code = "not_found"


class PermissionDenied(DomainError):
    status = 403
    code = "permission_denied"


class Conflict(DomainError):
    status = 409
    code = "conflict"


class InvalidInput(DomainError):
    """Bad input; ``errors`` maps a field path (dotted) to a list of plain messages."""

    status = 400
    code = "invalid"

    def __init__(self, errors: dict[str, list[str]] | str, message: str | None = None):
        if isinstance(errors, str):
            errors = {"non_field_errors": [errors]}
        self.errors = errors
        if message is None:
            message = "; ".join(
                f"{path}: {msg}" if path != "non_field_errors" else msg
                for path, msgs in errors.items()
                for msg in msgs
            )
        super().__init__(message)


class TransitionRefused(Conflict):
    code = "invalid_state"

    def __init__(self, *, state: str, action: str, allowed: list[str]):
        self.state = state
        self.action = action
        self.allowed = allowed
        super().__init__(
            f"Cannot {action} a connector that is {state}; allowed actions: {', '.join(allowed)}."
        )


class SyncAlreadyActive(Conflict):
    code = "sync_already_active"

    def __init__(self, sync):
        self.sync = sync
        super().__init__(f"A sync of this connector is already {sync.status} ({sync.pk}).")


class CursorExpired(DomainError):
    """A change-feed cursor older than the changes the service keeps."""

    status = 410
    code = "cursor_expired"


def validated(instance, *, exclude=None, constraints: bool = True):
    """``full_clean`` with Django's errors turned into the domain's InvalidInput. Without
    ``constraints`` the database's constraints are left to the save (for rows that concurrent
    writers may race for: a check now could pass or fail on another transaction's row)."""
    try:
        instance.full_clean(exclude=exclude, validate_constraints=constraints)
    except ValidationError as error:
        raise InvalidInput(
            {
                (field if field != "__all__" else "non_field_errors"): [str(m) for m in messages]
                for field, messages in error.message_dict.items()
            }
        ) from None
    return instance
