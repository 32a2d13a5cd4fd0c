"""ui_specs the schema code is tested on, besides the built-in kinds."""

import json
from pathlib import Path

#: The ui_spec of the registry document's read example, verbatim.
REGISTRY_002 = json.loads(
    (Path(__file__).parent / "data" / "registry_002_ui_spec.json").read_text()
)

#: An Airbyte-dialect Draft-7 spec: oneOf auth choices told apart by a const, order, group,
#: airbyte_secret, examples, arrays, and a free-form map that only JSON can edit.
AIRBYTE = {
    "schema": {
        "$schema": "http://json-schema.org/draft-07/schema#",
        "title": "Issues Source Spec",
        "type": "object",
        "required": ["credentials", "repositories"],
        "groups": [
            {"id": "auth", "title": "Authentication"},
            {"id": "advanced", "title": "Advanced"},
        ],
        "properties": {
            "start_date": {
                "type": "string",
                "title": "Start date",
                "format": "date-time",
                "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z$",
                "examples": ["2021-03-01T00:00:00Z"],
                "order": 2,
            },
            "credentials": {
                "title": "Authentication",
                "type": "object",
                "order": 0,
                "group": "auth",
                "oneOf": [
                    {
                        "title": "OAuth",
                        "type": "object",
                        "required": ["option_title", "client_id", "access_token"],
                        "properties": {
                            "option_title": {
                                "type": "string",
                                "const": "OAuth Credentials",
                                "order": 0,
                            },
                            "client_id": {
                                "type": "string",
                                "title": "Client Id",
                                "airbyte_secret": True,
                            },
                            "access_token": {
                                "type": "string",
                                "title": "Access Token",
                                "airbyte_secret": True,
                            },
                        },
                    },
                    {
                        "title": "Personal Access Token",
                        "type": "object",
                        "required": ["option_title", "personal_access_token"],
                        "properties": {
                            "option_title": {
                                "type": "string",
                                "const": "PAT Credentials",
                                "order": 0,
                            },
                            "personal_access_token": {
                                "type": "string",
                                "title": "Personal Access Token",
                                "description": "A token with the repo scope.",
                                "airbyte_secret": True,
                            },
                        },
                    },
                ],
            },
            "repositories": {
                "type": "array",
                "title": "Repositories",
                "items": {"type": "string", "pattern": "^[\\w.-]+/[\\w.-]+$"},
                "minItems": 1,
                "examples": ["octo/hello"],
                "order": 1,
            },
            "streams": {
                "type": "array",
                "title": "Streams",
                "items": {"type": "string", "enum": ["issues", "pulls", "commits"]},
                "uniqueItems": True,
                "order": 3,
            },
            "api_url": {
                "type": "string",
                "title": "API URL",
                "default": "https://api.example.com/",
                "group": "advanced",
                "order": 4,
            },
            "page_size": {
                "type": "integer",
                "title": "Page size",
                "minimum": 1,
                "maximum": 100,
                "default": 10,
                "group": "advanced",
                "order": 5,
            },
            "include_archived": {
                "type": "boolean",
                "title": "Include archived",
                "default": False,
                "order": 6,
            },
            "labels": {
                "type": "object",
                "title": "Labels",
                "additionalProperties": {"type": "string"},
                "order": 7,
            },
        },
    }
}

#: A 2020-12 spec with if/then/else, dependentRequired, $defs and secrets of every marking.
DRAFT_2020 = {
    "schema": {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "type": "object",
        "required": ["mode", "endpoint"],
        "properties": {
            "endpoint": {"$ref": "#/$defs/url", "title": "Endpoint"},
            "mode": {
                "type": "string",
                "title": "Mode",
                "enum": ["basic", "token"],
                "default": "basic",
            },
            "retries": {
                "type": "integer",
                "title": "Retries",
                "minimum": 0,
                "maximum": 5,
                "default": 3,
            },
            "proxy_user": {"type": "string", "title": "Proxy user"},
            "proxy_password": {"type": "string", "title": "Proxy password", "writeOnly": True},
        },
        "dependentRequired": {"proxy_user": ["proxy_password"]},
        "if": {"properties": {"mode": {"const": "basic"}}},
        "then": {
            "properties": {
                "username": {"type": "string", "title": "Username", "minLength": 2},
                "password": {"type": "string", "title": "Password", "format": "password"},
            },
            "required": ["username", "password"],
        },
        "else": {
            "properties": {"token": {"type": "string", "title": "Token", "writeOnly": True}},
            "required": ["token"],
        },
        "$defs": {"url": {"type": "string", "pattern": "^https?://", "maxLength": 200}},
    },
    "properties": {},
}
