"""Running a kind's ``check()`` against the real system, in a worker or (for unsaved values) in
the web process, bounded by a timeout, with secrets scrubbed from whatever the source says."""

from concurrent.futures import ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout

from connectors.schema import secrets
from connectors.sources.base import SourceError
from connectors.sources.registry import implementation

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
