"""Walking a JSON Schema by data path, through every place a property can be declared."""

from collections.abc import Iterator

SUBSCHEMA_LISTS = ("oneOf", "anyOf", "allOf")


def property_nodes(schema: dict, path: tuple[str, ...] = ()) -> Iterator[tuple[tuple, dict]]:
    """Yield ``(data path, schema node)`` for every property, following ``properties``,
    ``dependencies``, ``oneOf``/``anyOf``/``allOf``, ``if``/``then``/``else`` and ``items``.
    Array items get the path segment ``"*"``. A property declared in several places is yielded once
    per declaration."""
    if not isinstance(schema, dict):
        return
    for name, node in (schema.get("properties") or {}).items():
        if not isinstance(node, dict):
            continue
        child = (*path, name)
        yield child, node
        yield from property_nodes(node, child)
    for dependency in (schema.get("dependencies") or {}).values():
        if isinstance(dependency, dict):
            yield from property_nodes(dependency, path)
    for keyword in ("dependentSchemas",):
        for dependency in (schema.get(keyword) or {}).values():
            yield from property_nodes(dependency, path)
    for keyword in SUBSCHEMA_LISTS:
        for option in schema.get(keyword) or ():
            yield from property_nodes(option, path)
    for keyword in ("if", "then", "else"):
        yield from property_nodes(schema.get(keyword), path)
    items = schema.get("items")
    if isinstance(items, dict):
        yield from property_nodes(items, (*path, "*"))
