"""PostgreSQL tables through psycopg 3; identifiers composed with ``psycopg.sql``."""

from collections.abc import Iterator
from contextlib import contextmanager

import psycopg
from psycopg import postgres, pq, sql
from psycopg.rows import dict_row

from registry.sources import egress
from registry.sources.base import SourceError
from registry.sources.table_driver import (
    CONNECT_TIMEOUT_SECONDS,
    KeySpan,
    TableDriver,
    TableLayout,
)


class PostgresDriver(TableDriver):
    label = "PostgreSQL"

    def _connect_error(self, error: psycopg.OperationalError) -> SourceError:
        text = str(error)
        if "password authentication failed" in text or "authentication failed" in text:
            return self.credentials_refused()
        if "does not exist" in text and "database" in text:
            return self.no_such_database()
        if "no pg_hba.conf entry" in text:
            return SourceError(
                f"The database at {self.where} does not accept connections from this service "
                "(pg_hba.conf).",
                type="ConnectionRefused",
            )
        return self.unreachable()

    @contextmanager
    def _query_errors(self):
        try:
            yield
        except psycopg.OperationalError:
            raise self.connection_lost() from None
        except psycopg.Error as error:
            detail = error.diag.message_primary if error.diag else type(error).__name__
            raise SourceError(f"The database refused the query: {detail}") from None

    def connect(self) -> None:
        settings = self.settings
        address = egress.resolve(settings.host, settings.port)[0]
        try:
            self.connection = psycopg.connect(
                host=settings.host,
                hostaddr=address,
                port=settings.port,
                dbname=settings.database,
                user=settings.username,
                password=settings.password,
                connect_timeout=CONNECT_TIMEOUT_SECONDS,
                application_name="connector-hub",
            )
        except psycopg.OperationalError as error:
            raise self._connect_error(error) from None
        self.connection.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        self.connection.read_only = True
        # A document holds a numeric as its exact digits (``table_values.json_value``), which is
        # how the server sends it: taken as text, a value needs no Decimal made and written
        # back (a third of a row's reading cost in bench/sync_postgres.py).
        text = self.connection.adapters.get_loader(postgres.types["text"].oid, pq.Format.TEXT)
        self.connection.adapters.register_loader("numeric", text)

    @property
    def _table(self) -> sql.Identifier:
        return sql.Identifier(self.settings.table)

    def _regclass(self) -> str:
        return self._table.as_string(self.connection)

    def layout(self) -> TableLayout:
        name = self._regclass()
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT to_regclass(%s) IS NOT NULL", [name])
            if not cursor.fetchone()[0]:
                self.connection.rollback()
                raise self.no_such_table()
            cursor.execute(
                "SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = to_regclass(%s) "
                "AND attnum > 0 AND NOT attisdropped ORDER BY attnum",
                [name],
            )
            columns = [row[0] for row in cursor.fetchall()]
            cursor.execute(
                "SELECT a.attname FROM pg_catalog.pg_index i "
                "CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, position) "
                "JOIN pg_catalog.pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = k.attnum "
                "WHERE i.indrelid = to_regclass(%s) AND i.indisprimary ORDER BY k.position",
                [name],
            )
            primary_key = [row[0] for row in cursor.fetchall()]
        self.connection.rollback()
        return TableLayout(columns, primary_key)

    def check_readable(self, layout: TableLayout) -> None:
        columns = [self.settings.timestamp_column, *layout.primary_key]
        query = sql.SQL("SELECT {columns} FROM {table} LIMIT 0").format(
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)), table=self._table
        )
        try:
            with self.connection.cursor() as cursor:
                cursor.execute(query)
        except psycopg.errors.InsufficientPrivilege:
            raise self.may_not_read() from None
        finally:
            self.connection.rollback()

    def _after(
        self, key: list | None, layout: TableLayout, span: KeySpan | None = None
    ) -> tuple[sql.Composable, list]:
        key_columns = sql.SQL(", ").join(
            map(sql.Identifier, [self.settings.timestamp_column, *layout.primary_key])
        )
        if key is None:
            conditions = [
                sql.SQL("{ts} IS NOT NULL").format(
                    ts=sql.Identifier(self.settings.timestamp_column)
                )
            ]
            params = []
        else:
            placeholders = sql.SQL(", ").join(sql.Placeholder() * len(key))
            conditions, params = (
                [sql.SQL("({}) > ({})").format(key_columns, placeholders)],
                list(key),
            )
        if span is not None:
            primary_key = sql.Identifier(layout.primary_key[0])
            conditions.append(sql.SQL("{} >= %s").format(primary_key))
            params.append(span.low)
            if span.high is not None:
                conditions.append(sql.SQL("{} < %s").format(primary_key))
                params.append(span.high)
            placeholders = sql.SQL(", ").join(sql.Placeholder() * len(span.until))
            conditions.append(sql.SQL("({}) <= ({})").format(key_columns, placeholders))
            params += span.until
        return sql.SQL(" WHERE ") + sql.SQL(" AND ").join(conditions), params

    def count_after(self, key: list | None, layout: TableLayout, span: KeySpan | None) -> int:
        where, params = self._after(key, layout, span)
        query = sql.SQL("SELECT count(*) FROM {table}").format(table=self._table) + where
        with self._query_errors(), self.connection.cursor() as cursor:
            cursor.execute(query, params)
            return cursor.fetchone()[0]

    def key_bounds(self, layout: TableLayout) -> tuple:
        query = sql.SQL("SELECT min({key}), max({key}) FROM {table}").format(
            key=sql.Identifier(layout.primary_key[0]), table=self._table
        )
        with self._query_errors(), self.connection.cursor() as cursor:
            cursor.execute(query)
            return cursor.fetchone()

    def last_key(self, layout: TableLayout) -> list | None:
        columns = [self.settings.timestamp_column, *layout.primary_key]
        query = sql.SQL(
            "SELECT {columns} FROM {table} WHERE {ts} IS NOT NULL ORDER BY {descending} LIMIT 1"
        ).format(
            columns=sql.SQL(", ").join(map(sql.Identifier, columns)),
            table=self._table,
            ts=sql.Identifier(self.settings.timestamp_column),
            descending=sql.SQL(", ").join(
                sql.SQL("{} DESC").format(sql.Identifier(column)) for column in columns
            ),
        )
        with self._query_errors(), self.connection.cursor() as cursor:
            cursor.execute(query)
            row = cursor.fetchone()
        return list(row) if row else None

    def keys_after(self, key: list | None, layout: TableLayout, fetch_size: int) -> Iterator[list]:
        columns = sql.SQL(", ").join(map(sql.Identifier, layout.primary_key))
        query = sql.SQL("SELECT {columns} FROM {table}").format(columns=columns, table=self._table)
        params = []
        if key is not None:
            placeholders = sql.SQL(", ").join(sql.Placeholder() * len(key))
            query += sql.SQL(" WHERE ({}) > ({})").format(columns, placeholders)
            params = list(key)
        query += sql.SQL(" ORDER BY {}").format(columns)
        with (
            self._query_errors(),
            self.connection.cursor(name="connector_hub_keys") as cursor,
        ):
            cursor.itersize = fetch_size
            cursor.execute(query, params)
            while rows := cursor.fetchmany(fetch_size):
                yield rows
        self.connection.rollback()

    def rows_after(
        self, key: list | None, layout: TableLayout, fetch_size: int, span: KeySpan | None
    ) -> Iterator[list]:
        where, params = self._after(key, layout, span)
        order = sql.SQL(" ORDER BY {}").format(
            sql.SQL(", ").join(
                map(sql.Identifier, [self.settings.timestamp_column, *layout.primary_key])
            )
        )
        query = sql.SQL("SELECT * FROM {table}").format(table=self._table) + where + order
        # A named cursor is a server-side cursor: rows arrive ``fetch_size`` at a time.
        with (
            self._query_errors(),
            self.connection.cursor(name="connector_hub_read", row_factory=dict_row) as cursor,
        ):
            cursor.itersize = fetch_size
            cursor.execute(query, params)
            while rows := cursor.fetchmany(fetch_size):
                yield rows
        self.connection.rollback()
