"""Security headers on every response, the Content-Security-Policy first.

The policy allows scripts, styles, fonts and fetches from this origin only: no inline script,
no inline style, no ``eval``, no framing, no plugins, forms posting only here. Pages keep to it
by loading their code from static files (data attributes instead of inline handlers); the
admin, Swagger UI (split view) and Redoc (sidecar assets) work under it. Images may also be
``data:`` URLs (connector icons, Swagger UI's own). ``CONNECTOR_HUB_CSP_REPORT_ONLY=true``
sends it as ``Content-Security-Policy-Report-Only`` instead, to try a change without breaking
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


def policy_header() -> str:
    return "; ".join(f"{name} {' '.join(sources)}" for name, sources in POLICY.items())


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
        response.headers.setdefault(self.header, self.policy)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        response.headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        return response
