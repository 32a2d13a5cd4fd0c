import signal
import sys
import time

from django.core.management.base import CommandError

from connectors.management.base import ConnectorCommand
from syncs import selectors as sync_selectors
from syncs.feed import cursor as feed_cursor
from syncs.feed import encoding
from syncs.feed.reader import DOCUMENT_FIELDS, MAX_LIMIT, changes_page, fields_from
from tenancy import selectors as tenancy_selectors

PAGE = 500


class _Stopped(Exception):
    """SIGTERM, taken like Ctrl-C: stop between two writes and print the cursor."""


class Command(ConnectorCommand):
    help = (
        "Write the changes of a collection's documents as JSON Lines on standard output (one "
        '{"op", "document", "changed_at"} per line, as the API\'s change feed gives them), then '
        "the cursor to continue from (--since) on standard error. Without --since: every live "
        "document once, as upserts. --follow keeps polling until interrupted and writes the "
        "cursor after each page of changes. A progress line shows on a terminal."
    )

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("--collection", required=True, metavar="ID", help="Collection id.")
        parser.add_argument("--since", metavar="CURSOR", help="A cursor an export printed.")
        parser.add_argument(
            "--follow", action="store_true", help="Keep polling for changes until interrupted."
        )
        parser.add_argument(
            "--interval",
            type=float,
            default=2.0,
            metavar="SECONDS",
            help="With --follow: seconds between polls once caught up (default 2).",
        )
        parser.add_argument(
            "--limit",
            type=int,
            default=PAGE,
            metavar="N",
            help=f"Changes per page, 1-{MAX_LIMIT} (default {PAGE}).",
        )
        parser.add_argument(
            "--fields",
            metavar="F1,F2",
            help=f"Document fields of upserts, among {', '.join(DOCUMENT_FIELDS)} (default all).",
        )

    def handle(self, *args, workspace, collection, since, follow, interval, limit, fields, **o):
        if not 1 <= limit <= MAX_LIMIT:
            raise CommandError(f"--limit must be between 1 and {MAX_LIMIT}.")
        chosen = tenancy_selectors.collection_in_workspace(self.workspace(workspace), collection)
        self.fields = fields_from(fields)
        self.cursor = feed_cursor.loads(since, collection_id=chosen.pk) if since else None
        self.progress = _Progress(
            self.stderr,
            total=None if since else sync_selectors.documents_of_collection(chosen).count(),
        )
        previous = signal.signal(signal.SIGTERM, _stop)
        # Ctrl-C stops a --follow even when the process was started with SIGINT ignored (as a
        # background job of a script is).
        previous_interrupt = signal.signal(signal.SIGINT, signal.default_int_handler)
        try:
            self._export(chosen, limit, follow, interval)
        except (KeyboardInterrupt, _Stopped):
            pass
        finally:
            signal.signal(signal.SIGTERM, previous)
            signal.signal(signal.SIGINT, previous_interrupt)
            self.progress.end()
        if self.cursor is not None:
            self.stderr.write(self.cursor.dumps())

    def _export(self, collection, limit, follow, interval) -> None:
        while True:
            page = changes_page(collection, self.cursor, limit=limit, fields=self.fields)
            lines = [encoding.dumps(change.as_json()).decode() for change in page.changes]
            try:
                if lines:
                    self.stdout.write("\n".join(lines))
                    self.stdout.flush()
            except BrokenPipeError:
                raise CommandError("Standard output was closed before the export ended.") from None
            self.cursor = page.cursor  # only once its changes are written
            self.progress.add(len(lines))
            if page.more:
                continue
            if not follow:
                return
            if lines and not self.progress.interactive:
                self.stderr.write(self.cursor.dumps())
            time.sleep(interval)


def _stop(signum, frame):
    raise _Stopped()


class _Progress:
    """A progress line on a terminal's standard error; nothing when it is not a terminal."""

    def __init__(self, stream, *, total: int | None):
        self.stream = stream
        self.total = total
        self.done = 0
        self.started = time.monotonic()
        self.interactive = sys.stderr.isatty()

    def add(self, count: int) -> None:
        self.done += count
        if not self.interactive:
            return
        elapsed = time.monotonic() - self.started
        rate = self.done / elapsed if elapsed > 0 else 0.0
        line = f"{self.done:,} changes  {rate:,.0f}/s"
        if self.total:
            fraction = min(1.0, self.done / self.total)
            bar = "#" * int(fraction * 30)
            line = f"[{bar.ljust(30, '.')}] {fraction:4.0%}  {line}, about {self.total:,} to read"
        self.stream.write("\r" + line, ending="")
        self.stream.flush()

    def end(self) -> None:
        if self.interactive and self.done:
            self.stream.write("")
