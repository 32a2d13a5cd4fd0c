"""Django forms generated from a definition's ui_spec, for the pages and the admin.

``config_form_class(definition)`` returns a form class: nested objects become fieldsets of fields
with dotted names; sections that ``dependencies``, a discriminated ``oneOf``/``anyOf`` or
``if``/``then``/``else`` make conditional carry ``data-show-when`` attributes that
``static/js/schema-form.js`` uses to show only what applies. Without script everything shows, and
the server drops what does not apply before validating. The cleaned data packs into one config
dict, validated through ``registry.configs.prepare`` (the API's validation), and its errors
land on the matching fields. Render with ``registry/partials/schema_form.html``.
"""

import copy
import json
from dataclasses import dataclass

from django import forms
from django.forms.utils import flatatt

from config.errors import InvalidInput
from registry import configs
from registry.schema import secrets as secret_rules
from registry.schema.descriptions import description_html
from registry.schema.form_fields import MISSING, choice_key
from registry.schema.form_layout import REQUIRED, ROOT_FIELD, build_layout
from registry.schema.layout_nodes import Condition, Node

__all__ = ["ROOT_FIELD", "SchemaForm", "config_form_class"]


@dataclass
class RenderItem:
    """What the partial template renders: a bound field or a fieldset, with its data attributes."""

    field: forms.BoundField | None
    title: str
    description: str
    children: list
    attrs: str
    required: bool = False
    collapsed: bool = False  # the folded "Optional fields" of a level
    open: bool = False  # a folded part holding an error opens

    @property
    def is_section(self) -> bool:
        return self.field is None

    def has_errors(self) -> bool:
        if self.field is not None:
            return bool(self.field.errors)
        return any(child.has_errors() for child in self.children)


class SchemaForm(forms.Form):
    """A connector config form; subclasses are made by ``config_form_class``."""

    definition = None
    layout: Node = Node(path=())
    template_name = "registry/partials/schema_form.html"

    class Media:
        js = ["js/schema-form.js"]

    def __init__(self, data=None, files=None, *, config=None, stored=None, **kwargs):
        """``config``: the values to show (masked or full; secrets never render); ``stored``: the
        connector's full stored config, whose secrets a blank or masked field keeps."""
        super().__init__(data, files, **kwargs)
        self.secret_layout = secret_rules.secret_layout(self.definition.ui_spec)
        self.shown = secret_rules.mask(self.secret_layout, config or {})
        self.stored = stored or {}
        self.config = None
        self.packed = None
        for node in self.layout.walk():
            if node.leaf is None:
                continue
            value = (
                self.shown
                if not node.path
                else secret_rules.get_path(self.shown, node.path, MISSING)
            )
            if node.leaf.secret:
                if value is not MISSING and value not in (None, ""):
                    self.fields[node.name].help_text += (
                        " " if self.fields[node.name].help_text else ""
                    ) + "A value is stored: leave blank to keep it."
                    self.fields[node.name].widget.attrs.pop("required", None)
                continue
            if value is not MISSING:
                self.initial[node.name] = node.leaf.to_initial(value)

    # -- packing -------------------------------------------------------------------------------

    def _leaf_value(self, node: Node):
        leaf = node.leaf
        if leaf.name in self.errors:
            value = MISSING
        else:
            value = leaf.to_config(self.cleaned_data.get(leaf.name))
        if leaf.secret and value is MISSING:
            kept = secret_rules.get_path(self.shown, leaf.path, MISSING)
            if kept == secret_rules.MASK:
                return secret_rules.MASK
        return value

    def _extras(self) -> dict:
        """Values of the shown config the form has no field for (kept as they are)."""
        extras: dict = {}
        for node in self.layout.walk():
            if node.leaf is not None or node.group:
                continue
            known = {child.path[-1] for child in self._object_children(node) if child.path}
            current = (
                secret_rules.get_path(self.shown, node.path, MISSING) if node.path else self.shown
            )
            if isinstance(current, dict):
                for key, value in current.items():
                    if key not in known:
                        secret_rules.set_path(extras, (*node.path, key), copy.deepcopy(value))
        return extras

    def _object_children(self, node: Node):
        for child in node.children:
            if child.group:
                yield from self._object_children(child)
            else:
                yield child

    def pack(self) -> dict:
        """The config the submitted values describe, before the schema checks it."""
        root = self.layout.children[0] if self.layout.children else None
        if root is not None and root.leaf is not None and not root.path:
            value = self._leaf_value(root)
            return value if isinstance(value, dict) else {}
        config = self._extras()
        for node in self.layout.walk():
            if node.leaf is None:
                continue
            value = self._leaf_value(node)
            if value is not MISSING:
                secret_rules.set_path(config, node.path, value)
        for node in self.layout.walk():
            if node.condition is not None and node.path and not node.condition.holds(config):
                secret_rules.pop_path(config, node.path)
        return config

    def clean(self):
        cleaned = super().clean()
        self.packed = self.pack()
        try:
            self.config = configs.prepare(self.definition, self.packed, self.stored)
        except InvalidInput as error:
            self.config = None
            self._invalid_fields = set(self.errors)
            self.attach_errors(error.errors)
        return cleaned

    # -- errors --------------------------------------------------------------------------------

    def attach_errors(self, errors: dict[str, list[str]]) -> None:
        """Schema errors by dotted path onto the field they concern."""
        sections = {n.name: n for n in self.layout.walk() if n.leaf is None and n.path}
        for key, messages in errors.items():
            for message in messages:
                self._attach(key, message, sections)

    def _add(self, name, message) -> None:
        if name in getattr(self, "_invalid_fields", ()):
            return  # the field's own error (not a number, not JSON) says it already
        if name is None:
            if message not in self.non_field_errors():
                self.add_error(None, message)
        elif message not in self.errors.get(name, []):
            self.add_error(name, message)

    def _attach(self, key: str, message: str, sections: dict) -> None:
        if key in self.fields:
            return self._add(key, message)
        if key in sections:
            section = sections[key]
            leaves = [c for c in self._object_children(section) if c.leaf]
            if message == REQUIRED:
                targets = [c for c in leaves if c.path[-1] in section.required] or leaves[:1]
            else:
                targets = leaves[:1]
            if targets:
                for target in targets:
                    self._add(target.name, message)
                return None
        owner = max(
            (name for name in self.fields if key.startswith(name + ".")), key=len, default=None
        )
        if owner is not None:
            return self._add(owner, f"{key[len(owner) + 1 :]}: {message}")
        if key == "non_field_errors":
            return self._add(None, message)
        return self._add(None, f"{key}: {message}")

    # -- rendering -----------------------------------------------------------------------------

    def _condition_attrs(self, condition: Condition | None) -> dict:
        if condition is None:
            return {}
        attrs = {"data-show-when": self[".".join(condition.controller)].html_name}
        if condition.values is not None:
            attrs["data-show-values"] = json.dumps([choice_key(v) for v in condition.values])
        if condition.negate:
            attrs["data-show-negate"] = "true"
        return attrs

    def _item(self, node: Node) -> RenderItem:
        attrs = self._condition_attrs(node.condition)
        if node.leaf is not None:
            field = self[node.leaf.name]
            required = node.leaf.required and not field.field.disabled and not field.is_hidden
            return RenderItem(field, "", "", [], flatatt(attrs), required=required)
        if node.path:
            attrs["data-section"] = ".".join(node.path)
        item = RenderItem(
            None,
            node.title,
            description_html(node.description),
            [self._item(c) for c in node.children],
            flatatt(attrs),
            collapsed=node.collapsed,
        )
        item.open = item.collapsed and self.is_bound and item.has_errors()
        return item

    @property
    def has_required_marks(self) -> bool:
        return any(n.leaf is not None and n.leaf.required for n in self.layout.walk())

    @property
    def layout_items(self) -> list[RenderItem]:
        return [self._item(node) for node in self.layout.children]


def config_form_class(definition) -> type[SchemaForm]:
    """A form class for the config of connectors of ``definition`` (its ui_spec)."""
    layout, fields = build_layout(definition.ui_spec)
    attrs = {"definition": definition, "layout": layout, **fields}
    return type(f"ConfigForm_{definition.connector_id}".replace("-", "_"), (SchemaForm,), attrs)
