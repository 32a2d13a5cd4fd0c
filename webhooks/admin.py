"""Webhooks in the admin: subscriptions (made and deleted through the services, the secret shown
once) and their deliveries with the receivers' answers, read-only."""

from django import forms
from django.contrib import admin, messages

from config.errors import DomainError
from webhooks import services
from webhooks.models import EventType, WebhookDelivery, WebhookSubscription


class SubscriptionForm(forms.ModelForm):
    url = forms.URLField(max_length=2000, assume_scheme="https")
    events = forms.MultipleChoiceField(
        choices=EventType.choices, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = WebhookSubscription
        fields = ["workspace", "url", "events", "description"]


class DeliveryInline(admin.TabularInline):
    model = WebhookDelivery
    extra = 0
    fields = ["created_at", "event_type", "status", "attempts", "response_status", "error"]
    readonly_fields = fields
    ordering = ["-created_at"]
    show_change_link = True
    max_num = 0

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(WebhookSubscription)
class WebhookSubscriptionAdmin(admin.ModelAdmin):
    form = SubscriptionForm
    list_display = ["url", "workspace", "events", "secret_shown", "created_by", "created_at"]
    list_filter = ["workspace"]
    search_fields = ["url", "description"]
    inlines = [DeliveryInline]

    @admin.display(description="Secret")
    def secret_shown(self, obj):
        return f"{obj.secret_hint}**********"

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["workspace", "url", "events", "description", "secret_shown", "created_by"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["workspace", "url", "events", "description"]
        return ["workspace", "url", "events", "description", "secret_shown", "created_by"]

    def get_form(self, request, obj=None, **kwargs):
        if obj is not None:
            kwargs["form"] = forms.ModelForm
        return super().get_form(request, obj, **kwargs)

    def save_model(self, request, obj, form, change):
        if change:
            return
        try:
            created, secret = services.webhook_create(
                actor=request.user,
                workspace=obj.workspace,
                url=obj.url,
                events=form.cleaned_data["events"],
                description=obj.description,
            )
        except DomainError as error:
            self.message_user(request, error.message, messages.ERROR)
            return
        obj.pk = created.pk
        self.message_user(
            request,
            f"The signing secret of this webhook is: {secret} — copy it now, it will not be "
            "shown again.",
            messages.WARNING,
        )

    def delete_model(self, request, obj):
        services.webhook_delete(actor=request.user, subscription=obj)

    def delete_queryset(self, request, queryset):
        for subscription in queryset:
            services.webhook_delete(actor=request.user, subscription=subscription)


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_type",
        "subscription",
        "status",
        "attempts",
        "response_status",
    ]
    list_filter = ["status", "event_type"]
    list_select_related = ["subscription"]
    readonly_fields = [
        "subscription",
        "event_type",
        "payload",
        "status",
        "attempts",
        "response_status",
        "response_body",
        "error",
        "created_at",
        "last_attempt_at",
        "next_attempt_at",
        "delivered_at",
    ]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
