"""A distribution package: ``metadata.json``, ``ui-config.json`` and an optional icon, turned into
the definitions it registers (one per connector it declares)."""

import base64
import json
import mimetypes
from dataclasses import dataclass, field
from pathlib import Path

from registry.distribution.archive import PackageRefused, safe_name
from registry.schema.validation import schema_errors, schema_problem
from registry.sources.installed import implementations, is_installed

ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]*$"
VERSION_PATTERN = r"^[0-9A-Za-z][0-9A-Za-z.+_-]*$"
MAX_ICON_BYTES = 256 * 1024
ICON_TYPES = {
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
}


def _text(max_length: int) -> dict:
    return {"type": "string", "maxLength": max_length}


METADATA_SCHEMA = {
    "type": "object",
    "required": ["type", "metadata"],
    "properties": {
        "type": {"const": "connector"},
        "metadata": {
            "type": "object",
            "required": ["id", "name", "version"],
            "properties": {
                "id": {"type": "string", "pattern": ID_PATTERN, "maxLength": 100},
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "version": {"type": "string", "pattern": VERSION_PATTERN, "maxLength": 50},
                "tenant": {"enum": ["single", "multiple"]},
                "type": _text(50),
                "category": _text(100),
                "description": _text(10000),
                "technology": _text(100),
                "runtime": _text(100),
                "licence": _text(100),
                "owner": _text(200),
                "icon": _text(2000),
                "implementation": {"type": "string", "pattern": ID_PATTERN, "maxLength": 100},
            },
        },
        "connectors": {
            "type": "array",
            "maxItems": 32,
            "items": {
                "type": "object",
                "required": ["id"],
                "properties": {
                    "id": {"type": "string", "pattern": ID_PATTERN, "maxLength": 100},
                    "name": {"type": "string", "minLength": 1, "maxLength": 200},
                    "description": _text(10000),
                    "icon": _text(2000),
                    "implementation": {"type": "string", "pattern": ID_PATTERN, "maxLength": 100},
                },
            },
        },
    },
}


@dataclass
class DefinitionData:
    """What one connector of a package registers: a ConnectorDefinition's fields."""

    connector_id: str
    version: str
    name: str
    implementation: str
    ui_spec: dict
    type: str = "source"
    category: str = ""
    description: str = ""
    technology: str = ""
    runtime: str = ""
    licence: str = ""
    owner: str = ""
    icon: str = ""
    tenant: str = "single"

    @property
    def registry_id(self) -> str:
        return f"{self.connector_id}-{self.version}"

    def fields(self) -> dict:
        return {
            name: getattr(self, name)
            for name in (
                "name",
                "type",
                "category",
                "description",
                "technology",
                "runtime",
                "licence",
                "owner",
                "icon",
                "tenant",
                "implementation",
                "ui_spec",
            )
        }


@dataclass
class Package:
    id: str
    version: str
    definitions: list[DefinitionData] = field(default_factory=list)

    @property
    def folder_name(self) -> str:
        return f"{self.id}-{self.version}"


def _json(files: dict[str, bytes], name: str):
    if name not in files:
        raise PackageRefused(f"The package has no {name}.")
    try:
        return json.loads(files[name].decode("utf-8"))
    except UnicodeDecodeError:
        raise PackageRefused(f"{name} is not UTF-8 text.") from None
    except json.JSONDecodeError as error:
        raise PackageRefused(
            f"{name} is not valid JSON (line {error.lineno}, column {error.colno}): {error.msg}."
        ) from None
    except RecursionError:
        raise PackageRefused(f"{name} is nested too deeply.") from None


def _first_error(errors: dict[str, list[str]]) -> str:
    field_path, messages = next(iter(errors.items()))
    return f"{field_path}: {messages[0]}" if field_path != "non_field_errors" else messages[0]


def _icon(files: dict[str, bytes], reference: str) -> str:
    """An icon as the definition stores it: a URL as given, a packaged file as a data URL."""
    reference = (reference or "").strip()
    if not reference:
        return ""
    if reference.startswith(("https://", "http://")):
        return reference
    name = safe_name(reference)
    suffix = Path(name).suffix.lower()
    if suffix not in ICON_TYPES:
        raise PackageRefused(
            f"The icon {reference!r} is not an image file ({', '.join(sorted(ICON_TYPES))})."
        )
    if name not in files:
        raise PackageRefused(
            f"metadata.json names the icon {reference!r}, which is not in the package."
        )
    content = files[name]
    if len(content) > MAX_ICON_BYTES:
        raise PackageRefused(f"The icon {reference!r} is larger than {MAX_ICON_BYTES} bytes.")
    mime = ICON_TYPES.get(suffix) or mimetypes.guess_type(name)[0]
    return f"data:{mime};base64,{base64.b64encode(content).decode('ascii')}"


def _ui_spec_for(ui_config, connector_id: str, single: bool) -> dict:
    if isinstance(ui_config, dict) and single and "schema" in ui_config:
        spec = ui_config
    elif isinstance(ui_config, dict) and connector_id in ui_config:
        spec = ui_config[connector_id]
    else:
        raise PackageRefused(
            f"ui-config.json has no ui_spec for connector {connector_id!r} "
            "(a multi-connector package keys ui-config.json by connector id)."
        )
    if not isinstance(spec, dict) or not isinstance(spec.get("schema"), dict):
        raise PackageRefused(
            f'The ui_spec of {connector_id!r} must be an object with a "schema" object.'
        )
    if "properties" in spec and not isinstance(spec["properties"], dict):
        raise PackageRefused(f'The ui_spec "properties" of {connector_id!r} must be an object.')
    problem = schema_problem(spec["schema"])
    if problem:
        raise PackageRefused(
            f"The ui_spec schema of {connector_id!r} is not a valid JSON Schema: {problem}"
        )
    return spec


def read_package(files: dict[str, bytes]) -> Package:
    """The package whose files (paths relative to its folder) are given; PackageRefused if not
    registrable: bad JSON, a broken schema, or no installed implementation to run it."""
    metadata_file = _json(files, "metadata.json")
    errors = schema_errors(METADATA_SCHEMA, metadata_file)
    if errors:
        raise PackageRefused(f"metadata.json is not valid: {_first_error(errors)}")
    meta = metadata_file["metadata"]
    ui_config = _json(files, "ui-config.json")
    connectors = metadata_file.get("connectors") or [{"id": meta["id"]}]
    ids = [c["id"] for c in connectors]
    if len(set(ids)) != len(ids):
        raise PackageRefused("metadata.json lists the same connector id twice.")
    package = Package(id=meta["id"], version=meta["version"])
    for connector in connectors:
        connector_id = connector["id"]
        implementation = (
            connector.get("implementation") or meta.get("implementation") or connector_id
        )
        if not is_installed(implementation):
            installed = ", ".join(sorted(implementations())) or "none"
            raise PackageRefused(
                f"No installed implementation for {implementation!r}: a distribution file only "
                f"describes a connector type; its reader must be installed (installed: {installed})."
            )
        package.definitions.append(
            DefinitionData(
                connector_id=connector_id,
                version=meta["version"],
                name=connector.get("name") or meta["name"],
                implementation=implementation,
                ui_spec=_ui_spec_for(ui_config, connector_id, single=len(connectors) == 1),
                type=meta.get("type") or "source",
                category=meta.get("category", ""),
                description=connector.get("description") or meta.get("description", ""),
                technology=meta.get("technology", ""),
                runtime=meta.get("runtime", ""),
                licence=meta.get("licence", ""),
                owner=meta.get("owner", ""),
                icon=_icon(files, connector.get("icon") or meta.get("icon", "")),
                tenant=meta.get("tenant", "single"),
            )
        )
    return package
