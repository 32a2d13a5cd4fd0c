from tests.servers.celery_worker import celery_processes  # noqa: F401 (a fixture)
