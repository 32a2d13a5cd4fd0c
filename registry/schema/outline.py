"""A connector's configuration as a labelled list for reading (the connector page): the same
layout as its generated form (``form_layout``), each field titled as on the form, enum values by
their titles, only the sections the config selects, secrets as "Set" / "Not set" (never a value).

Optional fields left empty are left out; a required one that is empty reads "Not set"."""

import json
from dataclasses import dataclass, field

from registry.schema.form_fields import (
    BOOLEAN,
    CONST,
    ENUM,
    MISSING,
    MULTI_ENUM,
    choice_key,
)
from registry.schema.form_layout import build_layout
from registry.schema.layout_nodes import Node
from registry.schema.secrets import get_path

NOT_SET = "Not set"


@dataclass
class Item:
    title: str
    value: str = ""
    children: list["Item"] = field(default_factory=list)
    secret: bool = False


def config_outline(ui_spec: dict, config: dict) -> list[Item]:
    """The items of ``config`` (its masked form is enough: secrets are never shown)."""
    top, fields = build_layout(ui_spec)
    return _items(top, fields, config if isinstance(config, dict) else {})


def _items(node: Node, fields: dict, config: dict) -> list[Item]:
    items = []
    for child in node.children:
        if child.condition is not None and not child.condition.holds(config):
            continue
        if child.leaf is None:
            inner = _items(child, fields, config)
            if child.collapsed or (child.group and not child.title):
                items.extend(inner)  # "Optional fields": read as the level's own fields
            elif inner and not inner[0].children and inner[0].title == child.title:
                # An object of options: its choice reads as the section's value.
                items.append(Item(title=child.title, value=inner[0].value, children=inner[1:]))
            elif inner:
                items.append(Item(title=child.title, children=inner))
            continue
        item = _leaf_item(child, fields.get(child.leaf.name), config)
        if item is not None:
            items.append(item)
    return items


def _leaf_item(node: Node, form_field, config: dict) -> Item | None:
    leaf = node.leaf
    if leaf.kind == CONST or form_field is None or form_field.widget.is_hidden:
        return None
    title = str(form_field.label or leaf.name)
    value = get_path(config, leaf.path, MISSING) if leaf.path else config
    empty = value is MISSING or value in (None, "", [], {})
    if leaf.secret:
        return Item(title=title, value=NOT_SET if empty else "Set", secret=True)
    if empty:
        return Item(title=title, value=NOT_SET) if leaf.required else None
    return Item(title=title, value=_shown(leaf.kind, value, form_field))


def _shown(kind: str, value, form_field) -> str:
    labels = {str(key): str(label) for key, label in getattr(form_field, "choices", ()) or ()}
    if kind == ENUM:
        return labels.get(choice_key(value), str(value))
    if kind == MULTI_ENUM and isinstance(value, list):
        return ", ".join(labels.get(choice_key(v), str(v)) for v in value)
    if kind == BOOLEAN or isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict | list):
        return json.dumps(value, ensure_ascii=False, separators=(", ", ": "))
    return str(value)
