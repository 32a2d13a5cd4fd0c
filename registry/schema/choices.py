"""How a spec offers choices: the values a ``const``/``enum`` allows, the property that tells the
objects of a ``oneOf`` apart (Airbyte's auth and method choices), the option a ``default`` names,
and Airbyte's ``order`` of properties."""

from registry.schema.form_fields import MISSING, choice_key
from registry.schema.walk import resolve


def values_of(schema) -> tuple | None:
    """The values a branch's restriction of its controller allows (``const`` or ``enum``)."""
    if not isinstance(schema, dict):
        return None
    if "const" in schema:
        return (schema["const"],)
    if isinstance(schema.get("enum"), list):
        return tuple(schema["enum"])
    return None


def union(first: tuple | None, second: tuple | None) -> tuple | None:
    """Values shown by either of two conditions (None: any value)."""
    if first is None or second is None:
        return None
    return tuple({choice_key(v): v for v in (*first, *second)}.values())


def ordered(
    properties: dict, hints: dict, *, shown_only: bool = True, required=()
) -> list[tuple[str, dict]]:
    """Properties in Airbyte's ``order`` (after ``ui:order``); ``airbyte_hidden`` ones left out
    unless required (the API still takes them, and an edit keeps their stored values)."""
    items = [
        (n, s)
        for n, s in (properties or {}).items()
        if isinstance(s, dict)
        and not (shown_only and s.get("airbyte_hidden") is True and n not in required)
    ]
    order = hints.get("ui:order") if isinstance(hints.get("ui:order"), list) else []

    def key(item):
        name, schema = item
        position = order.index(name) if name in order else len(order)
        explicit = schema.get("order")
        return (position, explicit if isinstance(explicit, int | float) else float("inf"))

    return sorted(items, key=key)


def discriminator_of(branches: list, root: dict) -> tuple[str, list] | None:
    """``(property, [its constant in each branch])`` of the property that tells a ``oneOf``'s
    object branches apart, or None."""
    for name, _ in ordered(branches[0].get("properties") or {}, {}, shown_only=False):
        values = [values_of(resolve((b.get("properties") or {}).get(name), root)) for b in branches]
        if all(v is not None and len(v) == 1 for v in values):
            keys = [choice_key(v[0]) for v in values]
            if len(set(keys)) == len(keys):
                return name, [v[0] for v in values]
    return None


def default_option(default, name: str, values: list):
    """The option a ``oneOf`` object's ``default`` names: the discriminator's value itself
    (``"default": "CDC"``) or an object holding it; MISSING when it names none."""
    if isinstance(default, dict):
        default = default.get(name, MISSING)
    keys = {choice_key(v): v for v in values}
    if default is not MISSING and not isinstance(default, dict | list):
        return keys.get(choice_key(default), MISSING)
    return MISSING
