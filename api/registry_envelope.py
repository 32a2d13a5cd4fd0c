"""The registry API's (002, Obsrv v2) response envelope and the serializers that document it.

Success: ``{id, ver: "v2", ts, params: {status: "SUCCESS", msgid?, resmsgid}, responseCode: "OK",
result}``. Error: ``params.status: "FAILED"``, ``responseCode`` the HTTP error name, ``result: {}``
and ``error: {code, message}``.
"""

import uuid
from datetime import UTC
from http import HTTPStatus

from django.utils import timezone
from rest_framework import serializers
from rest_framework.response import Response

from registry.models import ConnectorDefinition, DefinitionStatus


def _timestamp() -> str:
    return timezone.localtime().isoformat(timespec="seconds")


def _params(status: str, msgid: str | None) -> dict:
    params = {"status": status}
    if msgid:
        params["msgid"] = msgid
    params["resmsgid"] = str(uuid.uuid4())
    return params


def success(api_id: str, result: dict, *, msgid: str | None = None, status: int = 200) -> Response:
    body = {
        "id": api_id,
        "ver": "v2",
        "ts": _timestamp(),
        "params": _params("SUCCESS", msgid),
        "responseCode": "OK",
        "result": result,
    }
    return Response(body, status=status)


def response_code(status: int) -> str:
    """``NOT_FOUND`` for 404, ``BAD_REQUEST`` for 400, ..."""
    try:
        return HTTPStatus(status).name
    except ValueError:
        return "INTERNAL_SERVER_ERROR"


def failure(
    api_id: str, status: int, code: str, message: str, *, msgid: str | None = None, headers=None
) -> Response:
    body = failure_body(api_id, status, code, message, msgid=msgid)
    return Response(body, status=status, headers=headers)


def failure_body(api_id: str, status: int, code: str, message: str, *, msgid=None) -> dict:
    return {
        "id": api_id,
        "ver": "v2",
        "ts": _timestamp(),
        "params": _params("FAILED", msgid),
        "responseCode": response_code(status),
        "result": {},
        "error": {"code": code, "message": message},
    }


# -- serializers: the output of read and list, and the documented shapes --------------------------


class RegistryDateTimeField(serializers.DateTimeField):
    """``2024-06-25T04:38:28.732Z``, as the registry writes its dates."""

    def to_representation(self, value):
        if value is None:
            return None
        value = value.astimezone(UTC) if timezone.is_aware(value) else value
        return value.strftime("%Y-%m-%dT%H:%M:%S.") + f"{value.microsecond // 1000:03d}Z"


class DefinitionRowSerializer(serializers.ModelSerializer):
    """A registry entry as ``list`` returns it (no ui_spec)."""

    id = serializers.CharField(source="registry_id", help_text="`<connector_id>-<version>`.")
    iconurl = serializers.CharField(
        source="icon", help_text="An icon URL, or the packaged icon as a data URL."
    )
    status = serializers.ChoiceField(choices=DefinitionStatus.choices)
    created_date = RegistryDateTimeField()
    updated_date = RegistryDateTimeField()
    live_date = RegistryDateTimeField(allow_null=True)

    class Meta:
        model = ConnectorDefinition
        fields = [
            "id",
            "connector_id",
            "name",
            "type",
            "category",
            "version",
            "description",
            "technology",
            "runtime",
            "licence",
            "owner",
            "iconurl",
            "status",
            "created_by",
            "updated_by",
            "created_date",
            "updated_date",
            "live_date",
        ]
        read_only_fields = fields
        ref_name = "RegistryDefinitionRow"


class DefinitionSerializer(DefinitionRowSerializer):
    """A registry entry as ``read`` returns it, with its ui_spec verbatim."""

    ui_spec = serializers.JSONField(
        help_text='`{"schema": <JSON Schema of the config>, "properties": <UI hints>}`.'
    )

    class Meta(DefinitionRowSerializer.Meta):
        fields = [
            *DefinitionRowSerializer.Meta.fields[:13],
            "ui_spec",
            *DefinitionRowSerializer.Meta.fields[13:],
        ]
        read_only_fields = fields
        ref_name = "RegistryDefinition"


class RegistryParamsSerializer(serializers.Serializer):
    status = serializers.CharField(help_text="`SUCCESS` or `FAILED`.")
    msgid = serializers.CharField(required=False, help_text="Echoed from the request.")
    resmsgid = serializers.UUIDField()


def _envelope(name: str, result, api_id: str):
    return type(
        name,
        (serializers.Serializer,),
        {
            "id": serializers.CharField(help_text=f"`{api_id}`"),
            "ver": serializers.CharField(help_text="`v2`"),
            "ts": serializers.CharField(help_text="ISO-8601 with offset."),
            "params": RegistryParamsSerializer(),
            "responseCode": serializers.CharField(help_text="`OK`"),
            "result": result,
        },
    )


class RegistryListResultSerializer(serializers.Serializer):
    data = DefinitionRowSerializer(many=True)
    count = serializers.IntegerField()


class RegistryRegisteredSerializer(serializers.Serializer):
    id = serializers.CharField()
    status = serializers.CharField()


class RegistryRegisterResultSerializer(serializers.Serializer):
    message = serializers.CharField(help_text="`connector registered successfully.`")
    connectors = RegistryRegisteredSerializer(many=True)


ReadEnvelope = _envelope("RegistryReadResponse", DefinitionSerializer(), "api.connectors.read")
ListEnvelope = _envelope(
    "RegistryListResponse", RegistryListResultSerializer(), "api.connectors.list"
)
RegisterEnvelope = _envelope(
    "RegistryRegisterResponse", RegistryRegisterResultSerializer(), "api.connector.register"
)


class RegistryErrorSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="e.g. `CONNECTOR_NOT_FOUND`.")
    message = serializers.CharField()


class ErrorEnvelope(serializers.Serializer):
    id = serializers.CharField()
    ver = serializers.CharField()
    ts = serializers.CharField()
    params = RegistryParamsSerializer()
    responseCode = serializers.CharField(help_text="`BAD_REQUEST`, `NOT_FOUND`, ...")
    result = serializers.DictField(help_text="Always `{}`.")
    error = RegistryErrorSerializer()

    class Meta:
        ref_name = "RegistryErrorResponse"


class RegistryListFiltersSerializer(serializers.Serializer):
    status = serializers.ListField(
        child=serializers.ChoiceField(choices=DefinitionStatus.choices), required=False
    )
    category = serializers.ListField(child=serializers.CharField(), required=False)


class RegistryListQuerySerializer(serializers.Serializer):
    filters = RegistryListFiltersSerializer(required=False)


class RegistryListParamsSerializer(serializers.Serializer):
    msgid = serializers.CharField(required=False)


class ListRequest(serializers.Serializer):
    """The documented list body; every part is optional (no body lists everything)."""

    id = serializers.CharField(required=False, help_text="`api.connectors.list`")
    ver = serializers.CharField(required=False)
    ts = serializers.CharField(required=False)
    params = RegistryListParamsSerializer(required=False)
    request = RegistryListQuerySerializer(required=False)

    class Meta:
        ref_name = "RegistryListRequest"


class RegisterRequest(serializers.Serializer):
    file = serializers.FileField(
        help_text="The distribution file (.zip, .tar, .tar.gz, .tgz); any field name is accepted, "
        "exactly one file."
    )
    status = serializers.CharField(
        required=False, help_text="`Live` (default) or `Draft` (registers without publishing)."
    )

    class Meta:
        ref_name = "RegistryRegisterRequest"
