"""Request bodies: JSON only, and readable on GET (the live-source API sends its parameters as a
JSON body even on GET). Bodies over ``CONNECTOR_HUB_MAX_BODY_BYTES`` are refused by Django while
they are read (a 413, see ``config.api.errors``)."""

from rest_framework import exceptions
from rest_framework.parsers import JSONParser

#: Deeper bodies are refused: no config needs more, and every later step (validation, masking,
#: copies) stays far from Python's recursion limit.
MAX_JSON_DEPTH = 64


def nesting_depth(value) -> int:
    """How deeply arrays and objects nest in ``value`` (without recursion)."""
    deepest, pending = 0, [(value, 1)]
    while pending:
        node, depth = pending.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, depth)
            if depth > MAX_JSON_DEPTH:
                break
            children = node.values() if isinstance(node, dict) else node
            pending.extend((child, depth + 1) for child in children)
    return deepest


class BoundedJSONParser(JSONParser):
    """JSON bodies; a malformed one, or one nested more than ``MAX_JSON_DEPTH`` levels, is a 400."""

    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except exceptions.ParseError:
            raise exceptions.ParseError("Malformed JSON in the request body.") from None
        except RecursionError:
            raise exceptions.ParseError("JSON nested too deeply.") from None
        if nesting_depth(data) > MAX_JSON_DEPTH:
            raise exceptions.ParseError(
                f"JSON nested too deeply (more than {MAX_JSON_DEPTH} levels)."
            )
        return data


def body_and_query_params(request) -> dict:
    """The parameters of a GET or DELETE: the query string, overlaid by a JSON object body."""
    params = {key: request.query_params.get(key) for key in request.query_params}
    body = request.data
    if body and not isinstance(body, dict):
        raise exceptions.ValidationError({"non_field_errors": ["The body must be a JSON object."]})
    params.update(body or {})
    return params
