"""Table values as JSON: a row as a document's content, its primary key as a document id, and the
keyset cursor's parts (JSON that decodes back to the same Python types)."""

import base64
import datetime as dt
import decimal
import json
import uuid

import orjson


def _decimal_text(value: decimal.Decimal) -> str:
    """Every digit, without an exponent: as PostgreSQL writes a numeric."""
    return format(value, "f")


def json_value(value):
    """A database value as JSON: dates as ISO strings, decimals as exact strings, bytes base64."""
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return _decimal_text(value)
    if isinstance(value, uuid.UUID):
        return str(value)
    if isinstance(value, dt.timedelta):
        return value.total_seconds()
    if isinstance(value, bytes | bytearray | memoryview):
        return base64.b64encode(bytes(value)).decode("ascii")
    if isinstance(value, set):
        return sorted(value)
    return str(value)


def encode_key_part(value) -> dict:
    """A keyset value as JSON that decodes back to the same Python type (the cursor is JSON)."""
    if isinstance(value, dt.datetime):
        return {"t": "datetime", "v": value.isoformat()}
    if isinstance(value, dt.date):
        return {"t": "date", "v": value.isoformat()}
    if isinstance(value, decimal.Decimal):
        return {"t": "decimal", "v": str(value)}
    if isinstance(value, uuid.UUID):
        return {"t": "uuid", "v": str(value)}
    if isinstance(value, bool | int | float | str):
        return {"t": "plain", "v": value}
    if isinstance(value, bytes | bytearray | memoryview):
        return {"t": "bytes", "v": base64.b64encode(bytes(value)).decode("ascii")}
    return {"t": "plain", "v": str(value)}


def decode_key_part(part: dict):
    kind, value = part.get("t"), part.get("v")
    if kind == "datetime":
        return dt.datetime.fromisoformat(value)
    if kind == "date":
        return dt.date.fromisoformat(value)
    if kind == "decimal":
        return decimal.Decimal(value)
    if kind == "uuid":
        return uuid.UUID(value)
    if kind == "bytes":
        return base64.b64decode(value)
    return value


# The types a table's rows hold most (orjson calls back for each value it cannot encode itself).
_TEXT_TYPES = {decimal.Decimal: _decimal_text, uuid.UUID: str}


def _json_default(value):
    as_text = _TEXT_TYPES.get(value.__class__)
    return as_text(value) if as_text is not None else json_value(value)


def row_json(row: dict) -> bytes:
    """A row as JSON (orjson; types it does not know through ``json_value``)."""
    try:
        return orjson.dumps(row, default=_json_default)
    except TypeError:  # an integer beyond 64 bits
        return json.dumps(row, default=json_value, ensure_ascii=False).encode()


def external_id_of(values: list) -> str:
    """The document id of a row from its primary-key values."""
    if len(values) == 1:
        value = values[0]
        if isinstance(value, str):
            return value
        return str(value) if type(value) is int else json_value(value)
    return json.dumps(values, default=json_value, ensure_ascii=False)
