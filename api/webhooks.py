"""Webhooks of the acting workspace: ``/v1/webhooks`` (list, create), ``/v1/webhooks/{id}`` (get,
delete) and ``/v1/webhooks/{id}/deliveries``. Owners and admin keys only (a webhook URL may hold a
receiver's token). The signing secret is in the create response only."""

from django.urls import path
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from config.api import openapi
from config.api.base import WorkspaceScopedMixin
from config.api.pagination import KeysetPagination
from config.api.strict import StrictSerializer
from config.errors import NotFound
from tenancy.permissions import MANAGE
from tenancy.selectors import as_uuid
from webhooks import services, signing
from webhooks.models import EventType, WebhookDelivery, WebhookSubscription

TAG = "Webhooks"
SIGNING_NOTE = (
    f"Each event is POSTed as JSON with `{signing.SIGNATURE_HEADER}: t=<unix seconds>,v1=<hex>`: "
    "HMAC-SHA256, keyed with the subscription's secret, of `<t>.<raw body>`. Recompute it over "
    "the bytes received, compare in constant time and refuse a `t` more than 5 minutes old "
    f"(replays). `{signing.EVENT_HEADER}` names the event type, `{signing.DELIVERY_HEADER}` the "
    "delivery (the same on every retry). Any 2xx answer within the timeout is a success; "
    "anything else is retried with doubling back-off. Redirects are not followed, and "
    "addresses on private networks are refused."
)
WEBHOOK_ID = openapi.path_id("webhook_id", "The webhook's id.")


class WebhookCreateSerializer(StrictSerializer):
    url = serializers.CharField(max_length=2000, help_text="http(s) URL receiving the events.")
    events = serializers.ListField(
        child=serializers.ChoiceField(choices=EventType.values),
        min_length=1,
        max_length=len(EventType.values),
        help_text="Event types to send.",
    )
    description = serializers.CharField(
        max_length=200, required=False, allow_blank=True, default=""
    )


class WebhookSerializer(serializers.Serializer):
    id = serializers.UUIDField()
    url = serializers.CharField()
    events = serializers.ListField(child=serializers.ChoiceField(choices=EventType.values))
    description = serializers.CharField()
    secret = serializers.SerializerMethodField(
        help_text="The signing secret's first characters, then `**********`."
    )
    created_by = serializers.CharField()
    created_at = serializers.DateTimeField()

    def get_secret(self, subscription) -> str:
        return f"{subscription.secret_hint}**********"


class WebhookCreatedSerializer(WebhookSerializer):
    secret = serializers.CharField(
        source="clear_secret", help_text="The signing secret, in full: shown this once only."
    )


class DeliverySerializer(serializers.Serializer):
    id = serializers.UUIDField()
    event_type = serializers.CharField()
    payload = serializers.DictField()
    status = serializers.ChoiceField(choices=["pending", "retrying", "succeeded", "failed"])
    attempts = serializers.IntegerField()
    response_status = serializers.IntegerField(allow_null=True)
    response_body = serializers.CharField(help_text="The start of the receiver's last answer.")
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    last_attempt_at = serializers.DateTimeField(allow_null=True)
    next_attempt_at = serializers.DateTimeField(allow_null=True)
    delivered_at = serializers.DateTimeField(allow_null=True)


@extend_schema(tags=[TAG])
@extend_schema_view(
    list=extend_schema(
        summary="List webhooks",
        description=SIGNING_NOTE,
        parameters=[openapi.WORKSPACE],
        responses={200: WebhookSerializer(many=True), **openapi.errors()},
    ),
    create=extend_schema(
        summary="Subscribe a URL to events",
        description="The answer holds the signing secret in full, once. " + SIGNING_NOTE,
        parameters=[openapi.WORKSPACE],
        request=WebhookCreateSerializer,
        responses={201: WebhookCreatedSerializer, **openapi.errors(413, 415)},
    ),
    retrieve=extend_schema(
        summary="Get a webhook",
        parameters=[WEBHOOK_ID, openapi.WORKSPACE],
        responses={200: WebhookSerializer, **openapi.errors(404)},
    ),
    destroy=extend_schema(
        summary="Delete a webhook",
        description="Stops its deliveries, and removes their record.",
        parameters=[WEBHOOK_ID, openapi.WORKSPACE],
        request=None,
        responses={204: None, **openapi.errors(404)},
    ),
    deliveries=extend_schema(
        summary="List a webhook's deliveries",
        description="Newest first, with the receiver's answers.",
        parameters=[WEBHOOK_ID, openapi.WORKSPACE],
        request=None,
        responses={200: DeliverySerializer(many=True), **openapi.errors(404)},
    ),
)
class WebhookViewSet(WorkspaceScopedMixin, viewsets.GenericViewSet):
    required_permission = MANAGE
    required_permission_message = "Only the workspace's owners and admin keys manage webhooks."
    queryset = WebhookSubscription.objects.all()
    serializer_class = WebhookSerializer
    pagination_class = KeysetPagination
    keyset_ordering = ("created_at", "id")
    lookup_url_kwarg = "webhook_id"

    def get_object(self) -> WebhookSubscription:
        pk = as_uuid(self.kwargs["webhook_id"])
        found = self.get_queryset().filter(pk=pk).first() if pk else None
        if found is None:
            raise NotFound("Webhook not found.")
        return found

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        return self.get_paginated_response(WebhookSerializer(page, many=True).data)

    # Not idempotent on purpose: a replayed answer would have to store the secret it shows.
    def create(self, request, *args, **kwargs):
        body = WebhookCreateSerializer(data=request.data)
        body.is_valid(raise_exception=True)
        subscription, secret = services.webhook_create(
            actor=self.actor, workspace=self.workspace, **body.validated_data
        )
        subscription.clear_secret = secret
        return Response(WebhookCreatedSerializer(subscription).data, status=status.HTTP_201_CREATED)

    def retrieve(self, request, *args, **kwargs):
        return Response(WebhookSerializer(self.get_object()).data)

    def destroy(self, request, *args, **kwargs):
        services.webhook_delete(actor=self.actor, subscription=self.get_object())
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=True, methods=["get"])
    def deliveries(self, request, *args, **kwargs):
        subscription = self.get_object()
        self.keyset_ordering = ("-created_at", "-id")
        page = self.paginate_queryset(WebhookDelivery.objects.filter(subscription=subscription))
        return self.get_paginated_response(DeliverySerializer(page, many=True).data)


urlpatterns = [
    path(
        "v1/webhooks",
        WebhookViewSet.as_view({"get": "list", "post": "create"}),
        name="webhook-list",
    ),
    path(
        "v1/webhooks/<str:webhook_id>",
        WebhookViewSet.as_view({"get": "retrieve", "delete": "destroy"}),
        name="webhook-detail",
    ),
    path(
        "v1/webhooks/<str:webhook_id>/deliveries",
        WebhookViewSet.as_view({"get": "deliveries"}),
        name="webhook-deliveries",
    ),
]
