"""Webhook pages of a workspace, for its owners: subscribe a URL to events (the signing secret is
shown in that answer only), list, delete, and each webhook's deliveries with the receivers'
answers. Every write goes through ``webhooks.services``."""

from django.shortcuts import redirect

from config.errors import InvalidInput
from config.pages.base import MANAGE, add_errors, attempt, error_summary, page, workspace_page
from config.pages.paging import keyset_page
from webhooks import selectors, services, signing
from webhooks.forms import WebhookForm

DELIVERIES_PER_PAGE = 25


def _signing():
    return {
        "signature_header": signing.SIGNATURE_HEADER,
        "event_header": signing.EVENT_HEADER,
        "delivery_header": signing.DELIVERY_HEADER,
    }


@workspace_page(MANAGE)
def webhook_list(request):
    form = WebhookForm(request.POST or None)
    created = None
    if request.method == "POST" and form.is_valid():
        try:
            subscription, secret = services.webhook_create(
                actor=request.user,
                workspace=request.workspace,
                url=form.cleaned_data["url"],
                events=form.cleaned_data["events"],
                description=form.cleaned_data["description"],
            )
        except InvalidInput as error:
            add_errors(error, form)
        else:
            created = {"webhook": subscription, "secret": secret}
            form = WebhookForm()
    return page(
        request,
        "webhooks/list.html",
        {
            "section": "webhooks",
            "webhooks": selectors.webhooks_of(request.workspace),
            "form": form,
            "created": created,
            "errors": error_summary(form),
            **_signing(),
        },
        status=400 if form.errors else 200,
        shows_secret=created is not None,
    )


@workspace_page(MANAGE)
def webhook_detail(request, webhook_id):
    webhook = selectors.webhook_in(request.workspace, webhook_id)
    deliveries, pager = keyset_page(
        selectors.deliveries_of(webhook), request, DELIVERIES_PER_PAGE, key=("created_at", "id")
    )
    return page(
        request,
        "webhooks/detail.html",
        {"section": "webhooks", "webhook": webhook, "deliveries": deliveries, "pager": pager},
    )


@workspace_page(MANAGE)
def webhook_delete(request, webhook_id):
    webhook = selectors.webhook_in(request.workspace, webhook_id)
    if request.method == "POST":
        attempt(
            request,
            lambda: services.webhook_delete(actor=request.user, subscription=webhook),
            f"The webhook to {services.shown_url(webhook.url)} is deleted, with its deliveries.",
        )
        return redirect("webhooks:list", request.workspace.slug)
    return page(
        request,
        "webhooks/confirm_delete.html",
        {
            "section": "webhooks",
            "webhook": webhook,
            "delivery_count": selectors.deliveries_of(webhook).count(),
        },
    )
