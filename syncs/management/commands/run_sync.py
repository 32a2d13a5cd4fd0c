import sys
import time

from django.core.management.base import CommandError

from connectors.lifecycle import State
from connectors.management.base import ConnectorCommand
from syncs import start_rules
from syncs.management.presenters import sync_detail
from syncs.models import FINISHED_STATUSES, Sync, SyncStatus, SyncTrigger


class Command(ConnectorCommand):
    help = (
        "Start a sync of a connector. By default it is queued for a worker; --wait follows it "
        "with a progress bar and exits non-zero if it fails or is cancelled; --inline runs it in "
        "this process, without a worker."
    )
    json_output = True

    def add_arguments(self, parser):
        self.add_workspace_argument(parser)
        parser.add_argument("connector", help="Connector name or id.")
        parser.add_argument("--full", action="store_true", help="Read the whole source and prune.")
        mode = parser.add_mutually_exclusive_group()
        mode.add_argument("--wait", action="store_true", help="Follow the sync until it ends.")
        mode.add_argument("--inline", action="store_true", help="Run the sync in this process.")

    def handle(self, *args, workspace, connector, full, wait, inline, **options):
        target = self.connector(self.workspace(workspace), connector)
        if inline and target.state != State.RUNNING:
            raise CommandError(
                f"{target.name} is {target.state}; --inline needs a running connector."
            )
        sync = start_rules.sync_requested(
            actor=None, connector=target, trigger=SyncTrigger.MANUAL, full=full, enqueue=not inline
        )
        if not (wait or inline):
            self.print_object(sync_detail(sync), options, skip=("log",))
            return
        if inline:
            from syncs.engine import run

            run(str(sync.pk), inline=True)
        else:
            self.follow(sync)
        sync.refresh_from_db()
        self.print_object(sync_detail(sync), options)
        if sync.status != SyncStatus.SUCCEEDED:
            raise CommandError(f"The sync {sync.status}: {sync.error_message or 'no detail'}")

    def follow(self, sync: Sync) -> None:
        started = time.monotonic()
        interactive = sys.stderr.isatty()
        last_line = ""
        while True:
            sync.refresh_from_db()
            line = progress_line(sync, time.monotonic() - started)
            if line != last_line:
                self.stderr.write(
                    ("\r" + line) if interactive else line,
                    style_func=self._tone(sync.status),
                    ending="" if interactive else "\n",
                )
                last_line = line
            if sync.status in FINISHED_STATUSES:
                if interactive:
                    self.stderr.write("")
                return
            time.sleep(0.5)

    def _tone(self, status: str):
        """Progress in the terminal's own colour (stderr is red by default), the end in green
        or red."""
        if status == SyncStatus.SUCCEEDED:
            return self.style.SUCCESS
        if status in FINISHED_STATUSES:
            return self.style.ERROR
        return _plain


def _plain(text: str) -> str:
    return text


def progress_line(sync: Sync, elapsed: float) -> str:
    rate = sync.progress_done / elapsed if elapsed > 0 else 0.0
    width = 30
    if sync.progress_total:
        fraction = min(1.0, sync.progress_done / sync.progress_total)
        bar = "#" * int(fraction * width)
        return (
            f"[{bar.ljust(width, '.')}] {fraction:4.0%} {sync.progress_done:,}/"
            f"{sync.progress_total:,} documents  {rate:,.0f}/s  {sync.status}"
        )
    return f"{sync.progress_done:,} documents  {rate:,.0f}/s  {sync.status}"
