"""The layout of a form generated from a ui_spec: which fields, in which fieldsets, shown under
which condition. ``build_layout`` walks the schema once; ``registry.schema.forms`` turns the
result into a Django form class.

An object level contributes its ``properties`` and ``allOf`` parts unconditionally, and the
properties of ``dependencies``/``dependentSchemas`` branches, of a ``oneOf``/``anyOf`` told apart by
a constant (the choice becomes a field) and of ``if``/``then``/``else`` under the condition that
selects them. What cannot be laid out as fields (free-form maps, arrays of objects, undiscriminated
``oneOf``, keys with dots, too deep) becomes one JSON field.
"""

import copy
from dataclasses import dataclass

from django import forms
from django.forms.utils import pretty_name

from registry.schema import secrets as secret_rules
from registry.schema import spec_schema, spec_ui_hints, ui_hint
from registry.schema.choices import default_option, discriminator_of, ordered, union, values_of
from registry.schema.form_fields import MISSING, make_field, nullable_option
from registry.schema.layout_nodes import Condition, Node
from registry.schema.walk import resolve

MAX_DEPTH = 8
ROOT_FIELD = "__config__"
REQUIRED = "This field is required."


@dataclass
class _Declaration:
    name: str
    schema: dict
    condition: Condition | None
    required: bool
    choice_labels: list | None = None
    widget: str | None = None  # the choice widget a `display_type` asks for


class _Builder:
    """Builds the layout tree and the form fields of one ui_spec."""

    def __init__(self, ui_spec: dict):
        self.root = spec_schema(ui_spec)
        self.hints = spec_ui_hints(ui_spec)
        self.layout = secret_rules.secret_layout(ui_spec)
        self.fields: dict[str, forms.Field] = {}

    def hint(self, path) -> dict:
        return ui_hint(self.hints, path)

    def build(self) -> Node:
        root = resolve(self.root, self.root)
        top = Node(path=())
        children = self.object_children((), root, required_chain=True, depth=0)
        if children is None:
            top.children = [self.leaf((), root, None, required=False)]
        else:
            top.children = self.grouped(children, root)
            top.required = tuple(root.get("required") or ())
        self.drop_unknown_controllers(top)
        fold_optional(top)
        return top

    # -- objects -------------------------------------------------------------------------------

    def declarations(self, schema: dict, path: tuple, condition=None) -> list[_Declaration] | None:
        """Every property this object level declares, with the condition it appears under; None
        when the level cannot be rendered as fields."""
        schema = resolve(schema, self.root)
        required = set(schema.get("required") or ())
        found = [
            _Declaration(name, resolve(node, self.root), condition, name in required)
            for name, node in ordered(schema.get("properties"), self.hint(path), required=required)
        ]
        for part in schema.get("allOf") or ():
            more = self.declarations(part, path, condition)
            if more is None:
                return None
            found += more
        for keyword in ("dependencies", "dependentSchemas"):
            for trigger, dependency in (schema.get(keyword) or {}).items():
                if isinstance(dependency, dict):
                    found += self.dependency(path, trigger, resolve(dependency, self.root))
        for keyword in ("oneOf", "anyOf"):
            if schema.get(keyword):
                more = self.discriminated(path, schema[keyword], found, schema)
                if more is None:
                    return None
                found += more
        if isinstance(schema.get("if"), dict):
            found += self.if_then_else(path, schema)
        return found

    def dependency(self, path, trigger, dependency) -> list[_Declaration]:
        controller = (*path, trigger)
        options = dependency.get("oneOf") or dependency.get("anyOf")
        branches = options if isinstance(options, list) else [dependency]
        found = []
        for branch in branches:
            branch = resolve(branch, self.root)
            if not isinstance(branch, dict):
                continue
            values = values_of((branch.get("properties") or {}).get(trigger))
            condition = Condition(controller, values)
            required = set(branch.get("required") or ())
            for name, node in ordered(branch.get("properties"), self.hint(path)):
                if name != trigger:
                    node = resolve(node, self.root)
                    found.append(_Declaration(name, node, condition, name in required))
        return found

    def discriminated(self, path, options, declared, parent: dict) -> list[_Declaration] | None:
        """A ``oneOf`` of objects told apart by one property holding a constant (Airbyte's auth
        choices): that property becomes a choice, each branch's fields show when it is chosen.
        The object's ``default`` naming an option preselects it; ``display_type`` picks radio
        buttons or a drop-down."""
        branches = [resolve(o, self.root) for o in options]
        if all(isinstance(b, dict) and not b.get("properties") for b in branches):
            return []  # e.g. "one of these fields is required": nothing to render
        if not all(isinstance(b, dict) and isinstance(b.get("properties"), dict) for b in branches):
            return None
        discriminator = discriminator_of(branches, self.root)
        if discriminator is None:
            return None
        name, values = discriminator
        found = []
        if not any(d.name == name and d.condition is None for d in declared):
            first = resolve(branches[0]["properties"][name], self.root)
            choice = {k: v for k, v in first.items() if k not in ("const", "enum", "default")}
            choice["enum"] = values
            # Named after the object (Airbyte's way) unless the discriminator has a title.
            choice.setdefault("title", parent.get("title") or pretty_name(name))
            chosen = default_option(parent.get("default"), name, values)
            if chosen is not MISSING:
                choice["default"] = chosen
            labels = [b.get("title") or str(v) for b, v in zip(branches, values, strict=True)]
            widget = {"radio": "radio", "dropdown": "select"}.get(parent.get("display_type"))
            found.append(
                _Declaration(name, choice, None, True, choice_labels=labels, widget=widget)
            )
        for branch, value in zip(branches, values, strict=True):
            condition = Condition((*path, name), (value,))
            required = set(branch.get("required") or ())
            for prop, node in ordered(branch["properties"], self.hint(path)):
                if prop != name:
                    node = resolve(node, self.root)
                    found.append(_Declaration(prop, node, condition, prop in required))
        return found

    def if_then_else(self, path, schema) -> list[_Declaration]:
        test = resolve(schema["if"], self.root)
        properties = test.get("properties") if isinstance(test, dict) else None
        condition = None
        if isinstance(properties, dict) and len(properties) == 1:
            ((name, restriction),) = properties.items()
            values = values_of(resolve(restriction, self.root))
            if values is not None:
                condition = Condition((*path, name), values)
        found = []
        for keyword, branch_condition in (
            ("then", condition),
            (
                "else",
                Condition(condition.controller, condition.values, True) if condition else None,
            ),
        ):
            branch = resolve(schema.get(keyword), self.root)
            if isinstance(branch, dict):
                required = set(branch.get("required") or ())
                for name, node in ordered(branch.get("properties"), self.hint(path)):
                    node = resolve(node, self.root)
                    found.append(_Declaration(name, node, branch_condition, name in required))
        return found

    def merged(self, declarations: list[_Declaration]) -> list[_Declaration]:
        """One declaration per property, in first-seen order: unconditional if declared so
        anywhere, otherwise shown under the union of its branches' values."""
        by_name: dict[str, _Declaration] = {}
        for declaration in declarations:
            kept = by_name.get(declaration.name)
            if kept is None or (kept.condition is not None and declaration.condition is None):
                by_name[declaration.name] = copy.copy(declaration)
            elif kept.condition is None:
                kept.required |= declaration.condition is None and declaration.required
            elif (
                kept.condition.controller == declaration.condition.controller
                and not kept.condition.negate
                and not declaration.condition.negate
            ):
                kept.condition = Condition(
                    kept.condition.controller,
                    union(kept.condition.values, declaration.condition.values),
                )
        return list(by_name.values())

    def object_children(self, path, schema, *, required_chain: bool, depth: int):
        """The nodes of an object's properties, conditional ones right after their controller;
        None when the object is better edited as JSON."""
        if depth > MAX_DEPTH:
            return None
        free_form = isinstance(schema.get("additionalProperties"), dict) or schema.get(
            "patternProperties"
        )
        if free_form and not schema.get("properties"):
            return None
        declarations = self.declarations(schema, path)
        if declarations is None or not declarations:
            return None
        declarations = self.merged(declarations) + self.undeclared(schema, declarations)
        if any("." in d.name or not d.name for d in declarations):
            return None
        nodes = []
        for declaration in declarations:
            child_path = (*path, declaration.name)
            # Only unconditional fields get the browser's `required`: without script every section
            # shows, and a hidden branch's required field must not block the submit.
            required = required_chain and declaration.required and declaration.condition is None
            node = self.node(child_path, declaration, required, depth)
            nodes.append(node)
        # Conditional nodes follow the field that controls them.
        ordered: list[Node] = []
        placed = set()
        for node in nodes:
            if node.condition is not None and node.condition.controller[:-1] == path:
                continue
            ordered.append(node)
            placed.add(id(node))
            for dependent in nodes:
                if (
                    dependent.condition is not None
                    and dependent.condition.controller == node.path
                    and id(dependent) not in placed
                ):
                    ordered.append(dependent)
                    placed.add(id(dependent))
        ordered += [n for n in nodes if id(n) not in placed]
        return ordered

    def undeclared(self, schema: dict, declared: list[_Declaration]) -> list[_Declaration]:
        """Names an object requires without declaring them (it happens in published specs): a
        field for each, edited as JSON since nothing says what they hold."""
        known = {d.name for d in declared}
        properties = schema.get("properties") or {}
        return [
            _Declaration(name, {"title": pretty_name(name)}, None, True)
            for name in schema.get("required") or ()
            if isinstance(name, str) and name not in known and name not in properties
        ]

    def node(self, path, declaration: _Declaration, required: bool, depth: int) -> Node:
        schema = nullable_option(declaration.schema)
        is_object = schema.get("type") == "object" or (
            "type" not in schema and isinstance(schema.get("properties"), dict)
        )
        if is_object and tuple(path) not in self.layout.secret_leaves:
            children = self.object_children(path, schema, required_chain=required, depth=depth + 1)
            if children is not None:
                return Node(
                    path=path,
                    title=schema.get("title") or pretty_name(path[-1]),
                    description=schema.get("description") or "",
                    children=children,
                    condition=declaration.condition,
                    required=tuple(schema.get("required") or ()),
                    marked=declaration.required,
                    always_show=schema.get("always_show") is True,
                )
        node = self.leaf(
            path,
            schema,
            declaration.condition,
            required,
            declaration.choice_labels,
            marked=declaration.required,
            widget=declaration.widget,
        )
        node.always_show = schema.get("always_show") is True
        return node

    def leaf(
        self, path, schema, condition, required, choice_labels=None, *, marked=None, widget=None
    ) -> Node:
        name = ".".join(path) if path else ROOT_FIELD
        hint = self.hint(path)
        if widget and not hint.get("ui:widget"):
            hint = {**hint, "ui:widget": widget}
        form_field, leaf = make_field(
            name=name,
            path=path,
            schema=schema,
            hint=hint,
            secret=path in self.layout.secret_leaves,
            required=required,
            marked=marked,
            choice_labels=choice_labels,
        )
        self.fields[name] = form_field
        return Node(path=path, leaf=leaf, condition=condition, marked=leaf.required)

    def grouped(self, nodes: list[Node], root: dict) -> list[Node]:
        """Airbyte's ``group`` keywords: top-level properties of a group share a fieldset."""
        titles = {  # a group without a title is a frame without a heading, as in Airbyte's forms
            g.get("id"): g.get("title") or ""
            for g in root.get("groups") or ()
            if isinstance(g, dict)
        }
        properties = root.get("properties") or {}
        grouped: list[Node] = []
        sections: dict[str, Node] = {}
        for node in nodes:
            group = (properties.get(node.path[0]) or {}).get("group") if node.path else None
            if not isinstance(group, str):
                grouped.append(node)
                continue
            if group not in sections:
                sections[group] = Node(path=(), title=titles.get(group) or "", group=True)
                grouped.append(sections[group])
            sections[group].children.append(node)
        # A group holding just one fieldset (untitled, or of the same title) needs no second frame.
        return [
            n.children[0]
            if n.group
            and len(n.children) == 1
            and n.children[0].leaf is None
            and n.title in ("", n.children[0].title)
            else n
            for n in grouped
        ]

    def drop_unknown_controllers(self, top: Node) -> None:
        names = {n.name for n in top.walk() if n.leaf}
        for node in top.walk():
            if node.condition and ".".join(node.condition.controller) not in names:
                node.condition = None


OPTIONAL_FIELDS = "Optional fields"


def fold_optional(container: Node, *, folded: bool = False) -> None:
    """On each level, fields that are neither required nor ``always_show`` go into a collapsed
    "Optional fields" part (a ``<details>``: it opens without script), as Airbyte's forms do. A
    level with nothing required keeps its fields in view, and a level already inside a folded
    part is not folded again."""
    shown = [c for c in container.children if _stays_in_view(c)]
    hidden = [c for c in container.children if not _stays_in_view(c)]
    fold = not folded and shown and hidden and any(c.leaf is not None or c.path for c in shown)
    for child in container.children:
        if child.leaf is None:
            fold_optional(child, folded=folded or (fold and any(child is h for h in hidden)))
    if fold:
        # Optional fields of one branch only: the folded part shows with that branch.
        first = hidden[0].condition
        condition = first if all(c.condition == first for c in hidden) else None
        container.children = [
            *shown,
            Node(
                path=(),
                title=OPTIONAL_FIELDS,
                children=hidden,
                group=True,
                collapsed=True,
                condition=condition,
            ),
        ]


def _stays_in_view(node: Node) -> bool:
    if node.leaf is None and not node.path:  # a group's fieldset
        return True
    return node.marked or node.always_show or (node.leaf is not None and node.leaf.kind == "const")


def build_layout(ui_spec: dict) -> tuple[Node, dict[str, forms.Field]]:
    """The layout tree of a ui_spec and its form fields by name (dotted data paths)."""
    builder = _Builder(ui_spec)
    return builder.build(), builder.fields
