from django.core.exceptions import ValidationError

from connectors.errors import InvalidInput


def validated(instance, *, exclude=None):
    """``full_clean`` with Django's errors turned into the domain's InvalidInput."""
    try:
        instance.full_clean(exclude=exclude)
    except ValidationError as error:
        raise InvalidInput(
            {
                (field if field != "__all__" else "non_field_errors"): [str(m) for m in messages]
                for field, messages in error.message_dict.items()
            }
        ) from None
    return instance
