"""MySQL and MariaDB tables through PyMySQL.

PyMySQL has no API for composing identifiers (unlike ``psycopg.sql``), so identifiers are
validated here and quoted with backticks, doubling any backtick inside (MySQL's own quoting rule);
values always travel as query parameters.
"""

from collections.abc import Iterator
from contextlib import contextmanager

import pymysql
import pymysql.cursors

from registry.sources import egress
from registry.sources.base import SourceError
from registry.sources.table_driver import (
    CONNECT_TIMEOUT_SECONDS,
    KeySpan,
    TableDriver,
    TableLayout,
)

# https://dev.mysql.com/doc/refman/8.0/en/error-messages-server.html (and client errors >= 2000)
ACCESS_DENIED, DB_ACCESS_DENIED, UNKNOWN_DATABASE = 1045, 1044, 1049
TABLE_ACCESS_DENIED, COLUMN_ACCESS_DENIED, NO_SUCH_TABLE = 1142, 1143, 1146
READ_TIMEOUT_SECONDS = 600


def quote_identifier(name: str) -> str:
    if not name or len(name) > 64 or "\x00" in name or name != name.rstrip():
        raise SourceError(f"{name!r} is not a valid MySQL identifier.")
    return "`" + name.replace("`", "``") + "`"


class MySQLDriver(TableDriver):
    label = "MySQL"

    @contextmanager
    def _query_errors(self):
        try:
            yield
        except pymysql.err.OperationalError as error:
            code = error.args[0] if error.args else None
            if code in (TABLE_ACCESS_DENIED, COLUMN_ACCESS_DENIED):
                raise self.may_not_read() from None
            raise self.connection_lost() from None
        except pymysql.err.MySQLError as error:
            code = error.args[0] if error.args else None
            if code == NO_SUCH_TABLE:
                raise self.no_such_table() from None
            raise SourceError(f"The database refused the query (error {code}).") from None

    def connect(self) -> None:
        settings = self.settings
        address = egress.resolve(settings.host, settings.port)[0]
        try:
            self.connection = pymysql.connect(
                host=address,
                port=settings.port,
                user=settings.username,
                password=settings.password,
                database=settings.database,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                # A server that stops answering fails the read (retryable) instead of hanging it.
                read_timeout=READ_TIMEOUT_SECONDS,
                write_timeout=READ_TIMEOUT_SECONDS,
                charset="utf8mb4",
                autocommit=False,
            )
        except pymysql.err.OperationalError as error:
            code = error.args[0] if error.args else None
            if code == ACCESS_DENIED:
                raise self.credentials_refused() from None
            if code == UNKNOWN_DATABASE:
                raise self.no_such_database() from None
            if code == DB_ACCESS_DENIED:
                raise SourceError(
                    f"The database {settings.database} does not exist on {self.where}, or the "
                    f"user {settings.username} may not use it.",
                    type="PermissionDenied",
                ) from None
            raise self.unreachable() from None
        with self.connection.cursor() as cursor:
            # TIMESTAMP values in UTC; a slow consumer of a streamed result is not cut off.
            cursor.execute("SET SESSION time_zone = '+00:00', net_write_timeout = 3600")

    @property
    def _table(self) -> str:
        return quote_identifier(self.settings.table)

    def layout(self) -> TableLayout:
        with self.connection.cursor() as cursor:
            cursor.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = DATABASE() AND table_name = %s ORDER BY ordinal_position",
                [self.settings.table],
            )
            columns = [row[0] for row in cursor.fetchall()]
            if not columns:
                raise SourceError(
                    f"The table {self.settings.table} does not exist in the database "
                    f"{self.settings.database} (or the user cannot see it).",
                    type="NoSuchTable",
                )
            cursor.execute(
                "SELECT column_name FROM information_schema.key_column_usage "
                "WHERE table_schema = DATABASE() AND table_name = %s "
                "AND constraint_name = 'PRIMARY' ORDER BY ordinal_position",
                [self.settings.table],
            )
            primary_key = [row[0] for row in cursor.fetchall()]
        self.connection.rollback()
        return TableLayout(columns, primary_key)

    def check_readable(self, layout: TableLayout) -> None:
        columns = ", ".join(
            quote_identifier(c) for c in [self.settings.timestamp_column, *layout.primary_key]
        )
        with self._query_errors(), self.connection.cursor() as cursor:
            cursor.execute(f"SELECT {columns} FROM {self._table} LIMIT 0")
        self.connection.rollback()

    def _after(
        self, key: list | None, layout: TableLayout, span: KeySpan | None = None
    ) -> tuple[str, list]:
        columns = [
            quote_identifier(c) for c in [self.settings.timestamp_column, *layout.primary_key]
        ]
        if key is None:
            where, params = f" WHERE {columns[0]} IS NOT NULL", []
        else:
            where, params = self._greater(columns, key)
            where = f" WHERE ({where.removeprefix(' WHERE ')})"
        if span is not None:
            where += f" AND {columns[1]} >= %s"
            params.append(span.low)
            if span.high is not None:
                where += f" AND {columns[1]} < %s"
                params.append(span.high)
            greater, above = self._greater(columns, span.until)
            where += f" AND NOT ({greater.removeprefix(' WHERE ')})"
            params += above
        return where, params

    @staticmethod
    def _greater(columns: list[str], key: list) -> tuple[str, list]:
        # (a, b, c) > (x, y, z) spelled out, which every MySQL and MariaDB version runs as a range.
        branches, params = [], []
        for position, column in enumerate(columns):
            equal = [f"{c} = %s" for c in columns[:position]]
            branches.append("(" + " AND ".join([*equal, f"{column} > %s"]) + ")")
            params += [*key[:position], key[position]]
        return " WHERE " + " OR ".join(branches), params

    def count_after(self, key: list | None, layout: TableLayout, span: KeySpan | None) -> int:
        where, params = self._after(key, layout, span)
        with self._query_errors(), self.connection.cursor() as cursor:
            cursor.execute("START TRANSACTION WITH CONSISTENT SNAPSHOT, READ ONLY")
            cursor.execute(f"SELECT count(*) FROM {self._table}{where}", params)
            return cursor.fetchone()[0]

    def keys_after(self, key: list | None, layout: TableLayout, fetch_size: int) -> Iterator[list]:
        columns = [quote_identifier(c) for c in layout.primary_key]
        where, params = "", []
        if key is not None:
            where, params = self._greater(columns, key)
        query = (
            f"SELECT {', '.join(columns)} FROM {self._table}{where} ORDER BY {', '.join(columns)}"
        )
        yield from self._stream(query, params, fetch_size, pymysql.cursors.SSCursor)

    def rows_after(
        self, key: list | None, layout: TableLayout, fetch_size: int, span: KeySpan | None
    ) -> Iterator[list]:
        where, params = self._after(key, layout, span)
        order = ", ".join(
            quote_identifier(c) for c in [self.settings.timestamp_column, *layout.primary_key]
        )
        query = f"SELECT * FROM {self._table}{where} ORDER BY {order}"
        # SSDictCursor streams the result from the server instead of buffering all of it.
        yield from self._stream(query, params, fetch_size, pymysql.cursors.SSDictCursor)

    def key_bounds(self, layout: TableLayout) -> tuple:
        key = quote_identifier(layout.primary_key[0])
        with self._query_errors(), self.connection.cursor() as cursor:
            cursor.execute(f"SELECT min({key}), max({key}) FROM {self._table}")
            bounds = cursor.fetchone()
        self.connection.rollback()
        return bounds

    def last_key(self, layout: TableLayout) -> list | None:
        columns = [
            quote_identifier(c) for c in [self.settings.timestamp_column, *layout.primary_key]
        ]
        descending = ", ".join(f"{column} DESC" for column in columns)
        with self._query_errors(), self.connection.cursor() as cursor:
            cursor.execute(
                f"SELECT {', '.join(columns)} FROM {self._table} WHERE {columns[0]} IS NOT NULL "
                f"ORDER BY {descending} LIMIT 1"
            )
            row = cursor.fetchone()
        self.connection.rollback()
        return list(row) if row else None

    def _stream(self, query: str, params: list, fetch_size: int, cursor_class) -> Iterator[list]:
        cursor = self.connection.cursor(cursor_class)
        finished = False
        try:
            with self._query_errors():
                cursor.execute(query, params)
                while rows := cursor.fetchmany(fetch_size):
                    yield rows
            finished = True
        finally:
            if finished:
                cursor.close()
                self.connection.rollback()
            else:
                # Closing a streaming cursor would first read every remaining row: drop the
                # connection instead when the reader stops early, and tell PyMySQL's result
                # object there is nothing left to drain.
                if cursor._result is not None:
                    cursor._result.unbuffered_active = False
                self.close()
