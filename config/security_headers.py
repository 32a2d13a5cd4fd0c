"""Security headers on every response, the Content-Security-Policy first.

The policy allows scripts, styles, fonts and fetches from this origin only: no inline script,
no inline style, no ``eval``, no framing, no plugins, forms posting only here. Pages keep to it
by loading their code from static files (data attributes instead of inline handlers); the
admin and Swagger UI (split view, sidecar assets) work under it. Images may also be ``data:``
URLs (connector icons, Swagger UI's own). ``CONNECTOR_HUB_CSP_REPORT_ONLY=true`` sends it as ``Content-Security-Policy-Report-Only`` instead, to try a change without breaking
anything. Django's own middleware already sends ``X-Content-Type-Options``, ``Referrer-Policy``,
``Cross-Origin-Opener-Policy`` and ``X-Frame-Options``.
"""

from django.conf import settings

POLICY = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


def policy_header(**overrides: list[str]) -> str:
    """The policy as a header value; ``overrides`` replace whole directives
    (``style_src=[...]`` for ``style-src``)."""
    policy = {**POLICY, **{name.replace("_", "-"): value for name, value in overrides.items()}}
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in policy.items())


class SecurityHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.header = (
            "Content-Security-Policy-Report-Only"
            if settings.CONNECTOR_HUB_CSP_REPORT_ONLY
            else "Content-Security-Policy"
        )
        self.policy = policy_header()

    def __call__(self, request):
        response = self.get_response(request)
        # A view may have set its own (relaxed) policy: keep it, under the header in use.
        policy = response.headers.get("Content-Security-Policy") or self.policy
        if "Content-Security-Policy" in response.headers:
            del response.headers["Content-Security-Policy"]
        response.headers[self.header] = policy
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
