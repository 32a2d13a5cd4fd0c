"""The installed source implementations, keyed by the connector_id of the kind they serve.

Built-in kinds are folders under ``registry/kinds/`` holding ``metadata.json`` and a
``source.py`` that exposes ``Source``; installed packages add theirs through the
``connector_hub.sources`` entry-point group (``name = "module:Class"``). Uploaded distribution files
never add code: they bind to one of these.
"""

import importlib
import json
from functools import cache
from importlib.metadata import entry_points
from pathlib import Path

from registry.sources.base import Source

KINDS_DIR = Path(__file__).resolve().parent.parent / "kinds"


def kind_folders() -> list[Path]:
    return sorted(p for p in KINDS_DIR.iterdir() if (p / "metadata.json").is_file())


def _folder_ids(folder: Path) -> list[str]:
    package = json.loads((folder / "metadata.json").read_text())
    ids = [package["metadata"]["id"]]
    ids += [c["id"] for c in package.get("connectors", []) if c.get("id") not in ids]
    return ids


@cache
def implementations() -> dict[str, type[Source]]:
    found: dict[str, type[Source]] = {}
    for folder in kind_folders():
        module_path = folder / "source.py"
        reader = Source
        if module_path.is_file():
            module = importlib.import_module(f"registry.kinds.{folder.name}.source")
            reader = module.Source
        for connector_id in _folder_ids(folder):
            found[connector_id] = reader
    for entry in entry_points(group="connector_hub.sources"):
        found.setdefault(entry.name, entry.load())
    return found


def implementation(name: str) -> type[Source]:
    """The reader class of an implementation name; the honest not-implemented base if unknown."""
    return implementations().get(name, Source)


def is_installed(name: str) -> bool:
    return name in implementations()
