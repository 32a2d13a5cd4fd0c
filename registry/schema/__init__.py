"""A definition's ``ui_spec``: ``{"schema": <JSON Schema>, "properties": <UI hints by data path>}``."""


def spec_schema(ui_spec: dict) -> dict:
    """The JSON Schema of a ui_spec; a bare JSON Schema (Airbyte style) is accepted as is."""
    if not isinstance(ui_spec, dict):
        return {"type": "object"}
    if isinstance(ui_spec.get("schema"), dict):
        return ui_spec["schema"]
    if "connectionSpecification" in ui_spec:
        return ui_spec["connectionSpecification"]
    if "properties" in ui_spec and "type" in ui_spec:
        return ui_spec
    return {"type": "object"}


def spec_ui_hints(ui_spec: dict) -> dict:
    if isinstance(ui_spec, dict) and isinstance(ui_spec.get("schema"), dict):
        hints = ui_spec.get("properties")
        return hints if isinstance(hints, dict) else {}
    return {}


def ui_hint(hints: dict, path: tuple[str, ...]) -> dict:
    """The UI hints (``ui:widget``, ``ui:readonly``, ...) of the field at a data path."""
    node = hints
    for key in path:
        if not isinstance(node, dict):
            return {}
        node = node.get(key, {})
    return node if isinstance(node, dict) else {}
