"""A quicker ``to_representation`` for the read serializers of long lists.

DRF dispatches every field of every row through ``get_attribute`` (with its error handling) and
``to_representation``; on a list of 200 connectors that is most of the request. ``FastRead``
compiles, once per serializer instance (a list reuses its child), how to read and convert each
declared field, and then builds each row with plain reads. The declared fields stay the only
description of the output: the OpenAPI schema and the answers come from the same declarations,
and a field this module does not know is converted by its own ``to_representation``.

A serializer shows either model instances (``source`` paths of attributes) or plain rows from
``config.rows`` (dicts keyed by the ``source`` path itself, date-times as UTC ISO text).
"""

import datetime
from operator import attrgetter, itemgetter

from django.conf import settings
from django.utils import timezone
from rest_framework import ISO_8601, fields, serializers
from rest_framework.settings import api_settings

_UTC_NAMES = frozenset({"UTC", "Etc/UTC", "Etc/UCT", "UCT", "Etc/Zulu", "Zulu", "Universal"})


def _identity(value):
    return value


def _related(source: str):
    attributes = source.split(".")
    return lambda instance: fields.get_attribute(instance, attributes)


def shows_utc() -> bool:
    """Whether DRF writes date-times as ISO 8601 in UTC (``...Z``) in the current request."""
    if not settings.USE_TZ or api_settings.DATETIME_FORMAT.lower() != ISO_8601:
        return False
    zone = timezone.get_current_timezone()
    return zone is datetime.UTC or str(zone) in _UTC_NAMES


def datetime_text(field: serializers.DateTimeField, utc: bool):
    """How a date-time field shows a value read as ``config.rows`` text (or a datetime):
    exactly as ``field.to_representation`` would show the datetime. ``utc``: ``shows_utc()``."""
    if not utc or hasattr(field, "format") or hasattr(field, "timezone"):

        def convert(value):
            if isinstance(value, str):
                value = datetime.datetime.fromisoformat(value)
            return field.to_representation(value)

        return convert

    def utc_text(value):
        if type(value) is not str:
            if type(value) is datetime.datetime and value.tzinfo is not None:
                # field.to_representation's result, without its per-call timezone lookups.
                return value.astimezone(datetime.UTC).isoformat()[:-6] + "Z"
            return field.to_representation(value)
        # "YYYY-MM-DDTHH:MM:SS[.ffffff]+00:00": isoformat() leaves out zero microseconds.
        body = value[:-6]
        if body.endswith(".000000"):
            body = body[:-7]
        return body + "Z"

    return utc_text


def isoformat(value) -> str | None:
    """``datetime.isoformat()`` of a date-time read as ``config.rows`` text (or a datetime),
    without parsing the text."""
    if type(value) is not str:
        return None if value is None else value.isoformat()
    body, offset = value[:-6], value[-6:]
    if body.endswith(".000000"):
        body = body[:-7]
    return body + offset


def _converter(field, utc: bool):
    if isinstance(field, serializers.UUIDField) and field.uuid_format == "hex_verbose":
        return str
    if type(field) is serializers.CharField:
        return str
    if type(field) is serializers.IntegerField:
        return int
    if isinstance(field, serializers.DateTimeField):
        return datetime_text(field, utc)
    if isinstance(field, FastRead):
        return lambda value: field.represent(value, utc)
    return field.to_representation


_PLANS: dict[tuple[type, bool, bool], list] = {}


class FastListSerializer(serializers.ListSerializer):
    """A list of ``FastRead`` rows: the time zone is looked at once for the whole list."""

    def to_representation(self, data):
        self.child.__dict__["_shows_utc"] = shows_utc()
        return super().to_representation(data)


# Mix into a ``serializers.Serializer`` whose instances are model objects or rows.
#
# The plan is worked out once per serializer class from its declared fields, without the copy
# DRF makes of them for each serializer instance: methods of ``SerializerMethodField`` get the
# serializer and the object, and must not depend on the serializer's state (its ``context``
# included). A comment, not a docstring: drf-spectacular describes a serializer by the first
# docstring of its classes, and this one would describe every schema that has none of its own.
class FastRead:
    class Meta:
        list_serializer_class = FastListSerializer

    @classmethod
    def _read_plan(cls, rows: bool, utc: bool):
        plan = _PLANS.get((cls, rows, utc))
        if plan is None:
            plan = []
            read = itemgetter if rows else attrgetter
            for name, field in cls._declared_fields.items():
                if field.write_only:
                    continue
                if isinstance(field, serializers.SerializerMethodField):
                    method = getattr(cls, field.method_name or f"get_{name}")
                    plan.append((name, method, None, True))
                    continue
                source = field.source or name
                if source == "*":
                    getter = _identity
                elif isinstance(field, serializers.BaseSerializer) and not rows:
                    getter = _related(source)  # nested: DRF resolves managers and callables
                else:
                    getter = read(source)
                plan.append((name, getter, _converter(field, utc), False))
            _PLANS[(cls, rows, utc)] = plan
        return plan

    def to_representation(self, instance):
        utc = self.__dict__.get("_shows_utc")
        return self.represent(instance, shows_utc() if utc is None else utc)

    def represent(self, instance, utc: bool) -> dict:
        row = {}
        for name, getter, convert, is_method in self._read_plan(type(instance) is dict, utc):
            if is_method:
                row[name] = getter(self, instance)
                continue
            value = getter(instance)
            row[name] = None if value is None else convert(value)
        return row
