"""One config per built-in kind, with recognisable secret values, pointed at a local hostile
server (``echo_url``: it answers 401 and echoes back every header and the body it got) or at a
closed port, so that every ``check()`` and sync fails with the source's own words."""

import json

LEAK = "Leak-{}-Zq9x"
PRIVATE_KEY_BODY = "MIIBLeakPrivateKeyBodyZq9x"


def secret(name: str) -> str:
    return LEAK.format(name)


def service_account(token_uri: str) -> str:
    return json.dumps(
        {
            "type": "service_account",
            "client_email": "indexer@example.iam.gserviceaccount.com",
            "private_key_id": secret("google-key-id"),
            "private_key": f"-----BEGIN PRIVATE KEY-----\n{PRIVATE_KEY_BODY}\n-----END PRIVATE KEY-----\n",
            "token_uri": token_uri,
        }
    )


def configs(echo_url: str, closed_port: int) -> dict[str, tuple[dict, list[str]]]:
    """``{connector_id: (config, [secret values in it])}``."""
    database = {
        "connector_config": {
            "databaseType": "PostgreSQL",
            "connection_info": {
                "host": "127.0.0.1",
                "port": closed_port,
                "name": "shop",
                "username": "reader",
                "password": secret("db-password"),
            },
            "schemaInfo": {"table": "orders", "timestampColumn": "updated_at"},
        }
    }
    mysql = json.loads(json.dumps(database))
    mysql["connector_config"]["databaseType"] = "MySQL"
    mysql["connector_config"]["connection_info"]["password"] = secret("mysql-password")
    microsoft = {
        "tenant_id": "contoso.onmicrosoft.com",
        "client_id": "8c2e4f6a",
        "authority_host": f"https://127.0.0.1:{closed_port}",
        "graph_base_url": f"https://127.0.0.1:{closed_port}/v1.0",
    }
    google = service_account(f"{echo_url}/token")
    return {
        "postgres-connector": (database, [secret("db-password")]),
        "mysql-connector": (mysql, [secret("mysql-password")]),
        "AmazonS3": (
            {
                "bucket_name": "hub-docs",
                "region": "eu-west-1",
                "url": echo_url,
                "username_read": "AKIAREAD",
                "password_read": secret("s3-read"),
                "username_write": "AKIAWRITE",
                "password_write": secret("s3-write"),
            },
            [secret("s3-read"), secret("s3-write")],
        ),
        "AzureStorage": (
            {
                "container_name": "contracts",
                "region": "westeurope",
                "url": f"{echo_url}/acme",
                "account_name_read": "acme",
                "account_key_read": "TGVhay1henVyZS1yZWFkLVpxOXg=",
                "account_name_write": "acme",
                "account_key_write": "TGVhay1henVyZS13cml0ZS1acTl4",
            },
            ["TGVhay1henVyZS1yZWFkLVpxOXg=", "TGVhay1henVyZS13cml0ZS1acTl4"],
        ),
        "HttpData": (
            {"url": f"{echo_url}/records", "auth_header": f"Bearer {secret('http-header')}"},
            [secret("http-header")],
        ),
        "confluence": (
            {
                "base_url": echo_url,
                "cql_query": "space = ENG",
                "email": "reader@example.com",
                "api_token": secret("confluence-token"),
            },
            [secret("confluence-token")],
        ),
        "jira": (
            {
                "base_url": echo_url,
                "jql_query": "project = SUP",
                "personal_access_token": secret("jira-pat"),
            },
            [secret("jira-pat")],
        ),
        "google_drive": (
            {"root_file_id": "1AbCdEfGhIjKlMnOp", "service_account_json": google},
            [google, PRIVATE_KEY_BODY, secret("google-key-id")],
        ),
        "impersonated_google_drive": (
            {
                "root_file_id": "1AbCdEfGhIjKlMnOp",
                "target_account": "ana@example.com",
                "service_account_json": google,
            },
            [google, PRIVATE_KEY_BODY, secret("google-key-id")],
        ),
        "sharepoint": (
            {
                "urls": ["https://acme.sharepoint.com/sites/Team"],
                "client_secret": secret("sharepoint-secret"),
                **microsoft,
            },
            [secret("sharepoint-secret")],
        ),
        "onedrive": (
            {
                "urls": ["https://acme-my.sharepoint.com/personal/ana_acme_com/Documents"],
                "client_secret": secret("onedrive-secret"),
                **microsoft,
            },
            [secret("onedrive-secret")],
        ),
        "WEBSITE": ({"url": f"{echo_url}/site/"}, []),
        "RSS": ({"url": f"{echo_url}/feed.xml"}, []),
        "web_scraper": ({"url": f"{echo_url}/docs/", "email": "ops@example.com"}, []),
        "upload": ({}, []),
        "sample-data": ({"document_count": 3, "fail_after": 1, "fail_retryable": False}, []),
    }
