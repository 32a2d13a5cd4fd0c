"""JSON answers written by orjson: the bytes DRF's ``JSONRenderer`` writes (compact, UTF-8,
``\\u2028``/``\\u2029`` escaped, date-times as ISO 8601 with ``Z`` for UTC, uuids as text), several
times quicker on long lists. What orjson cannot write (an integer past 64 bits, a key that is
not a string) and indented answers (``Accept: application/json; indent=4``) go through DRF's
renderer, as do types orjson does not know, through DRF's encoder.

An answer may hold ``RawJson``: JSON text the database wrote, copied into the answer as it is."""

import json

import orjson
from rest_framework import renderers
from rest_framework.utils import encoders


class RawJson:
    """A value given as its JSON text, written into an answer without being decoded."""

    __slots__ = ("text",)

    def __init__(self, text: str | bytes):
        self.text = text


class JSONEncoder(encoders.JSONEncoder):
    def default(self, obj):
        if isinstance(obj, RawJson):
            return json.loads(obj.text)
        return super().default(obj)


_encode = JSONEncoder().default


def _default(obj):
    if type(obj) is RawJson:
        return orjson.Fragment(obj.text)
    return _encode(obj)


_LINE_SEPARATOR, _PARAGRAPH_SEPARATOR = "\u2028".encode(), "\u2029".encode()


class JSONRenderer(renderers.JSONRenderer):
    encoder_class = JSONEncoder

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if (
            self.ensure_ascii
            or not self.compact
            or self.get_indent(accepted_media_type, renderer_context or {}) is not None
        ):
            return super().render(data, accepted_media_type, renderer_context)
        try:
            rendered = orjson.dumps(data, default=_default, option=orjson.OPT_UTC_Z)
        except (orjson.JSONEncodeError, TypeError):
            return super().render(data, accepted_media_type, renderer_context)
        if _LINE_SEPARATOR in rendered or _PARAGRAPH_SEPARATOR in rendered:
            rendered = rendered.replace(_LINE_SEPARATOR, b"\\u2028").replace(
                _PARAGRAPH_SEPARATOR, b"\\u2029"
            )
        return rendered
