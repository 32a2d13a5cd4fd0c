"""Connector kinds for the API tests, shaped as the kind folders describe them (kinds.md).

They stand in for the built-in catalog in these tests; swap ``install`` for the real catalog once
every kind folder exists.
"""

SECRET = {"type": "string", "encrypt": True, "writeOnly": True}


def _spec(properties: dict, required=(), hints=None) -> dict:
    schema = {"type": "object", "properties": properties}
    if required:
        schema["required"] = list(required)
    return {"schema": schema, "properties": hints or {}}


def _string(title: str, **extra) -> dict:
    return {"type": "string", "title": title, **extra}


def _strings(title: str) -> dict:
    return {"type": "array", "title": title, "items": {"type": "string"}, "default": []}


def _flags(*names: str) -> dict:
    return {
        "type": "object",
        "title": "Options",
        "properties": {n: {"type": "boolean", "title": n, "default": False} for n in names},
    }


GOOGLE_CREDENTIALS = {
    "service_account_json": {**SECRET, "title": "Service account key (JSON)"},
}
ATLASSIAN_CREDENTIALS = {
    "email": _string("Account email", encrypt=True),
    "api_token": {**SECRET, "title": "API token"},
    "personal_access_token": {**SECRET, "title": "Personal access token"},
}
MICROSOFT_CREDENTIALS = {
    "tenant_id": _string("Tenant id", encrypt=True),
    "client_id": _string("Client id", encrypt=True),
    "client_secret": {**SECRET, "title": "Client secret"},
}
MICROSOFT_OPTIONS = {
    "urls": _strings("Site or drive URLs"),
    "authority_host": _string("Authority host", default="https://login.microsoftonline.com"),
    "graph_base_url": _string("Graph base URL", default="https://graph.microsoft.com/v1.0"),
}

SPECS = {
    # 004, workspace connectors
    "google_drive": _spec(
        {
            "root_file_id": _string("Root file or folder (id or URL)"),
            "root_item_ids": _strings("Root items"),
            **GOOGLE_CREDENTIALS,
        },
        required=["root_file_id"],
    ),
    "impersonated_google_drive": _spec(
        {
            "root_file_id": _string("Root file or folder (id or URL)"),
            "root_item_ids": _strings("Root items"),
            "target_account": _string("Account to impersonate"),
            **GOOGLE_CREDENTIALS,
        },
        required=["root_file_id", "target_account"],
    ),
    "web_scraper": _spec(
        {
            "url": _string("URL"),
            "extraction_type": _string("Extraction", enum=["single", "all"], default="single"),
            "email": _string("File owner's email"),
        },
        required=["url"],
    ),
    "upload": _spec({"description": _string("What the files are", default="")}),
    "confluence": _spec(
        {
            "base_url": _string("Base URL"),
            "cql_query": _string("CQL query"),
            "config": _flags("include_attachments", "search_children", "search_folders"),
            "spaces": _strings("Spaces"),
            "pages": _strings("Pages"),
            "pages_w_child": _strings("Pages with children"),
            "folders": _strings("Folders"),
            "upload_all_data": {"type": "boolean", "title": "Everything", "default": False},
            **ATLASSIAN_CREDENTIALS,
        },
        required=["base_url"],
    ),
    "jira": _spec(
        {
            "base_url": _string("Base URL"),
            "jql_query": _string("JQL query"),
            "config": _flags(
                "include_attachments", "search_children_issues", "search_parent_issues"
            ),
            **ATLASSIAN_CREDENTIALS,
        },
        required=["base_url"],
    ),
    "sharepoint": _spec({**MICROSOFT_OPTIONS, **MICROSOFT_CREDENTIALS}, required=["urls"]),
    "onedrive": _spec({**MICROSOFT_OPTIONS, **MICROSOFT_CREDENTIALS}, required=["urls"]),
    # 001, named storage
    "AmazonS3": _spec(
        {
            "bucket_name": _string("Bucket"),
            "region": _string("Region"),
            "url": _string("Endpoint URL"),
            "username_read": _string("Read access key id"),
            "password_read": {**SECRET, "title": "Read secret key"},
            "username_write": _string("Write access key id"),
            "password_write": {**SECRET, "title": "Write secret key"},
            "prefix": _string("Key prefix", default=""),
        },
        required=["bucket_name", "region", "url", "username_read", "password_read"],
    ),
    "AzureStorage": _spec(
        {
            "container_name": _string("Container"),
            "region": _string("Region"),
            "url": _string("Account URL"),
            "account_name_read": _string("Read account name"),
            "account_key_read": {**SECRET, "title": "Read account key"},
            "account_name_write": _string("Write account name"),
            "account_key_write": {**SECRET, "title": "Write account key"},
        },
        required=["container_name", "url", "account_name_read", "account_key_read"],
    ),
    "HttpData": _spec(
        {
            "url": _string("URL"),
            "auth_header": {**SECRET, "title": "Authorization header"},
            "records_path": _string("Records path", default=""),
            "id_field": _string("Id field", default="id"),
            "next_link_field": _string("Next-page link field", default=""),
        },
        required=["url"],
    ),
    # 000, live sources
    "WEBSITE": _spec(
        {
            "url": _string("Site URL"),
            "max_pages": {"type": "integer", "title": "Max pages", "minimum": 1, "default": 50},
            "max_depth": {"type": "integer", "title": "Max depth", "minimum": 0, "default": 2},
        },
        required=["url"],
    ),
    "RSS": _spec(
        {
            "url": _string("Feed URL"),
            "runMode": _string("Run mode", enum=["SCAN_ONCE", "CONTINUOUS"], default="SCAN_ONCE"),
        },
        required=["url"],
    ),
}

CATEGORIES = {
    "WEBSITE": "Web",
    "RSS": "Web",
    "AmazonS3": "Storage",
    "AzureStorage": "Storage",
    "HttpData": "Storage",
}


def install(make_definition) -> dict:
    """Live definitions of every test kind, keyed by connector_id."""
    return {
        connector_id: make_definition(
            connector_id=connector_id, ui_spec=spec, category=CATEGORIES.get(connector_id, "Apps")
        )
        for connector_id, spec in SPECS.items()
    }
