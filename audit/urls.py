"""Route of the audit trail page (namespace ``audit``)."""

from django.urls import path

from audit import views

app_name = "audit"

urlpatterns = [
    path("w/<slug:workspace_slug>/audit/", views.entry_list, name="entry_list"),
]
