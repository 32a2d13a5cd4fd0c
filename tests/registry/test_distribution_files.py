"""Distribution files: every supported format registers; every hostile archive is refused with its
reason, and a refused registration stores nothing."""

import base64
import json
import stat
import tarfile
import zipfile

import pytest

from registry import services
from registry.distribution import PackageRefused, read_archive
from registry.models import ConnectorDefinition, DefinitionStatus
from tests.registry.packages import ICON, SPEC, make_tar, make_zip, package_files, tar_member

pytestmark = pytest.mark.database

TOP = "postgres-connector-2.0.0"


def _zip_info(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.create_system = 3  # unix, so the mode bits count
    info.external_attr = mode << 16
    return info


def _with(files: dict, **changes) -> dict:
    files = dict(files)
    for name, content in changes.items():
        files[f"{TOP}/{name}"] = content
    return files


@pytest.mark.parametrize(
    "filename, build",
    [
        ("pkg.zip", lambda f: make_zip(f)),
        ("pkg.tar", lambda f: make_tar(f)),
        ("pkg.tar.gz", lambda f: make_tar(f, gzip=True)),
        ("pkg.tgz", lambda f: make_tar(f, gzip=True)),
    ],
)
def test_each_archive_format_registers_live_and_retires_the_older_live(catalog, filename, build):
    older = catalog["postgres-connector"]
    [definition] = services.definition_register(
        actor=None, data=build(package_files()), filename=filename
    )
    assert definition.registry_id == "postgres-connector-2.0.0"
    assert definition.status == DefinitionStatus.LIVE and definition.live_date is not None
    assert definition.implementation == "postgres-connector"
    assert definition.ui_spec == SPEC
    assert definition.icon.startswith("data:image/svg+xml;base64,")
    older.refresh_from_db()
    assert older.status == DefinitionStatus.RETIRED


def test_a_multi_connector_package_gives_one_definition_per_connector(db):
    connectors = [
        {"id": "postgres-connector", "name": "PG flavour", "description": "one"},
        {"id": "mysql-connector", "name": "My flavour", "description": "two"},
    ]
    other_spec = {"schema": {"type": "object", "properties": {"x": {"type": "string"}}}}
    files = package_files(connector_id="db-pack", version="1.0.0", connectors=connectors)
    files["db-pack-1.0.0/ui-config.json"] = json.dumps(
        {"postgres-connector": SPEC, "mysql-connector": other_spec}
    ).encode()
    registered = services.definition_register(actor=None, data=make_zip(files), filename="p.zip")
    assert [(d.registry_id, d.name) for d in registered] == [
        ("postgres-connector-1.0.0", "PG flavour"),
        ("mysql-connector-1.0.0", "My flavour"),
    ]
    assert registered[1].ui_spec == other_spec


def test_an_explicit_implementation_binds_a_new_type_to_an_installed_reader(db):
    files = package_files(
        connector_id="acme-pg", version="1.0.0", implementation="postgres-connector"
    )
    [definition] = services.definition_register(actor=None, data=make_zip(files), filename="a.zip")
    assert (definition.connector_id, definition.implementation) == ("acme-pg", "postgres-connector")


def test_a_url_icon_is_kept_as_given(db):
    files = package_files(icon="https://example.com/pg.svg")
    files[f"{TOP}/metadata.json"] = json.dumps(
        {**json.loads(files[f"{TOP}/metadata.json"]), "connectors": [{"id": "postgres-connector"}]}
    ).encode()
    [definition] = services.definition_register(actor=None, data=make_zip(files), filename="a.zip")
    assert definition.icon == "https://example.com/pg.svg"


ZEROS = b"\0" * (1024 * 1024)


def _too_many(files):
    return make_zip({**files, **{f"{TOP}/extra{i}.txt": b"x" for i in range(70)}})


HOSTILE = [
    ("traversal", lambda: make_zip({**package_files(), f"{TOP}/../../evil.txt": b"x"}), "outside"),
    ("traversal in tar", lambda: make_tar({**package_files(), "../evil.txt": b"x"}), "outside"),
    (
        "absolute zip path",
        lambda: make_zip({**package_files(), "/etc/cron.d/evil": b"x"}),
        "absolute",
    ),
    ("absolute tar path", lambda: make_tar({**package_files(), "/tmp/evil": b"x"}), "absolute"),
    ("windows drive path", lambda: make_zip({**package_files(), "C:\\evil.txt": b"x"}), "absolute"),
    (
        "zip symlink",
        lambda: make_zip(
            package_files(),
            infos=[(_zip_info(f"{TOP}/link", stat.S_IFLNK | 0o777), b"/etc/passwd")],
        ),
        "is a link",
    ),
    (
        "tar symlink",
        lambda: make_tar(
            package_files(),
            members=[tar_member(f"{TOP}/link", kind=tarfile.SYMTYPE, linkname="/etc/passwd")],
        ),
        "is a link",
    ),
    (
        "tar hardlink",
        lambda: make_tar(
            package_files(),
            members=[tar_member(f"{TOP}/hard", kind=tarfile.LNKTYPE, linkname="/etc/shadow")],
        ),
        "is a link",
    ),
    (
        "tar character device",
        lambda: make_tar(
            package_files(), members=[tar_member(f"{TOP}/null", kind=tarfile.CHRTYPE, devmajor=1)]
        ),
        "device",
    ),
    (
        "tar fifo",
        lambda: make_tar(
            package_files(), members=[tar_member(f"{TOP}/pipe", kind=tarfile.FIFOTYPE)]
        ),
        "device",
    ),
    (
        "zip block device",
        lambda: make_zip(
            package_files(), infos=[(_zip_info(f"{TOP}/sda", stat.S_IFBLK | 0o600), b"")]
        ),
        "device",
    ),
    ("too many members", lambda: _too_many(package_files()), "more than 64 members"),
    ("zip bomb (ratio)", lambda: make_zip(_with(package_files(), **{"zeros.bin": ZEROS})), "ratio"),
    (
        "tar.gz bomb (ratio)",
        lambda: make_tar(_with(package_files(), **{"z.bin": ZEROS}), gzip=True),
        "ratio",
    ),
    (
        "invalid metadata JSON",
        lambda: make_zip(_with(package_files(), **{"metadata.json": b"{nope"})),
        "metadata.json is not valid JSON",
    ),
    (
        "invalid ui-config JSON",
        lambda: make_zip(_with(package_files(), **{"ui-config.json": b"[1,"})),
        "ui-config.json is not valid JSON",
    ),
    (
        "schema failing check_schema",
        lambda: make_zip(
            _with(
                package_files(),
                **{"ui-config.json": json.dumps({"schema": {"type": "objekt"}}).encode()},
            )
        ),
        "not a valid JSON Schema",
    ),
    (
        "schema with a broken pattern",
        lambda: make_zip(
            _with(
                package_files(),
                **{
                    "ui-config.json": json.dumps(
                        {
                            "schema": {
                                "type": "object",
                                "properties": {"a": {"type": "string", "pattern": "(unclosed"}},
                            }
                        }
                    ).encode()
                },
            )
        ),
        "not a valid JSON Schema",
    ),
    (
        "no installed implementation",
        lambda: make_zip(package_files(connector_id="acme-unknown")),
        "No installed implementation for 'acme-unknown'",
    ),
    (
        "two top-level folders",
        lambda: make_zip({**package_files(), "other/readme.txt": b"x"}),
        "exactly one top-level folder",
    ),
    (
        "folder not named id-version",
        lambda: make_zip({k.replace(TOP, "pkg"): v for k, v in package_files().items()}),
        "metadata.json says 'postgres-connector-2.0.0'",
    ),
    (
        "no metadata.json",
        lambda: make_zip({k: v for k, v in package_files().items() if "metadata" not in k}),
        "no metadata.json",
    ),
    (
        "metadata without version",
        lambda: make_zip(
            _with(
                package_files(),
                **{
                    "metadata.json": json.dumps(
                        {"type": "connector", "metadata": {"id": "postgres-connector", "name": "x"}}
                    ).encode()
                },
            )
        ),
        "metadata.version: This field is required",
    ),
    (
        "missing icon file",
        lambda: make_zip({k: v for k, v in package_files().items() if "icon" not in k}),
        "not in the package",
    ),
    ("not an archive", lambda: b"just some text, not an archive" * 30, "Unsupported file"),
    ("damaged zip", lambda: make_zip(package_files())[:200], "damaged"),
]


@pytest.mark.parametrize("case, build, message", HOSTILE, ids=[c[0] for c in HOSTILE])
def test_a_hostile_or_broken_archive_is_refused_and_stores_nothing(catalog, case, build, message):
    before = list(ConnectorDefinition.objects.values_list("registry_id", "status"))
    data = build()
    filename = "pkg.tar.gz" if "tar" in case else "pkg.zip"
    with pytest.raises(PackageRefused) as refused:
        services.definition_register(actor=None, data=data, filename=filename)
    assert message in refused.value.message
    assert list(ConnectorDefinition.objects.values_list("registry_id", "status")) == before


def test_uncompressed_total_over_the_limit_is_refused(settings):
    settings.CONNECTOR_HUB_DISTRIBUTION_MAX_UNCOMPRESSED_BYTES = 10_000
    big = _with(package_files(), **{"data.json": json.dumps(["x" * 40] * 400).encode()})
    for data in (make_zip(big), make_tar(big), make_tar(big, gzip=True)):
        with pytest.raises(PackageRefused, match="expands to more than 10000 bytes"):
            read_archive(data, "pkg.zip" if data[:2] == b"PK" else "pkg.tar")


def test_a_file_over_the_size_limit_is_refused_before_reading(settings):
    settings.CONNECTOR_HUB_DISTRIBUTION_MAX_BYTES = 1000
    with pytest.raises(PackageRefused, match="larger than 1000 bytes"):
        read_archive(make_tar(package_files()), "pkg.tar")


def test_an_unsupported_extension_is_refused():
    with pytest.raises(PackageRefused, match="upload a .zip, .tar, .tar.gz or .tgz"):
        read_archive(make_zip(package_files()), "package.exe")


def _declare_size(data: bytes, member: str, size: int) -> bytes:
    """The zip with the central directory's uncompressed size of ``member`` rewritten."""
    data = bytearray(data)
    offset = data.find(b"PK\x01\x02")
    while offset != -1:
        name_length = int.from_bytes(data[offset + 28 : offset + 30], "little")
        if data[offset + 46 : offset + 46 + name_length] == member.encode():
            data[offset + 24 : offset + 28] = size.to_bytes(4, "little")
            return bytes(data)
        offset = data.find(b"PK\x01\x02", offset + 4)
    raise AssertionError(member)


def test_a_zip_member_lying_about_its_size_cannot_expand_past_it(settings):
    settings.CONNECTOR_HUB_DISTRIBUTION_MAX_UNCOMPRESSED_BYTES = 50_000
    data = make_zip(_with(package_files(), **{"blob.bin": bytes(range(256)) * 800}))
    with pytest.raises(PackageRefused):
        read_archive(_declare_size(data, f"{TOP}/blob.bin", 10), "pkg.zip")


def test_the_icon_is_stored_as_a_data_url_of_its_bytes():
    package = read_archive(make_zip(package_files()), "pkg.zip")
    assert (
        package.definitions[0].icon
        == "data:image/svg+xml;base64," + base64.b64encode(ICON).decode()
    )
