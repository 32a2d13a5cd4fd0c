"""Distribution files: the registry's unit of registration (see the README's "Registry (002)").

``read_archive`` reads an uploaded ``.zip``/``.tar``/``.tar.gz``/``.tgz`` in memory;
``read_folder`` reads a built-in kind folder, which has the same layout without the archive.
Both return a ``Package`` or raise ``PackageRefused`` with a message saying why.
"""

from pathlib import Path

from registry.distribution.archive import EXTENSIONS, Limits, PackageRefused, read_members
from registry.distribution.package import DefinitionData, Package, read_package

__all__ = [
    "EXTENSIONS",
    "DefinitionData",
    "Limits",
    "Package",
    "PackageRefused",
    "read_archive",
    "read_folder",
]

PACKAGE_FILE_SUFFIXES = (".json", ".svg", ".png", ".jpg", ".jpeg", ".gif", ".webp")


def read_archive(data: bytes, filename: str = "", limits: Limits | None = None) -> Package:
    files, folders = read_members(data, filename, limits)
    tops = {name.split("/", 1)[0] for name in [*files, *folders]}
    if len(tops) != 1 or any("/" not in name for name in files):
        shown = ", ".join(sorted(tops)[:5]) or "nothing"
        raise PackageRefused(
            "The archive must hold exactly one top-level folder named {id}-{version} "
            f"(found: {shown})."
        )
    top = tops.pop()
    package = read_package({name[len(top) + 1 :]: content for name, content in files.items()})
    if top != package.folder_name:
        raise PackageRefused(
            f"The top-level folder is {top!r} but metadata.json says {package.folder_name!r}."
        )
    return package


def read_folder(folder: Path) -> Package:
    files = {
        path.name: path.read_bytes()
        for path in Path(folder).iterdir()
        if path.is_file() and path.suffix.lower() in PACKAGE_FILE_SUFFIXES
    }
    return read_package(files)
