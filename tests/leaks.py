"""Proof that secret values never leave in clear: in a response body, an HTML page, an admin page,
command output, captured logs or the database (every row of every table, plus the SQLite files).

    from tests.leaks import Secrets
    secrets = Secrets("pl41ntext-Secret", "another-one")
    secrets.assert_not_in_response(client.get(url))
    secrets.assert_not_in_text(stdout.getvalue(), where="command output")
    secrets.assert_not_in_logs(caplog)
    secrets.assert_not_in_database()   # use @pytest.mark.django_db(transaction=True) so that the
                                       # rows are committed and the SQLite files hold them

A value is searched for as written and in the encodings it would take on the way out: JSON string
escaping, HTML escaping, URL quoting and base64.
"""

import base64
import json
import subprocess
import urllib.parse
from pathlib import Path

from django.db import connection
from django.utils.html import escape

MIN_LENGTH = 6  # shorter values would match by accident


class Secrets:
    def __init__(self, *values: str):
        self.values = [v for v in values if v]
        for value in self.values:
            assert len(value) >= MIN_LENGTH, f"use recognisable secrets of {MIN_LENGTH}+ characters"

    def forms_of(self, value: str) -> set[str]:
        return {
            value,
            json.dumps(value)[1:-1],
            escape(value),
            urllib.parse.quote(value),
            urllib.parse.quote(value, safe=""),
            urllib.parse.quote_plus(value),
            base64.b64encode(value.encode()).decode(),
        }

    def found_in(self, text) -> list[str]:
        """The secret values (as given) that ``text`` (str or bytes) contains in any form."""
        if isinstance(text, bytes):
            return [v for v in self.values if any(f.encode() in text for f in self.forms_of(v))]
        text = str(text)
        return [v for v in self.values if any(f in text for f in self.forms_of(v))]

    def assert_not_in_text(self, text, *, where: str = "text") -> None:
        leaked = self.found_in(text)
        assert not leaked, f"secret value(s) {leaked!r} found in {where}"

    def assert_not_in_response(self, response, *, where: str | None = None) -> None:
        """An HTTP response of the test client: body (streamed or not) and headers."""
        where = where or f"the response to {getattr(response, 'request', {}).get('PATH_INFO', '?')}"
        if getattr(response, "streaming", False):
            body = b"".join(response.streaming_content)
        else:
            body = response.content
        self.assert_not_in_text(body, where=where)
        self.assert_not_in_text(str(dict(response.items())), where=f"the headers of {where}")

    def assert_not_in_logs(self, caplog, *, where: str = "the logs") -> None:
        lines = [caplog.text]
        for record in caplog.records:
            lines.append(record.getMessage())
            lines.append(repr(record.args))
            if record.exc_text:
                lines.append(record.exc_text)
        self.assert_not_in_text("\n".join(lines), where=where)

    def assert_not_in_database(self) -> None:
        """Every row of every table, read with plain SQL; then the SQLite database files."""
        with connection.cursor() as cursor:
            for table in connection.introspection.table_names(cursor):
                quoted = connection.ops.quote_name(table)
                cursor.execute(f"SELECT * FROM {quoted}")  # noqa: S608 (table names from introspection)
                rows = cursor.fetchall()
                self.assert_not_in_text(
                    "\n".join(repr(row) for row in rows), where=f"the table {table}"
                )
        if connection.vendor == "sqlite":
            name = str(connection.settings_dict["NAME"])
            if "memory" in name or not Path(name).exists():
                return
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            path = Path(name)
            for file in [path, *path.parent.glob(path.name + "-*")]:
                self.assert_not_in_text(read_file_elsewhere(file), where=f"the file {file}")


def read_file_elsewhere(path: Path) -> bytes:
    """A database file's bytes, read by a child process: closing a descriptor of a file in this
    process would drop every POSIX lock this process's SQLite connections hold on it, and other
    processes (workers) could then delete the WAL files under the connections' feet."""
    return subprocess.run(["cat", str(path)], capture_output=True, check=True).stdout
