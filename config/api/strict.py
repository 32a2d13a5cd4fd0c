"""Request bodies and fields that refuse what they do not understand, instead of guessing."""

from rest_framework import serializers


class StrictSerializer(serializers.Serializer):
    """A request body that refuses keys it does not know: a misspelt field is a 400 naming it,
    never silently dropped. (Kind configs are checked against their own JSON Schema instead.)"""

    def to_internal_value(self, data):
        if isinstance(data, dict):
            unknown = sorted(str(key) for key in data if key not in self.fields)
            if unknown:
                raise serializers.ValidationError(
                    {key[:100]: ["Unknown field."] for key in unknown[:20]}
                )
        return super().to_internal_value(data)


class StrictCharField(serializers.CharField):
    """A string that must arrive as a JSON string: ``123`` is refused, never stored as "123"."""

    default_error_messages = {"not_a_string": "Must be a string."}

    def to_internal_value(self, data):
        if not isinstance(data, str):
            self.fail("not_a_string")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """``true`` or ``false`` (a form's "true"/"false" too); "yes", 1 or "on" are refused."""

    default_error_messages = {"invalid": "Must be true or false."}

    def to_internal_value(self, data):
        if isinstance(data, bool):
            return data
        if data in ("true", "false"):
            return data == "true"
        self.fail("invalid")
