"""What each API family calls a connector, and the helpers that map a family's body onto the
one stored config. Every family reads every connector of a workspace; it creates only the kinds
its document names. The body shapes (each family module owns its own):

- live sources (000, ``live_sources.py``): ``liveSourceType`` is the kind, ``url``, ``runMode``
  (any case) and any other option are config keys;
- named storage (001, ``storage.py``): ``storage_type`` is the kind and ``storage_config`` the
  whole config;
- collections (003, ``collections.py``): ``type`` is a connector_id or registry id (any kind),
  ``config`` the config and ``credentials`` deep-merged into it;
- workspaces (004, ``workspaces.py``): ``slots`` and ``credentials`` deep-merged; on read they are
  split again, the kind's top-level properties marked ``"encrypt": true`` being the configs.

Config errors are reported under the body field that carried the value
(``storage_config.bucket_name``, ``slots.root_file_id``, ``config.connector_config.port``).
"""

import copy

from config.errors import InvalidInput, NotFound
from registry import configs, selectors
from registry.models import ConnectorDefinition, DefinitionStatus


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch: objects merge key by key, ``null`` removes a key."""
    if not isinstance(patch, dict):
        return copy.deepcopy(patch)
    result = copy.deepcopy(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def family_definition(
    type_name, allowed: tuple[str, ...] | None, field: str
) -> ConnectorDefinition:
    """The definition a family body names, or a 400 on ``field`` listing what is possible."""
    if not isinstance(type_name, str) or not type_name:
        raise InvalidInput({field: ["This field is required."]})
    if allowed is not None and type_name not in allowed:
        raise InvalidInput(
            {field: [f"Unsupported type {type_name!r}; supported types: {', '.join(allowed)}."]}
        )
    try:
        return selectors.definition_for_type(type_name)
    except NotFound:
        pass
    if allowed is not None:
        raise InvalidInput({field: [f"The {type_name} connector type is not installed."]})
    live = (
        ConnectorDefinition.objects.filter(status=DefinitionStatus.LIVE)
        .order_by("connector_id")
        .values_list("connector_id", flat=True)
        .distinct()
    )
    raise InvalidInput(
        {
            field: [
                f"Unknown connector type {type_name!r}; use a connector_id or registry id "
                f"of the registry (live types: {', '.join(live) or 'none'})."
            ]
        }
    )


def _prefixed(error: InvalidInput, prefix_of) -> InvalidInput:
    errors: dict[str, list[str]] = {}
    for path, messages in error.errors.items():
        if path in ("config", "non_field_errors"):  # the config as a whole
            path = ""
        prefix = prefix_of(path)
        key = ".".join(part for part in (prefix, path) if part) or "non_field_errors"
        errors.setdefault(key, []).extend(messages)
    return InvalidInput(errors)


def prepared(definition, config, prefix_of, stored=None) -> dict:
    """The config validated up front, so that its errors name the body field they came from."""
    try:
        return configs.prepare(definition, config, stored)
    except InvalidInput as error:
        raise _prefixed(error, prefix_of) from None


def under(field: str):
    return lambda path: field
