"""Validating a connector config against its definition's schema, with defaults applied.

``jsonschema`` is the single validator for forms and API alike. Messages name the field by its
dotted path and never repeat the submitted value (it may be a secret).
"""

import ast
import copy
import re
from collections import defaultdict

from jsonschema import Draft7Validator, ValidationError, validators

from connectors.errors import InvalidInput
from connectors.schema import spec_schema

_JS_REGEX_LITERAL = re.compile(r"^/(?P<body>.+)/(?P<flags>[dgimsuy]*)$", re.DOTALL)
_PY_FLAGS = {"i": "i", "m": "m", "s": "s"}


def translate_pattern(pattern: str) -> str:
    """A JavaScript regex literal such as ``"/^a+$/i"`` as the equivalent Python pattern."""
    match = _JS_REGEX_LITERAL.match(pattern)
    if not match:
        return pattern
    flags = "".join(_PY_FLAGS[f] for f in match["flags"] if f in _PY_FLAGS)
    return (f"(?{flags})" if flags else "") + match["body"]


def _translated(schema):
    if isinstance(schema, dict):
        out = {}
        for key, value in schema.items():
            if key == "pattern" and isinstance(value, str):
                out[key] = translate_pattern(value)
            else:
                out[key] = _translated(value)
        return out
    if isinstance(schema, list):
        return [_translated(item) for item in schema]
    return schema


def validator_for(schema: dict):
    schema = _translated(schema)
    cls = validators.validator_for(schema, default=Draft7Validator)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def _is_valid(schema: dict, instance) -> bool:
    return validator_for(schema).is_valid(instance)


def apply_defaults(schema: dict, instance):
    """Fill in ``default`` values as a form would: along ``properties``, creating absent objects
    that hold defaults, and inside the ``dependencies``/``oneOf``/``if`` branch that applies."""
    if not isinstance(schema, dict) or not isinstance(instance, dict):
        return instance
    for name, node in (schema.get("properties") or {}).items():
        if not isinstance(node, dict):
            continue
        if name not in instance:
            if "default" in node:
                instance[name] = copy.deepcopy(node["default"])
            elif node.get("type") == "object" or "properties" in node:
                filled = apply_defaults(node, {})
                if filled:
                    instance[name] = filled
        elif isinstance(instance[name], dict):
            apply_defaults(node, instance[name])
    for trigger, dependency in (schema.get("dependencies") or {}).items():
        if trigger in instance and isinstance(dependency, dict):
            _apply_branch_defaults(dependency, instance)
    for keyword in ("oneOf", "anyOf"):
        options = [o for o in schema.get(keyword) or () if isinstance(o, dict)]
        matching = [o for o in options if _is_valid(o, instance)]
        if matching:
            apply_defaults(matching[0], instance)
    for option in schema.get("allOf") or ():
        apply_defaults(option, instance)
    if isinstance(schema.get("if"), dict):
        branch = schema.get("then") if _is_valid(schema["if"], instance) else schema.get("else")
        apply_defaults(branch, instance)
    return instance


def _apply_branch_defaults(dependency: dict, instance: dict) -> None:
    options = dependency.get("oneOf") or dependency.get("anyOf")
    if options:
        for option in options:
            if _is_valid(option, instance):
                apply_defaults(option, instance)
                return
        return
    apply_defaults(dependency, instance)


_TYPE_WORDS = {
    "string": "a string",
    "integer": "an integer",
    "number": "a number",
    "boolean": "true or false",
    "object": "an object",
    "array": "a list",
    "null": "empty",
}


def _type_message(expected) -> str:
    kinds = expected if isinstance(expected, list) else [expected]
    return "Must be " + " or ".join(_TYPE_WORDS.get(k, k) for k in kinds) + "."


def _message(error: ValidationError) -> tuple[tuple, str]:
    """``(path, plain message)`` of one error, never quoting the offending value."""
    path = tuple(str(p) for p in error.absolute_path)
    value = error.validator_value
    kind = error.validator
    if kind == "required":
        match = re.match(r"^(.+) is a required property$", error.message)
        name = ast.literal_eval(match[1]) if match else ""
        return (*path, str(name)), "This field is required."
    if kind == "type":
        return path, _type_message(value)
    if kind == "enum":
        return path, "Must be one of: " + ", ".join(str(v) for v in value) + "."
    if kind == "const":
        return path, f"Must be {value}."
    if kind == "pattern":
        shown = value if len(value) <= 80 else "the expected format"
        return path, f"Does not match {shown}."
    if kind == "format":
        return path, f"Must be a valid {value}."
    words = {
        "minimum": "Must be at least {}.",
        "maximum": "Must be at most {}.",
        "exclusiveMinimum": "Must be greater than {}.",
        "exclusiveMaximum": "Must be less than {}.",
        "multipleOf": "Must be a multiple of {}.",
        "minLength": "Must be at least {} characters long.",
        "maxLength": "Must be at most {} characters long.",
        "minItems": "Must have at least {} items.",
        "maxItems": "Must have at most {} items.",
        "minProperties": "Must have at least {} entries.",
        "maxProperties": "Must have at most {} entries.",
    }
    if kind in words:
        return path, words[kind].format(value)
    if kind == "uniqueItems":
        return path, "Items must be unique."
    if kind == "additionalProperties":
        declared = set((error.schema or {}).get("properties") or {})
        extras = sorted(k for k in (error.instance or {}) if k not in declared)
        return path, "Unknown field(s): " + ", ".join(extras) + "."
    if kind == "dependencies" and isinstance(value, dict):
        return path, "A field this one depends on is missing."
    if kind == "not":
        return path, "This value is not allowed."
    return path, "Is not valid."


def _leaf_errors(error: ValidationError):
    """The errors a person can act on: inside oneOf/anyOf, those of the closest branch."""
    if error.validator in ("oneOf", "anyOf") and error.context:
        branches = defaultdict(list)
        for sub in error.context:
            branches[sub.relative_schema_path[0]].append(sub)
        # The branch whose discriminator (enum/const) matches, then the one with fewest errors.
        closest = min(
            branches.values(),
            key=lambda errs: (sum(e.validator in ("enum", "const") for e in errs), len(errs)),
        )
        for sub in closest:
            yield from _leaf_errors(sub)
    else:
        yield error


def schema_errors(schema: dict, instance) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    for error in validator_for(schema).iter_errors(instance):
        for leaf in _leaf_errors(error):
            path, message = _message(leaf)
            field = ".".join(path) or "non_field_errors"
            if message not in errors.setdefault(field, []):
                errors[field].append(message)
    return errors


def validate_config(ui_spec: dict, config) -> dict:
    """The config with defaults applied, or InvalidInput mapping dotted paths to messages."""
    if not isinstance(config, dict):
        raise InvalidInput({"config": ["Must be an object."]})
    schema = spec_schema(ui_spec)
    completed = apply_defaults(schema, copy.deepcopy(config))
    errors = schema_errors(schema, completed)
    if errors:
        raise InvalidInput(errors)
    return completed
