"""The JSON of the change feed, for the API and ``export_documents`` alike: orjson (pages of a
thousand documents with their text are mostly encoding), in the API's format (UTC date-times
ending in ``Z``, uuids as strings); anything else through DRF's encoder."""

import orjson
from rest_framework.renderers import JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

_fallback = JSONEncoder().default


def dumps(value) -> bytes:
    return orjson.dumps(value, default=_fallback, option=orjson.OPT_UTC_Z)


class FeedJSONRenderer(JSONRenderer):
    def render(self, data, accepted_media_type=None, renderer_context=None):
        return b"" if data is None else dumps(data)
