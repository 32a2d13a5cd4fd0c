"""Not found and not allowed, in the pages' layout (workspace navigation included). Under an
API's prefix a 404 is that API's JSON instead (``config.urls.not_found``)."""

from config.pages.base import page


def not_found(request, exception=None):
    return page(request, "404.html", status=404)


def forbidden(request, exception=None):
    message = str(exception) if exception and str(exception) else ""
    return page(request, "403.html", {"message": message}, status=403)
