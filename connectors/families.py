"""What each API family calls a connector (design.md, "Config and each family's body").

Every family reads every connector of a workspace; it creates only the kinds its document names.
The body shapes map onto the one stored config:

- live sources (000): ``liveSourceType`` is the kind, ``url``, ``runMode`` (any case) and any other
  option are config keys;
- named storage (001): ``storage_type`` is the kind and ``storage_config`` the whole config;
- collections (003): ``type`` is a connector_id or registry id (any kind), ``config`` the config
  and ``credentials`` deep-merged into it;
- workspaces (004): ``slots`` and ``credentials`` deep-merged; on read they are split again, the
  kind's top-level properties marked ``"encrypt": true`` being the credentials.
"""

import copy

from connectors import credentials
from connectors.models import Connector, ConnectorDefinition
from connectors.schema import spec_schema

LIVE_SOURCE_TYPES = ("WEBSITE", "RSS")
STORAGE_TYPES = ("HttpData", "AmazonS3", "AzureStorage")
WORKSPACE_TYPES = (
    "google_drive",
    "impersonated_google_drive",
    "web_scraper",
    "upload",
    "confluence",
    "jira",
    "sharepoint",
    "onedrive",
)


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


def credential_keys(definition: ConnectorDefinition) -> frozenset[str]:
    """The kind's top-level config keys that are credentials (``"encrypt": true``); remembered
    on the definition object, which a list shares between its connectors."""
    keys = definition.__dict__.get("_credential_keys")
    if keys is None:
        properties = spec_schema(definition.ui_spec).get("properties") or {}
        keys = definition.__dict__["_credential_keys"] = frozenset(
            name
            for name, node in properties.items()
            if isinstance(node, dict) and node.get("encrypt") is True
        )
    return keys


def slots_and_credentials(connector: Connector) -> tuple[dict, dict]:
    """004's view of a connector's config: ``(slots, credentials)``, secrets masked."""
    masked = credentials.masked_config(connector)
    secret_keys = credential_keys(connector.definition)
    slots = {k: v for k, v in masked.items() if k not in secret_keys}
    creds = {k: v for k, v in masked.items() if k in secret_keys}
    return slots, creds
