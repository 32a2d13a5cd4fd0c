from django.apps import AppConfig


class SyncsConfig(AppConfig):
    name = "syncs"
    verbose_name = "Syncs"

    def ready(self):
        from syncs import receivers  # noqa: F401 (connects them)
        from syncs.views import connector_pages  # noqa: F401 (adds its parts to the pages)
