"""Validating a connector config against its definition's schema, with defaults applied.

``jsonschema`` is the single validator for forms and API alike. Messages name the field by its
dotted path and never repeat the submitted value (it may be a secret).
"""

import ast
import copy
import re
from collections import defaultdict

from jsonschema import (
    Draft7Validator,
    Draft201909Validator,
    Draft202012Validator,
    SchemaError,
    ValidationError,
    validators,
)

from config.errors import InvalidInput
from registry.schema import spec_schema
from registry.schema.walk import resolve

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
            elif key == "patternProperties" and isinstance(value, dict):
                out[key] = {translate_pattern(k): _translated(v) for k, v in value.items()}
            else:
                out[key] = _translated(value)
        return out
    if isinstance(schema, list):
        return [_translated(item) for item in schema]
    return schema


# Specs mix dialects: Draft 7 specs (the registry's, Airbyte's) use ``dependencies``, 2019-09 and
# 2020-12 specs ``dependentRequired``/``dependentSchemas``. Each validator understands both, so a
# spec means the same whatever ``$schema`` it declares (Draft 7 when it declares none).
_DEPENDENCY_KEYWORDS = {
    "dependencies": Draft7Validator.VALIDATORS["dependencies"],
    "dependentRequired": Draft202012Validator.VALIDATORS["dependentRequired"],
    "dependentSchemas": Draft202012Validator.VALIDATORS["dependentSchemas"],
}
_VALIDATORS = {
    base: validators.extend(base, _DEPENDENCY_KEYWORDS)
    for base in (Draft7Validator, Draft201909Validator, Draft202012Validator)
}


def validator_class(schema: dict):
    base = validators.validator_for(schema, default=Draft7Validator)
    return _VALIDATORS.get(base, base)


def validator_for(schema: dict):
    schema = _translated(schema)
    cls = validator_class(schema)
    return cls(schema, format_checker=cls.FORMAT_CHECKER)


def schema_problem(schema) -> str | None:
    """Why ``schema`` is not a valid JSON Schema of its dialect (patterns as translated at
    validation time), or None when it is."""
    if not isinstance(schema, dict):
        return "must be a JSON object."
    translated = _translated(schema)
    try:
        validator_class(translated).check_schema(translated)
    except SchemaError as error:
        where = "/".join(str(p) for p in error.absolute_path)
        return f"{error.message}" + (f" (at {where})" if where else "")
    except Exception as error:  # a pattern Python's re cannot compile, a broken $ref, ...
        return f"{type(error).__name__}: {error}"
    return None


def _is_valid(schema: dict, instance) -> bool:
    return validator_for(schema).is_valid(instance)


def _in_context(root: dict, subschema: dict) -> dict:
    """A subschema that keeps the root's dialect and definitions, so its ``$ref`` still resolve."""
    context = {k: root[k] for k in ("$schema", "definitions", "$defs") if k in root}
    return {**context, **subschema} if isinstance(subschema, dict) else subschema


def apply_defaults(schema: dict, instance, root: dict | None = None):
    """Fill in ``default`` values as a form would: along ``properties``, creating absent objects
    that hold defaults, and inside the ``dependencies``/``dependentSchemas``/``oneOf``/``if``
    branch that applies."""
    root = schema if root is None else root
    schema = resolve(schema, root)
    if not isinstance(schema, dict) or not isinstance(instance, dict):
        return instance
    for name, node in (schema.get("properties") or {}).items():
        node = resolve(node, root)
        if not isinstance(node, dict):
            continue
        if name not in instance:
            if "default" in node:
                filled = _default_value(node, root)
                if filled is not _INVALID:
                    instance[name] = filled
            elif node.get("type") == "object" or "properties" in node:
                filled = apply_defaults(node, {}, root)
                if filled:
                    instance[name] = filled
        elif isinstance(instance[name], dict):
            apply_defaults(node, instance[name], root)
    for keyword in ("dependencies", "dependentSchemas"):
        for trigger, dependency in (schema.get(keyword) or {}).items():
            if trigger in instance and isinstance(dependency, dict):
                _apply_branch_defaults(dependency, instance, root)
    for keyword in ("oneOf", "anyOf"):
        options = [o for o in schema.get(keyword) or () if isinstance(o, dict)]
        matching = [o for o in options if _is_valid(_in_context(root, o), instance)]
        if matching:
            apply_defaults(matching[0], instance, root)
    for option in schema.get("allOf") or ():
        apply_defaults(option, instance, root)
    if isinstance(schema.get("if"), dict):
        holds = _is_valid(_in_context(root, schema["if"]), instance)
        apply_defaults(schema.get("then") if holds else schema.get("else"), instance, root)
    return instance


_INVALID = object()


def _default_value(node: dict, root: dict):
    """The value a property's ``default`` stands for, or _INVALID when it is not valid there. A
    ``oneOf`` object whose default names an option (``"default": "CDC"``, Airbyte's way) gets
    that branch: its discriminator and its own defaults."""
    default = node["default"]
    options = [resolve(o, root) for o in node.get("oneOf") or node.get("anyOf") or ()]
    if options and not isinstance(default, dict | list):
        branch = _branch_named(options, default, root)
        if branch is not None:
            name, value, schema = branch
            default = apply_defaults(schema, {name: value}, root)
    default = copy.deepcopy(default)
    return default if _is_valid(_in_context(root, node), default) else _INVALID


def _branch_named(options: list, value, root: dict):
    """``(discriminator, value, branch)`` of the object option whose constant equals ``value``."""
    for option in options:
        if not isinstance(option, dict):
            continue
        for name, prop in (option.get("properties") or {}).items():
            prop = resolve(prop, root)
            if isinstance(prop, dict) and (
                prop.get("const", _INVALID) == value or prop.get("enum") == [value]
            ):
                return name, value, option
    return None


def _apply_branch_defaults(dependency: dict, instance: dict, root: dict) -> None:
    options = dependency.get("oneOf") or dependency.get("anyOf")
    if options:
        for option in options:
            if _is_valid(_in_context(root, option), instance):
                apply_defaults(option, instance, root)
                return
        return
    apply_defaults(dependency, instance, root)


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
        return path, _pattern_message(error.schema or {})
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
    if kind in ("dependencies", "dependentRequired"):
        match = re.match(r"^(.+) is a dependency of (.+)$", error.message)
        if match:
            needed, trigger = ast.literal_eval(match[1]), ast.literal_eval(match[2])
            return (*path, str(needed)), f"This field is required when {trigger} is set."
        return path, "A field this one depends on is missing."
    if kind in ("unevaluatedProperties", "propertyNames"):
        return path, "Has fields that are not allowed."
    if kind == "minContains" or kind == "contains":
        return path, "Does not contain an allowed item."
    if kind == "not":
        return path, "This value is not allowed."
    return path, "Is not valid."


def _pattern_message(schema: dict) -> str:
    """A pattern mismatch in words: the spec's ``pattern_descriptor``, else its first example;
    never the regular expression itself."""
    descriptor = schema.get("pattern_descriptor")
    if isinstance(descriptor, str) and descriptor.strip():
        return f"Must have the format {descriptor.strip()}."
    examples = schema.get("examples")
    if isinstance(examples, list) and examples and isinstance(examples[0], str | int | float):
        return f"Does not have the expected format (for example {examples[0]})."
    return "Does not have the expected format."


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
    failed_pattern: set[str] = set()
    format_messages: dict[str, list[str]] = {}
    for error in validator_for(schema).iter_errors(instance):
        for leaf in _leaf_errors(error):
            path, message = _message(leaf)
            field = ".".join(path) or "non_field_errors"
            if leaf.validator == "pattern":
                failed_pattern.add(field)
            elif leaf.validator == "format":
                format_messages.setdefault(field, []).append(message)
            if message not in errors.setdefault(field, []):
                errors[field].append(message)
    # A value of the wrong shape fails its pattern and its format: the pattern's words say it.
    for field in failed_pattern:
        errors[field] = [m for m in errors[field] if m not in format_messages.get(field, ())]
    return errors


def validate_config(ui_spec: dict, config) -> dict:
    """The config with defaults applied, or InvalidInput mapping dotted paths to messages."""
    if not isinstance(config, dict):
        raise InvalidInput({"config": ["Must be an object."]})
    schema = spec_schema(ui_spec)
    try:
        completed = apply_defaults(schema, copy.deepcopy(config))
        errors = schema_errors(schema, completed)
    except RecursionError:
        raise InvalidInput({"config": ["Nested too deeply."]}) from None
    if errors:
        raise InvalidInput(errors)
    return completed
