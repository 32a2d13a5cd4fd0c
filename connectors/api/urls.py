"""Every API family's routes; each family module owns its own paths."""

urlpatterns = []
