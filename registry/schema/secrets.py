"""Which config values are secret, and how they are split, masked and restored.

A section marked ``"encrypt": true`` is stored encrypted as a whole. A leaf is secret when its
schema says ``writeOnly``, ``format: password``, ``airbyte_secret`` or ``airbyte_sensitive``, or
its UI hint says ``ui:widget: password``: secret leaves are stored encrypted wherever they stand and are shown as
``MASK`` on every read. A mask sent back on update is replaced by the stored value.
"""

import copy
import json
from dataclasses import dataclass
from functools import lru_cache

from registry.schema import spec_schema, spec_ui_hints, ui_hint
from registry.schema.walk import property_nodes

MASK = "**********"


@dataclass(frozen=True)
class SecretLayout:
    encrypted_sections: frozenset[tuple[str, ...]]
    secret_leaves: frozenset[tuple[str, ...]]

    @property
    def stored_paths(self) -> list[tuple[str, ...]]:
        """Every path whose value goes to the credential, parents first."""
        return sorted(self.encrypted_sections | self.secret_leaves, key=len)


def _is_secret(node: dict, hint: dict) -> bool:
    return bool(
        node.get("writeOnly")
        or node.get("format") == "password"
        or node.get("airbyte_secret")
        or node.get("airbyte_sensitive")
        or hint.get("ui:widget") == "password"
    )


def _up_to_array(path: tuple[str, ...]) -> tuple[str, ...]:
    """A secret inside array items makes the whole array secret."""
    return path[: path.index("*")] if "*" in path else path


def secret_layout(ui_spec: dict) -> SecretLayout:
    """The secret paths of a ui_spec. Every read of a connector needs them, so the walk is cached
    by the spec's content (a few specs serve every connector)."""
    try:
        key = json.dumps(ui_spec, sort_keys=True, separators=(",", ":"))
    except (TypeError, ValueError):
        return _walk_layout(ui_spec)
    return _cached_layout(key)


@lru_cache(maxsize=256)
def _cached_layout(spec_json: str) -> SecretLayout:
    return _walk_layout(json.loads(spec_json))


def _walk_layout(ui_spec: dict) -> SecretLayout:
    hints = spec_ui_hints(ui_spec)
    encrypted, secret = set(), set()
    for path, node in property_nodes(spec_schema(ui_spec)):
        if node.get("encrypt") is True:
            encrypted.add(_up_to_array(path))
        if _is_secret(node, ui_hint(hints, tuple(p for p in path if p != "*"))):
            secret.add(_up_to_array(path))
    encrypted.discard(())
    secret.discard(())
    return SecretLayout(frozenset(encrypted), frozenset(secret))


def credential_keys(ui_spec: dict) -> list[str]:
    """The spec's top-level properties marked ``"encrypt": true``, in the spec's order (004 shows
    them as ``credentials``, the other top-level properties as ``slots``)."""
    properties = spec_schema(ui_spec).get("properties") or {}
    if not isinstance(properties, dict):
        return []
    return [
        name
        for name, node in properties.items()
        if isinstance(node, dict) and node.get("encrypt") is True
    ]


_MISSING = object()


def get_path(data: dict, path: tuple[str, ...], default=_MISSING):
    node = data
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None if default is _MISSING else default
        node = node[key]
    return node


_ABSENT = object()


def has_path(data: dict, path: tuple[str, ...]) -> bool:
    return get_path(data, path, _ABSENT) is not _ABSENT


def set_path(data: dict, path: tuple[str, ...], value) -> None:
    node = data
    for key in path[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[path[-1]] = value


def _pop_path(data: dict, path: tuple[str, ...]):
    parents = [data]
    for key in path[:-1]:
        node = parents[-1].get(key)
        if not isinstance(node, dict):
            return _MISSING
        parents.append(node)
    value = parents[-1].pop(path[-1], _MISSING)
    # Drop the parent objects the move left empty.
    for depth in range(len(path) - 1, 0, -1):
        if parents[depth]:
            break
        del parents[depth - 1][path[depth - 1]]
    return value


def pop_path(data: dict, path: tuple[str, ...]) -> None:
    """Remove the value at ``path``, and the parent objects it leaves empty."""
    _pop_path(data, path)


_IMMUTABLE = (str, int, float, bool, type(None))


def json_copy(value):
    """A deep copy of a JSON value (dicts, lists, scalars), several times quicker than
    ``copy.deepcopy``; anything else is deep-copied the general way."""
    if isinstance(value, _IMMUTABLE):
        return value
    if type(value) is dict:
        return {key: json_copy(item) for key, item in value.items()}
    if type(value) is list:
        return [json_copy(item) for item in value]
    return copy.deepcopy(value)


def deep_merge(base: dict, overlay: dict) -> dict:
    """A new dict: ``overlay`` merged into ``base``, nested dicts merged key by key."""
    merged = json_copy(base)
    merge_into(merged, overlay)
    return merged


def merge_into(target: dict, overlay: dict) -> None:
    """Merge ``overlay`` into ``target`` in place; ``overlay`` is only read (its values are
    copied)."""
    for key, value in overlay.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            merge_into(target[key], value)
        else:
            target[key] = json_copy(value)


def split(layout: SecretLayout, config: dict) -> tuple[dict, dict]:
    """``(public, secret)``: the values stored in clear and the ones stored encrypted."""
    public, secret = json_copy(config), {}
    for path in layout.stored_paths:
        value = _pop_path(public, path)
        if value is not _MISSING:
            set_path(secret, path, value)
    return public, secret


def mask(layout: SecretLayout, config: dict) -> dict:
    masked = json_copy(config)
    mask_in_place(layout, masked)
    return masked


def mask_in_place(layout: SecretLayout, config: dict) -> None:
    for path in layout.secret_leaves:
        if get_path(config, path) not in (None, ""):
            set_path(config, path, MASK)


def restore_masked(layout: SecretLayout, incoming: dict, stored: dict) -> dict:
    """``incoming`` with every masked secret replaced by the stored value (dropped if none)."""
    restored = json_copy(incoming)
    for path in layout.secret_leaves:
        if get_path(restored, path) == MASK:
            if has_path(stored, path):
                set_path(restored, path, copy.deepcopy(get_path(stored, path)))
            else:
                _pop_path(restored, path)
    return restored


def secret_values(layout: SecretLayout, config: dict) -> list[str]:
    """The clear-text secret strings of a config, for proofs that they never leak."""
    values = []
    for path in layout.secret_leaves:
        value = get_path(config, path)
        if isinstance(value, str) and value and value != MASK:
            values.append(value)
    return values


def redact(text: str, values: list[str]) -> str:
    """``text`` with every secret value replaced by the mask (for error messages and logs)."""
    for value in sorted(values, key=len, reverse=True):
        if len(value) >= 3:
            text = text.replace(value, MASK)
    return text
