"""Configs for the public specs of ``tests/fixtures/airbyte_specs``: a valid one built from each
spec's own schema (required fields, its examples and defaults, the first option of a choice), and
the spec files themselves."""

import json
import re
from pathlib import Path

import yaml

from registry.schema.choices import discriminator_of
from registry.schema.validation import validator_for
from registry.schema.walk import resolve

SPECS_DIR = Path(__file__).resolve().parents[1] / "fixtures" / "airbyte_specs"
SOURCES = json.loads((SPECS_DIR / "sources.json").read_text())["specs"]


def load_spec(file_name: str) -> dict:
    text = (SPECS_DIR / file_name).read_text()
    return yaml.safe_load(text) if file_name.endswith(".yaml") else json.loads(text)


def ui_spec(file_name: str) -> dict:
    return {"schema": load_spec(file_name), "properties": {}}


def connector_id(file_name: str) -> str:
    return "airbyte-" + file_name.rsplit(".", 1)[0].removeprefix("source-")


def _valid(schema: dict, root: dict, value) -> bool:
    context = {k: root[k] for k in ("$schema", "definitions") if k in root}
    return validator_for({**context, **schema}).is_valid(value)


_STRINGS = {
    "date-time": "2024-01-02T03:04:05Z",
    "date": "2024-01-02",
    "email": "someone@example.com",
    "uri": "https://example.com/",
}
# Candidates tried against a pattern no example matches.
_PATTERNED = [
    "2024-01-02T03:04:05Z",
    "2024-01-02T03:04:05.000Z",
    "2024-01-02T03:04:05.000000Z",
    "2024-01-02",
    "org/repo",
    "example.atlassian.net",
    "123456789",
]


def value_for(schema, root: dict, path: str = "x"):
    """A value valid for ``schema`` (a sample a person could type into the form)."""
    schema = resolve(schema, root)
    if not isinstance(schema, dict) or not schema:
        return f"sample-{path}"
    if "const" in schema:
        return schema["const"]
    if isinstance(schema.get("enum"), list) and schema["enum"]:
        return schema["enum"][0]
    for keyword in ("default", "examples"):
        candidates = schema.get(keyword)
        candidates = candidates if keyword == "examples" else [candidates]
        for candidate in candidates if isinstance(candidates, list) else ():
            if candidate not in ("", None, [], {}) and _valid(schema, root, candidate):
                return candidate
    options = schema.get("oneOf") or schema.get("anyOf")
    if isinstance(options, list) and options:
        branches = [resolve(o, root) for o in options]
        found = (
            discriminator_of(branches, root) if all(isinstance(b, dict) for b in branches) else None
        )
        branch = branches[0]
        value = value_for({k: v for k, v in branch.items()}, root, path)
        if found is not None and isinstance(value, dict):
            value[found[0]] = found[1][0]
        return value
    kind = schema.get("type")
    kind = next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind
    if kind == "object" or "properties" in schema:
        value = {}
        for name in schema.get("required") or ():
            node = (schema.get("properties") or {}).get(name, {})
            value[name] = value_for(node, root, name)
        return value
    if kind == "array":
        items = schema.get("items") if isinstance(schema.get("items"), dict) else {}
        return [value_for(items, root, path) for _ in range(max(1, schema.get("minItems", 1)))]
    if kind == "integer":
        return int(schema.get("minimum", 1) or 1)
    if kind == "number":
        return float(schema.get("minimum", 1.5) or 1.5)
    if kind == "boolean":
        return True
    text = _STRINGS.get(schema.get("format"), f"sample-{re.sub(r'[^a-z0-9]+', '-', path.lower())}")
    if "pattern" in schema:
        for candidate in [text, *_PATTERNED]:
            if _valid(schema, root, candidate):
                return candidate
    return text


def valid_config(spec: dict) -> dict:
    config = value_for(spec, spec, "config")
    assert _valid(spec, spec, config), config
    return config
