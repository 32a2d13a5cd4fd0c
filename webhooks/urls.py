"""Routes of the webhook pages (namespace ``webhooks``)."""

from django.urls import path

from webhooks import views

app_name = "webhooks"
W = "w/<slug:workspace_slug>/webhooks/"

urlpatterns = [
    path(W, views.webhook_list, name="list"),
    path(W + "<uuid:webhook_id>/", views.webhook_detail, name="detail"),
    path(W + "<uuid:webhook_id>/delete/", views.webhook_delete, name="delete"),
]
