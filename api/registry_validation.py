"""The registry's request bodies checked as its upstream implementation checks them (a JSON Schema
validated by ajv), with ajv's messages: ``request.filters.status must NOT have fewer than 1 items``.
"""

from jsonschema import ValidationError

from registry.schema.validation import validator_for

_AJV = {
    "type": lambda v: f"must be {v if isinstance(v, str) else ','.join(v)}",
    "enum": lambda v: "must be equal to one of the allowed values",
    "const": lambda v: "must be equal to constant",
    "minItems": lambda v: f"must NOT have fewer than {v} items",
    "maxItems": lambda v: f"must NOT have more than {v} items",
    "minLength": lambda v: f"must NOT have fewer than {v} characters",
    "maxLength": lambda v: f"must NOT have more than {v} characters",
    "additionalProperties": lambda v: "must NOT have additional properties",
    "required": lambda v: "must have required property",
}


def _message(error: ValidationError) -> tuple[str, str]:
    path = ".".join(str(p) for p in error.absolute_path) or "body"
    words = _AJV.get(error.validator)
    if error.validator == "required":
        missing = error.message.split("'")[1] if "'" in error.message else ""
        return path, f"must have required property '{missing}'"
    return path, words(error.validator_value) if words else "is invalid"


def body_errors(schema: dict, body) -> dict[str, list[str]]:
    """``{path: [ajv message, ...]}`` of every problem of ``body``; empty when it is valid."""
    found: dict[str, list[str]] = {}
    for error in validator_for(schema).iter_errors(body):
        path, message = _message(error)
        if message not in found.setdefault(path, []):
            found[path].append(message)
    return found


def sentence(problems: dict[str, list[str]]) -> str:
    return "; ".join(
        f"{path} {message}" for path, messages in problems.items() for message in messages
    )
