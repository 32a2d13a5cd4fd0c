"""Running a kind's ``check()`` against the real system, in a worker or (for unsaved values) in
the web process, bounded by a timeout, with secrets scrubbed from whatever the source says."""

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from connectors.lifecycle import State
from connectors.models import Connector
from registry.schema import secrets
from registry.sources.base import SourceError
from registry.sources.installed import implementation

CHECK_TIMEOUT_SECONDS = 60


def run_check(definition, config: dict, *, timeout: float = CHECK_TIMEOUT_SECONDS) -> str | None:
    """None when the source answers as configured, else a message a person can act on."""
    layout = secrets.secret_layout(definition.ui_spec)
    reader = implementation(definition.implementation)(config)
    pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="check")
    try:
        pool.submit(reader.check).result(timeout=timeout)
    except FutureTimeout:
        return f"The source did not answer within {timeout:g} seconds."
    except SourceError as error:
        return secrets.redact(error.message, secrets.secret_values(layout, config))
    except Exception as error:  # a driver's own error: report its kind, not a stack trace
        detail = secrets.redact(str(error), secrets.secret_values(layout, config))
        return f"{type(error).__name__}: {detail}"[:1000]
    finally:
        pool.shutdown(wait=False)
        try:
            reader.close()
        except Exception:
            pass
    return None


def resend_lost_checks(*, now=None) -> int:
    """Checks lost with their worker: a connector still starting ``CONNECTOR_HUB_CHECK_LOST_AFTER``
    seconds after its check was sent gets the same check (same token) sent again; a check that
    was only slow makes the second one a no-op. How many were sent."""
    from connectors.tasks import check_connector

    now = now or timezone.now()
    cutoff = now - timedelta(seconds=settings.CONNECTOR_HUB_CHECK_LOST_AFTER)
    stalled = Connector.objects.filter(
        state=State.STARTING, check_token__isnull=False, state_changed_at__lt=cutoff
    ).values_list("pk", "check_token")
    sent = 0
    for connector_id, token in stalled:
        with transaction.atomic():
            # The time of the last sending: the next one waits as long again.
            if Connector.objects.filter(
                pk=connector_id, state=State.STARTING, check_token=token
            ).update(state_changed_at=now):
                sent += 1
                transaction.on_commit(
                    lambda c=str(connector_id), t=str(token): check_connector.delay(c, t)
                )
    return sent
