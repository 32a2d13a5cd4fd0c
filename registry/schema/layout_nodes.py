"""The tree of a generated form: fields and fieldsets (``Node``), and when each shows
(``Condition``). ``form_layout`` builds it from a ui_spec; ``forms`` and ``outline`` read it."""

from dataclasses import dataclass, field

from registry.schema import secrets as secret_rules
from registry.schema.form_fields import MISSING, Leaf, choice_key


@dataclass(frozen=True)
class Condition:
    """Show a node only when the field at ``controller`` holds one of ``values`` (any value when
    ``values`` is None); ``negate`` turns it around (an ``else`` branch)."""

    controller: tuple[str, ...]
    values: tuple | None = None
    negate: bool = False

    def holds(self, config: dict) -> bool:
        value = secret_rules.get_path(config, self.controller, MISSING)
        if self.values is None:
            found = value is not MISSING and value not in ("", None, [], {})
        else:
            keys = {choice_key(v) for v in self.values}
            found = value is not MISSING and choice_key(value) in keys
        return found != self.negate


@dataclass
class Node:
    """A field (``leaf``) or a fieldset (``children``) of the generated form."""

    path: tuple[str, ...]
    title: str = ""
    description: str = ""
    leaf: Leaf | None = None
    children: list["Node"] = field(default_factory=list)
    condition: Condition | None = None
    required: tuple[str, ...] = ()  # a section's required child names
    group: bool = False  # a fieldset of Airbyte's `group`, on its parent's object level
    marked: bool = False  # required (within its branch, for a conditional node)
    always_show: bool = False  # Airbyte's `always_show`: never folded into "Optional fields"
    collapsed: bool = False  # the folded "Optional fields" of its parent level (a group too)

    @property
    def name(self) -> str:
        return self.leaf.name if self.leaf else ".".join(self.path)

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()
