"""Reading one database table incrementally: the part every SQL engine shares.

Rows are read in keyset order on (timestamp column, primary key): a sync asks for the rows after
the last key it saw, streams them through a server-side cursor and yields ``batch_size`` rows per
batch, each batch carrying the key of its last row as the cursor. Rows sharing one timestamp are
told apart by the primary key, so none is lost or read twice at a batch boundary. Rows whose
timestamp is NULL cannot be ordered and are not read.

An incremental read (one that starts after a key) then lists the table's primary keys, streamed
in key order ``KEY_BATCH`` at a time, in ``Batch.listed_external_ids``: the engine compares them
with the stored documents in its database and marks deleted the rows no longer there. The cursor
carries the listing's last key meanwhile, so a resumed read goes on listing from there.

Every batch reports the pass's total (rows after the key the pass started from): while a pass is
under way the cursor also carries that total and the rows read so far, so a pass resumed by a
later task run goes on counting against the same total.

The engine-specific parts (connecting, the catalog, quoting, the keyset query) live in a
``TableDriver`` (``table_driver.py``; ``postgres.py``, ``mysql.py``); a kind's reader names the drivers it offers
(``TableSource.drivers``) and the config's ``databaseType`` picks one.
"""

import datetime as dt
from collections.abc import Iterator

from config.errors import InvalidInput
from registry.sources.base import Batch, Source, SourceDocument, SourceError, Split
from registry.sources.table_driver import KeySpan, TableDriver, TableLayout, settings_from
from registry.sources.table_values import (
    decode_key_part,
    encode_key_part,
    external_id_of,
    json_value,
    row_json,
)

# Rows fetched per round trip of the server-side cursor (batches are cut from them).
FETCH_ROWS = 2000
# Primary keys per batch (and per round trip) of the listing that finds deleted rows.
KEY_BATCH = 10000
# A title taken from a column is cut to this many characters.
TITLE_CHARACTERS = 300


def _span(part: dict | None) -> KeySpan | None:
    if not part:
        return None
    return KeySpan(
        low=int(part["low"]),
        high=None if part.get("high") is None else int(part["high"]),
        until=[decode_key_part(value) for value in part["until"]],
    )


def _as_aware(value) -> dt.datetime | None:
    if isinstance(value, dt.datetime):
        return value if value.tzinfo else value.replace(tzinfo=dt.UTC)
    if isinstance(value, dt.date):
        return dt.datetime.combine(value, dt.time.min, tzinfo=dt.UTC)
    return None


class TableSource(Source):
    """A table of one of ``drivers``' engines; the config's ``databaseType`` chooses (the first
    when it names none)."""

    incremental = True
    read_ahead = True
    drivers: dict[str, type[TableDriver]] = {}

    @classmethod
    def prepare_config(cls, config: dict) -> dict:
        section = config.get("connector_config") if isinstance(config, dict) else None
        schema_info = section.get("schemaInfo") if isinstance(section, dict) else None
        if isinstance(schema_info, dict):
            for field, required in (("timestampColumn", True), ("titleColumn", False)):
                column = schema_info.get(field)
                if not isinstance(column, str):
                    continue
                column = column.strip()
                if not column and not required:
                    del schema_info[field]
                    continue
                schema_info[field] = column
                if not column or len(column) > 64 or any(ord(c) < 32 for c in column):
                    raise InvalidInput(
                        {
                            f"connector_config.schemaInfo.{field}": [
                                "Must be a column name of 1 to 64 printable characters."
                            ]
                        }
                    )
        return config

    def __init__(self, config: dict, context=None):
        super().__init__(config, context)
        self.settings = settings_from(config)
        self.driver: TableDriver | None = None

    def _driver(self) -> TableDriver:
        if self.driver is None:
            if not 0 < self.settings.port < 65536:
                raise SourceError("The database port must be a number from 1 to 65535.")
            name = self.settings.database_type or next(iter(self.drivers), "")
            driver = self.drivers.get(name)
            if driver is None:
                raise SourceError(f"Unknown database type {self.settings.database_type!r}.")
            self.driver = driver(self.settings)
            self.driver.connect()
        return self.driver

    def _layout(self, driver: TableDriver) -> TableLayout:
        layout = driver.layout()
        if self.settings.timestamp_column not in layout.columns:
            raise SourceError(
                f"The table {self.settings.table} has no column "
                f"{self.settings.timestamp_column} (the timestamp column)."
            )
        title_column = self.settings.title_column
        if title_column and title_column not in layout.columns:
            raise SourceError(
                f"The table {self.settings.table} has no column {title_column} (the title column)."
            )
        if not layout.primary_key:
            raise SourceError(
                f"The table {self.settings.table} has no primary key; one is needed to tell "
                "rows apart."
            )
        return layout

    def check(self) -> None:
        driver = self._driver()
        driver.check_readable(self._layout(driver))

    def read(self, cursor: dict | None) -> Iterator[Batch]:
        self.context.heartbeat()
        driver = self._driver()
        layout = self._layout(driver)
        cursor = cursor or {}
        key = [decode_key_part(p) for p in cursor["after"]] if cursor.get("after") else None
        if "keys" in cursor:
            yield from self._list_keys(driver, layout, cursor)
            return
        total, done = cursor.get("total"), int(cursor.get("read") or 0)
        # A read of changes (after a complete pass) lists the keys once its changes are read.
        changes = cursor.get("changes") is True if total is not None else key is not None
        part = cursor.get("part")
        span = _span(part)
        if total is None:
            total, done = driver.count_after(key, layout, span), 0
            if span is not None:
                where = f"keys {span.low} to {'the last' if span.high is None else span.high - 1}"
                self.context.log(f"Reading {total} row(s) of {self.settings.table}, {where}.")
            else:
                self.context.log(
                    f"Reading {total} row(s) of {self.settings.table}"
                    + (" changed since the last sync." if key else ".")
                )
        else:
            self.context.log(f"Reading on after {done} of {total} row(s).")
        batch_size = max(1, int(self.context.batch_size or 100))
        metadata = {"table": self.settings.table, "primary_key": layout.primary_key}
        after = cursor.get("after")
        pending = None
        # One batch is held back until the next arrives: the last one's cursor ends the pass.
        for rows in driver.rows_after(key, layout, max(batch_size, FETCH_ROWS), span):
            for start in range(0, len(rows), batch_size):
                chunk = rows[start : start + batch_size]
                if pending is not None:
                    yield pending
                self.context.heartbeat()
                done += len(chunk)
                last = chunk[-1]
                after = [encode_key_part(last[self.settings.timestamp_column])]
                after += [encode_key_part(last[column]) for column in layout.primary_key]
                position = {"after": after, "total": total, "read": done}
                if changes:
                    position["changes"] = True
                if part is not None:
                    position["part"] = part
                pending = Batch(
                    documents=[self._document(row, layout, metadata) for row in chunk],
                    cursor=position,
                    total=total,
                )
        final = {"after": after, "keys": {"after": None}} if changes else {"after": after}
        if part is not None:
            final["part"] = part
        if pending is not None:
            pending.cursor = final
            yield pending
        elif changes:
            yield Batch(documents=[], cursor=final, total=total)
        if changes:
            yield from self._list_keys(driver, layout, final)

    def split(self, parts: int, *, least: int) -> Split | None:
        """Ranges of a one-column integer primary key, of equal width, read at once by several
        workers; every part stops at the greatest (timestamp, key) of the moment of the split."""
        if parts < 2:
            return None
        driver = self._driver()
        layout = self._layout(driver)
        if len(layout.primary_key) != 1:
            return None
        low, high = driver.key_bounds(layout)
        if not all(isinstance(value, int) and not isinstance(value, bool) for value in (low, high)):
            return None
        total = driver.count_after(None, layout, None)
        count = min(parts, total // max(1, least), high - low + 1)
        until = driver.last_key(layout)
        if count < 2 or until is None:
            return None
        encoded_until = [encode_key_part(value) for value in until]
        width = -(-(high - low + 1) // count)  # ceiling: the last range ends at the greatest key
        starts = [low + width * n for n in range(count)]
        cursors = [
            {
                "part": {
                    "low": start,
                    "high": None if n == count - 1 else start + width,
                    "until": encoded_until,
                }
            }
            for n, start in enumerate(starts)
        ]
        return Split(parts=cursors, total=total, after={"after": encoded_until})

    def _list_keys(self, driver: TableDriver, layout: TableLayout, cursor: dict) -> Iterator[Batch]:
        listing = cursor["keys"]
        start = listing.get("after")
        if start is None:
            self.context.log("Listing the table's primary keys to find rows deleted since.")
        key = [decode_key_part(p) for p in start] if start else None
        pending = None
        for keys in driver.keys_after(key, layout, KEY_BATCH):
            if pending is not None:
                yield pending
            self.context.heartbeat()
            last = [encode_key_part(part) for part in keys[-1]]
            pending = Batch(
                documents=[],
                listed_external_ids=[external_id_of(list(values)) for values in keys],
                cursor={"after": cursor["after"], "keys": {"after": last}},
            )
        if pending is None:
            pending = Batch(documents=[])
        pending.cursor = {"after": cursor["after"]}
        pending.listing_complete = True
        yield pending

    def _document(self, row: dict, layout: TableLayout, metadata: dict) -> SourceDocument:
        external_id = external_id_of([row[column] for column in layout.primary_key])
        content = row_json(row)
        return SourceDocument(
            external_id=external_id,
            title=self._title(row, external_id),
            mime_type="application/json",
            content=content.decode(),
            metadata=metadata,
            source_updated_at=_as_aware(row[self.settings.timestamp_column]),
            size=len(content),
        )

    def _title(self, row: dict, external_id: str) -> str:
        """The title column's value, on one line; the table and key where it is empty."""
        if self.settings.title_column:
            value = row[self.settings.title_column]
            if value is not None:
                title = " ".join(
                    (value if isinstance(value, str) else str(json_value(value))).split()
                )
                if title:
                    return title[:TITLE_CHARACTERS]
        return f"{self.settings.table} {external_id}"

    def close(self) -> None:
        if self.driver is not None:
            self.driver.close()
            self.driver = None
