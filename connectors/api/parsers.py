"""Request bodies: JSON only, bounded in size, and readable on GET (the live-source API sends its
parameters as a JSON body even on GET)."""

from django.conf import settings
from rest_framework import exceptions, status
from rest_framework.parsers import JSONParser


class RequestTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_code = "request_too_large"


def max_body_bytes() -> int:
    return settings.DATA_UPLOAD_MAX_MEMORY_SIZE


class BoundedJSONParser(JSONParser):
    """JSON bodies up to ``CONNECTOR_HUB_MAX_BODY_BYTES`` (413 beyond), malformed ones a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        request = (parser_context or {}).get("request")
        if request is not None:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > max_body_bytes():
                raise RequestTooLarge(
                    f"The request body is larger than the limit of {max_body_bytes()} bytes."
                )
        try:
            return super().parse(stream, media_type, parser_context)
        except exceptions.ParseError:
            raise exceptions.ParseError("Malformed JSON in the request body.") from None


def body_and_query_params(request) -> dict:
    """The parameters of a GET or DELETE: the query string, overlaid by a JSON object body."""
    params = {key: request.query_params.get(key) for key in request.query_params}
    body = request.data
    if body and not isinstance(body, dict):
        raise exceptions.ValidationError({"non_field_errors": ["The body must be a JSON object."]})
    params.update(body or {})
    return params
