"""Walking a JSON Schema by data path, through every place a property can be declared."""

from collections.abc import Iterator

SUBSCHEMA_LISTS = ("oneOf", "anyOf", "allOf")
MAX_REF_DEPTH = 32


def resolve(node, root: dict, _depth: int = 0):
    """``node`` with a local ``$ref`` (``#/definitions/x``, ``#/$defs/x``) replaced by its target;
    keywords next to the ``$ref`` win. Remote or broken references are left as they are."""
    if not isinstance(node, dict) or not isinstance(node.get("$ref"), str):
        return node
    ref = node["$ref"]
    if not ref.startswith("#") or _depth >= MAX_REF_DEPTH:
        return node
    target = root
    for part in ref[1:].split("/")[1:] if ref != "#" else []:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(target, dict) and part in target:
            target = target[part]
        elif isinstance(target, list) and part.isdigit() and int(part) < len(target):
            target = target[int(part)]
        else:
            return node
    if not isinstance(target, dict):
        return node
    merged = {**resolve(target, root, _depth + 1), **node}
    merged.pop("$ref", None)
    return merged


def property_nodes(
    schema: dict, path: tuple[str, ...] = (), root: dict | None = None, _depth: int = 0
) -> Iterator[tuple[tuple, dict]]:
    """Yield ``(data path, schema node)`` for every property, following ``properties``,
    ``dependencies``/``dependentSchemas``, ``oneOf``/``anyOf``/``allOf``, ``if``/``then``/``else``,
    ``items``/``prefixItems``, ``additionalProperties``/``patternProperties`` and local ``$ref``.
    Array items and free-form object values get the path segment ``"*"``. A property declared in
    several places is yielded once per declaration."""
    root = schema if root is None else root
    if _depth > MAX_REF_DEPTH:
        return
    schema = resolve(schema, root)
    if not isinstance(schema, dict):
        return

    def below(node, at):
        yield from property_nodes(node, at, root, _depth + 1)

    for name, node in (schema.get("properties") or {}).items():
        node = resolve(node, root)
        if not isinstance(node, dict):
            continue
        child = (*path, name)
        yield child, node
        yield from below(node, child)
    for keyword in ("dependencies", "dependentSchemas"):
        for dependency in (schema.get(keyword) or {}).values():
            if isinstance(dependency, dict):
                yield from below(dependency, path)
    for keyword in SUBSCHEMA_LISTS:
        for option in schema.get(keyword) or ():
            yield from below(option, path)
    for keyword in ("if", "then", "else"):
        yield from below(schema.get(keyword), path)
    for value_schema in _free_form_values(schema):
        value_schema = resolve(value_schema, root)
        yield (*path, "*"), value_schema
        yield from below(value_schema, (*path, "*"))
    for item_schema in _item_schemas(schema):
        item_schema = resolve(item_schema, root)
        yield (*path, "*"), item_schema
        yield from below(item_schema, (*path, "*"))


def _free_form_values(schema: dict) -> list[dict]:
    values = [schema.get("additionalProperties")]
    values += list((schema.get("patternProperties") or {}).values())
    return [v for v in values if isinstance(v, dict)]


def _item_schemas(schema: dict) -> list[dict]:
    items = schema.get("items")
    found = [items] if isinstance(items, dict) else list(items) if isinstance(items, list) else []
    found += list(schema.get("prefixItems") or ())
    if isinstance(schema.get("additionalItems"), dict):
        found.append(schema["additionalItems"])
    return [i for i in found if isinstance(i, dict)]
