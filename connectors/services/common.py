from django.core.exceptions import ValidationError

from connectors.errors import InvalidInput


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
