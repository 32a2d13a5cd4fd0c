"""Reading a distribution archive in memory, refusing anything hostile.

Nothing is ever extracted to disk or executed: members are read into a dict of bytes, within limits
on the archive's size, its member count, the uncompressed total and the compression ratio. Links,
device files, absolute paths and ``..`` are refused outright.
"""

import gzip
import io
import re
import stat
import tarfile
import zipfile
import zlib
from dataclasses import dataclass

from django.conf import settings

from config.errors import InvalidInput

EXTENSIONS = (".zip", ".tar", ".tar.gz", ".tgz")
# Below this many uncompressed bytes a high ratio is harmless (a tar's zero padding compresses
# a hundredfold), so the ratio limit applies only beyond it.
RATIO_FLOOR_BYTES = 64 * 1024


class PackageRefused(InvalidInput):
    """A distribution file that cannot be registered; the message says why."""

    def __init__(self, message: str):
        super().__init__({"file": [message]}, message=message)


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_members: int
    max_uncompressed: int
    max_ratio: int

    @classmethod
    def from_settings(cls) -> "Limits":
        return cls(
            max_bytes=settings.CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES,
            max_members=settings.CONNECTOR_HUB_DISTRIBUTION_MAX_MEMBERS,
            max_uncompressed=settings.CONNECTOR_HUB_DISTRIBUTION_MAX_UNCOMPRESSED_BYTES,
            max_ratio=settings.CONNECTOR_HUB_DISTRIBUTION_MAX_RATIO,
        )


def safe_name(name: str) -> str:
    """A member name as a clean relative path; absolute paths and ``..`` are refused."""
    if "\x00" in name:
        raise PackageRefused(f"Refused: the member name {name!r} contains a NUL character.")
    unified = name.replace("\\", "/")
    if unified.startswith("/") or re.match(r"^[A-Za-z]:", unified):
        raise PackageRefused(f"Refused: the member {name!r} has an absolute path.")
    parts = [part for part in unified.split("/") if part not in ("", ".")]
    if ".." in parts:
        raise PackageRefused(f"Refused: the member {name!r} points outside the archive (..).")
    return "/".join(parts)


class _Budget:
    """Counts uncompressed bytes against the total and ratio limits."""

    def __init__(self, limits: Limits, archive_size: int):
        self.limits = limits
        self.archive_size = max(archive_size, 1)
        self.used = 0

    def refuse_total(self):
        raise PackageRefused(
            f"Refused: the archive expands to more than {self.limits.max_uncompressed} bytes "
            "(CONNECTOR_HUB_DISTRIBUTION_MAX_UNCOMPRESSED_BYTES)."
        )

    def refuse_ratio(self):
        raise PackageRefused(
            f"Refused: the archive's compression ratio is above {self.limits.max_ratio} "
            "(CONNECTOR_HUB_DISTRIBUTION_MAX_RATIO)."
        )

    def check_ratio(self, expanded: int, compressed: int) -> None:
        if expanded > RATIO_FLOOR_BYTES and expanded / max(compressed, 1) > self.limits.max_ratio:
            self.refuse_ratio()

    def spend(self, size: int) -> None:
        self.used += size
        if self.used > self.limits.max_uncompressed:
            self.refuse_total()
        self.check_ratio(self.used, self.archive_size)

    def remaining(self) -> int:
        return self.limits.max_uncompressed - self.used


class _MemberCount:
    def __init__(self, limits: Limits):
        self.limit = limits.max_members
        self.count = 0

    def add(self) -> None:
        self.count += 1
        if self.count > self.limit:
            raise PackageRefused(
                f"Refused: the archive has more than {self.limit} members "
                "(CONNECTOR_HUB_DISTRIBUTION_MAX_MEMBERS)."
            )


def _store(members: dict[str, bytes], name: str, content: bytes) -> None:
    if name in members:
        raise PackageRefused(f"Refused: the member {name!r} appears twice.")
    members[name] = content


def _read_zip(data: bytes, limits: Limits) -> tuple[dict[str, bytes], set[str]]:
    members: dict[str, bytes] = {}
    folders: set[str] = set()
    budget, count = _Budget(limits, len(data)), _MemberCount(limits)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        for _ in infos:
            count.add()
        declared = sum(info.file_size for info in infos)
        if declared > limits.max_uncompressed:
            budget.refuse_total()
        budget.check_ratio(declared, len(data))
        for info in infos:
            name = safe_name(info.filename)
            mode = info.external_attr >> 16
            if stat.S_ISLNK(mode):
                raise PackageRefused(f"Refused: the member {info.filename!r} is a link.")
            if stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
                raise PackageRefused(
                    f"Refused: the member {info.filename!r} is a device or special file."
                )
            if info.flag_bits & 0x1:
                raise PackageRefused(f"Refused: the member {info.filename!r} is encrypted.")
            if info.is_dir() or stat.S_ISDIR(mode):
                if name:
                    folders.add(name)
                continue
            budget.check_ratio(info.file_size, info.compress_size)
            with archive.open(info) as handle:
                content = handle.read(budget.remaining() + 1)
            budget.spend(len(content))
            _store(members, name, content)
    return members, folders


class _CappedReader:
    """A decompressed stream that stops as soon as it passes the size or ratio limit."""

    def __init__(self, stream, budget: _Budget, overhead: int):
        self.stream = stream
        self.budget = budget
        self.cap = budget.limits.max_uncompressed + overhead
        self.overhead = overhead
        self.read_bytes = 0

    def read(self, size: int = -1) -> bytes:
        allowed = self.cap - self.read_bytes + 1
        chunk = self.stream.read(allowed if size is None or size < 0 else min(size, allowed))
        self.read_bytes += len(chunk)
        if self.read_bytes > self.cap:
            self.budget.refuse_total()
        self.budget.check_ratio(self.read_bytes - self.overhead, self.budget.archive_size)
        return chunk


def _read_tar(data: bytes, limits: Limits) -> tuple[dict[str, bytes], set[str]]:
    members: dict[str, bytes] = {}
    folders: set[str] = set()
    budget, count = _Budget(limits, len(data)), _MemberCount(limits)
    stream = io.BytesIO(data)
    if data[:2] == b"\x1f\x8b":
        stream = gzip.GzipFile(fileobj=stream, mode="rb")
    # Tar headers and padding come on top of the members' own bytes.
    overhead = (limits.max_members + 4) * 1024 + 64 * 1024
    with tarfile.open(fileobj=_CappedReader(stream, budget, overhead), mode="r|") as archive:
        for member in archive:
            count.add()
            name = safe_name(member.name)
            if member.issym() or member.islnk():
                raise PackageRefused(f"Refused: the member {member.name!r} is a link.")
            if member.ischr() or member.isblk() or member.isfifo():
                raise PackageRefused(
                    f"Refused: the member {member.name!r} is a device or special file."
                )
            if member.isdir():
                if name:
                    folders.add(name)
                continue
            if not member.isreg():
                raise PackageRefused(f"Refused: the member {member.name!r} is not a regular file.")
            if member.size > budget.remaining():
                budget.refuse_total()
            handle = archive.extractfile(member)
            content = handle.read(member.size) if handle else b""
            budget.spend(len(content))
            _store(members, name, content)
    return members, folders


def _check_extension(filename: str) -> None:
    lowered = (filename or "").lower()
    if lowered and not lowered.endswith(EXTENSIONS):
        raise PackageRefused(
            f"Unsupported file type {filename!r}: upload a .zip, .tar, .tar.gz or .tgz file."
        )


def read_members(
    data: bytes, filename: str = "", limits: Limits | None = None
) -> tuple[dict[str, bytes], set[str]]:
    """``(files, folders)`` of an archive: every regular file's content by its clean relative
    path, and the folder entries. Raises PackageRefused with the reason."""
    limits = limits or Limits.from_settings()
    _check_extension(filename)
    if len(data) > limits.max_bytes:
        raise PackageRefused(
            f"Refused: the file is larger than {limits.max_bytes} bytes "
            "(CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES)."
        )
    if not data:
        raise PackageRefused("The distribution file is empty.")
    try:
        if data[:4] in (b"PK\x03\x04", b"PK\x05\x06"):
            return _read_zip(data, limits)
        if data[:2] == b"\x1f\x8b" or data[257:262] == b"ustar" or _looks_like_tar(data):
            return _read_tar(data, limits)
    except PackageRefused:
        raise
    except (zipfile.BadZipFile, zipfile.LargeZipFile, tarfile.TarError, zlib.error, EOFError):
        raise PackageRefused("The distribution file is a damaged or truncated archive.") from None
    except (OSError, NotImplementedError, ValueError, RuntimeError) as error:
        raise PackageRefused(f"The distribution file cannot be read: {error}.") from None
    raise PackageRefused("Unsupported file: upload a .zip, .tar, .tar.gz or .tgz archive.")


def _looks_like_tar(data: bytes) -> bool:
    if len(data) < 512:
        return False
    try:
        tarfile.TarInfo.frombuf(data[:512], tarfile.ENCODING, "surrogateescape")
    except tarfile.TarError:
        return False
    return True
