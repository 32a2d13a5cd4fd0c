"""Serializer fields every family uses to show a connector: its config with secrets masked, its
schedule, its collections. They show connector rows (``selectors.connector_columns``) as well as
model instances."""

from functools import lru_cache

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from config.api.fast import FastRead
from config.rows import as_datetime
from connectors import credentials, schedules
from connectors.models import Connector


def masked_config_of(connector) -> dict:
    """The masked config of a connector row or instance."""
    if type(connector) is not dict:
        return credentials.masked_config(connector)
    masked = connector["masked_config"]
    if masked is None:  # a row written before the view was stored
        instance = Connector.objects.select_related("definition", "credential").get(
            pk=connector["id"]
        )
        masked = connector["masked_config"] = credentials.masked_config(instance)
    return masked


def schedule_of(connector) -> schedules.Schedule:
    """The schedule of a connector row or instance."""
    if type(connector) is not dict:
        return schedules.schedule_of(connector)
    return schedules.Schedule(
        connector["schedule_type"],
        cron=connector["schedule_cron"],
        timezone=connector["schedule_timezone"],
        at=as_datetime(connector["schedule_at"]),
    )


@lru_cache(maxsize=1024)
def _description(schedule: schedules.Schedule) -> str:
    return schedules.describe(schedule)


@extend_schema_field(
    {
        "type": "object",
        "additionalProperties": True,
        "description": "The connector's config; secret values show as `**********`.",
    }
)
class MaskedConfigField(serializers.Field):
    """A connector's config with every secret leaf masked (use with ``source="*"``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, connector):
        return masked_config_of(connector)


class ScheduleSerializer(FastRead, serializers.Serializer):
    type = serializers.CharField(source="schedule_type")
    cron = serializers.CharField(source="schedule_cron")
    timezone = serializers.CharField(source="schedule_timezone")
    at = serializers.DateTimeField(source="schedule_at", allow_null=True)
    description = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.STR)
    def get_description(self, connector) -> str:
        return _description(schedule_of(connector))


@extend_schema_field({"type": "array", "items": {"type": "string", "format": "uuid"}})
class CollectionIdsField(serializers.Field):
    """Ids of the collections a connector is associated with (a row's ``collections``, see
    ``selectors.connector_columns``)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("source", "*")
        kwargs["read_only"] = True
        super().__init__(**kwargs)

    def to_representation(self, connector):
        if type(connector) is dict:
            return connector["collections"]
        return [str(link.collection_id) for link in connector.associations.all()]
