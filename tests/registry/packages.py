"""Building distribution files in memory for tests: well-formed ones and hostile ones."""

import io
import json
import tarfile
import time
import zipfile

ICON = (
    b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 8 8"><rect width="8" height="8"/></svg>'
)

SPEC = {
    "schema": {
        "type": "object",
        "properties": {
            "connector_config": {
                "title": "Connector Config",
                "type": "object",
                "encrypt": True,
                "properties": {
                    "host": {"type": "string", "title": "Host"},
                    "password": {"type": "string", "title": "Password"},
                },
                "required": ["host"],
            }
        },
    },
    "properties": {"connector_config": {"password": {"ui:widget": "password"}}},
}


def metadata(connector_id="postgres-connector", version="2.0.0", connectors=None, **extra):
    meta = {
        "id": connector_id,
        "name": extra.pop("name", "PostgreSQL (uploaded)"),
        "version": version,
        "tenant": "single",
        "type": "source",
        "category": extra.pop("category", "Database"),
        "description": "An uploaded package.",
        "technology": "python",
        "runtime": "python",
        "licence": "MIT",
        "owner": "Tests",
        "icon": "icon.svg",
        **extra,
    }
    return {
        "type": "connector",
        "metadata": meta,
        "connectors": connectors
        if connectors is not None
        else [{"id": connector_id, "name": meta["name"], "description": "x", "icon": "icon.svg"}],
    }


def package_files(connector_id="postgres-connector", version="2.0.0", ui_spec=None, **extra):
    """``{path: bytes}`` of a valid package, under its ``{id}-{version}`` folder."""
    top = f"{connector_id}-{version}"
    return {
        f"{top}/metadata.json": json.dumps(metadata(connector_id, version, **extra)).encode(),
        f"{top}/ui-config.json": json.dumps(ui_spec or SPEC).encode(),
        f"{top}/icon.svg": ICON,
    }


def make_zip(files: dict[str, bytes], *, infos: list[zipfile.ZipInfo] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in files.items():
            archive.writestr(name, content)
        for info, content in infos:
            archive.writestr(info, content)
    return buffer.getvalue()


def tar_member(name: str, content: bytes = b"", kind=tarfile.REGTYPE, **attrs) -> tuple:
    info = tarfile.TarInfo(name)
    info.type = kind
    info.size = len(content) if kind == tarfile.REGTYPE else 0
    info.mtime = int(time.time())
    for key, value in attrs.items():
        setattr(info, key, value)
    return info, content


def make_tar(files: dict[str, bytes], *, members=(), gzip: bool = False) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if gzip else "w") as archive:
        for name, content in files.items():
            info, content = tar_member(name, content)
            archive.addfile(info, io.BytesIO(content))
        for info, content in members:
            archive.addfile(info, io.BytesIO(content) if info.isreg() else None)
    return buffer.getvalue()
