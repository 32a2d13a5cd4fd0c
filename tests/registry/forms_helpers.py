"""What a browser would send for a generated config form, and sample values for its fields."""

from django import forms

from registry.models import ConnectorDefinition
from registry.schema import form_fields as kinds


def definition_for(ui_spec, connector_id="spec-under-test") -> ConnectorDefinition:
    return ConnectorDefinition(
        connector_id=connector_id, version="1.0.0", implementation=connector_id, ui_spec=ui_spec
    )


def post_data(form, **typed) -> dict:
    """The form's shown values as a browser submits them (disabled fields are not sent), with
    ``typed`` values (by field name, e.g. passwords) filled in."""
    data = {}
    for bound in form:
        if bound.field.disabled:
            continue
        value = bound.value()
        if isinstance(bound.field.widget, forms.CheckboxInput):
            if value:
                data[bound.html_name] = "on"
            continue
        if isinstance(value, list | tuple):
            data[bound.html_name] = [str(v) for v in value]
        else:
            data[bound.html_name] = "" if value is None else str(value)
    for name, value in typed.items():
        data[form.add_prefix(name)] = value
    return data


def sample_value(leaf):
    if leaf.kind == kinds.ENUM:
        return next(iter(leaf.choices.values()))
    if leaf.kind == kinds.MULTI_ENUM:
        return list(leaf.choices.values())[:2]
    if leaf.kind == kinds.CONST:
        return leaf.const
    return {
        kinds.STRING: f"sample-{leaf.path[-1] if leaf.path else 'x'}",
        kinds.INTEGER: 7,
        kinds.NUMBER: 2.5,
        kinds.BOOLEAN: True,
        kinds.LINES: ["first", "second"],
        kinds.JSON_TEXT: {"any": ["json", 1]},
    }[leaf.kind]


def condition_holds(condition, config) -> bool:
    """The test's own reading of a show-when condition."""
    node = config
    for key in condition.controller:
        if not isinstance(node, dict) or key not in node:
            return condition.negate
        node = node[key]
    found = node not in ("", None, []) if condition.values is None else node in condition.values
    return found != condition.negate
