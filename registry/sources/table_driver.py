"""What a table reader asks of one SQL engine (``TableDriver``: connecting, the catalog, quoting,
the keyset query), and the settings and key ranges it works with. ``postgres.py`` and
``mysql.py`` are the drivers; ``tables.py`` the reader over them."""

from collections.abc import Iterator
from dataclasses import dataclass

from registry.sources.base import SourceError

CONNECT_TIMEOUT_SECONDS = 10


@dataclass(frozen=True)
class TableSettings:
    database_type: str
    host: str
    port: int
    database: str
    username: str
    password: str
    table: str
    timestamp_column: str
    title_column: str = ""


@dataclass(frozen=True)
class KeySpan:
    """One part of a split read: primary keys from ``low`` up to (not including) ``high``
    (None: no end), and only rows at or before ``until``, the greatest (timestamp, primary key)
    when the read was split (rows changed later are for the next sync)."""

    low: int
    high: int | None
    until: list


@dataclass(frozen=True)
class TableLayout:
    """What the catalog says about the table: its columns and primary key, in order."""

    columns: list[str]
    primary_key: list[str]


class TableDriver:
    """One SQL engine. Subclasses open ``self.connection`` and stream rows as dicts."""

    label = "database"

    def __init__(self, settings: TableSettings):
        self.settings = settings
        self.connection = None

    def connect(self) -> None:
        raise NotImplementedError

    def layout(self) -> TableLayout:
        """Columns and primary key; SourceError naming the problem when the table is missing."""
        raise NotImplementedError

    def check_readable(self, layout: TableLayout) -> None:
        raise NotImplementedError

    def count_after(self, key: list | None, layout: TableLayout, span: KeySpan | None) -> int:
        raise NotImplementedError

    def rows_after(
        self, key: list | None, layout: TableLayout, fetch_size: int, span: KeySpan | None
    ) -> Iterator[list]:
        """Lists of row dicts in keyset order, ``fetch_size`` at a time, from a server-side
        cursor; within ``span`` when given."""
        raise NotImplementedError

    def key_bounds(self, layout: TableLayout) -> tuple:
        """The least and greatest value of a one-column primary key (an index lookup each)."""
        raise NotImplementedError

    def last_key(self, layout: TableLayout) -> list | None:
        """The greatest (timestamp, primary key...) of the readable rows, or None."""
        raise NotImplementedError

    def keys_after(self, key: list | None, layout: TableLayout, fetch_size: int) -> Iterator[list]:
        """Lists of primary-key tuples in key order after ``key`` (None: from the first),
        ``fetch_size`` at a time, from a server-side cursor."""
        raise NotImplementedError

    # The errors both engines report in the same words.
    def credentials_refused(self) -> SourceError:
        return SourceError(
            f"The database at {self.where} refused the user name or password "
            f"(user {self.settings.username}).",
            type="AuthenticationFailed",
        )

    def no_such_database(self) -> SourceError:
        return SourceError(
            f"The database {self.settings.database} does not exist on {self.where}.",
            type="NoSuchDatabase",
        )

    def unreachable(self) -> SourceError:
        return SourceError(
            f"Cannot reach the database at {self.where}: the host is unreachable, refused the "
            "connection or did not answer in time.",
            retryable=True,
            type="HostUnreachable",
        )

    def no_such_table(self) -> SourceError:
        return SourceError(
            f"The table {self.settings.table} does not exist in the database "
            f"{self.settings.database}.",
            type="NoSuchTable",
        )

    def may_not_read(self) -> SourceError:
        return SourceError(
            f"The user {self.settings.username} may not read the table {self.settings.table}.",
            type="PermissionDenied",
        )

    @staticmethod
    def connection_lost() -> SourceError:
        return SourceError("The connection to the database was lost while reading.", retryable=True)

    @property
    def where(self) -> str:
        return f"{self.settings.host}:{self.settings.port}"

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            try:
                connection.close()
            except Exception:  # the connection is already gone: nothing left to release
                pass


def settings_from(config: dict) -> TableSettings:
    section = config.get("connector_config") or {}
    connection = section.get("connection_info") or {}
    schema_info = section.get("schemaInfo") or {}
    try:
        port = int(connection.get("port"))
    except (TypeError, ValueError):
        port = 0  # refused when connecting, with a message
    return TableSettings(
        database_type=str(section.get("databaseType") or ""),
        host=str(connection.get("host") or ""),
        port=port,
        database=str(connection.get("name") or ""),
        username=str(connection.get("username") or ""),
        password=str(connection.get("password") or ""),
        table=str(schema_info.get("table") or ""),
        timestamp_column=str(schema_info.get("timestampColumn") or ""),
        title_column=str(schema_info.get("titleColumn") or ""),
    )
