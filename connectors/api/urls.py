"""Every API family's routes; each family module owns its own paths."""

urlpatterns = []

from connectors.api import uploads  # noqa: E402

urlpatterns += uploads.urlpatterns
