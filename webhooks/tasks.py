from celery import shared_task


@shared_task(name="webhooks.tasks.deliver_webhook", bind=True, max_retries=None)
def deliver_webhook(self, delivery_id: str) -> None:
    """Send one delivery; a failed attempt is retried by Celery after the recorded back-off
    (the delivery row counts the attempts and gives up after the configured number)."""
    from webhooks.delivery import attempt

    wait = attempt(delivery_id)
    if wait is not None:
        raise self.retry(countdown=wait)
