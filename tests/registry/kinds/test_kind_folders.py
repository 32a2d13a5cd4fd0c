"""The kind folders of object storage, Atlassian, Google and Microsoft sources: complete, valid
specs whose secrets are stored encrypted and masked, and whose sample configs pass."""

import json
import xml.etree.ElementTree as ElementTree

import pytest
from jsonschema import Draft7Validator

from connectors import credentials
from connectors.models import Credential
from registry.schema.secrets import MASK, mask, secret_layout, split
from registry.schema.validation import validate_config
from registry.schema.walk import property_nodes
from registry.sources.base import Source, SourceError
from registry.sources.installed import KINDS_DIR, implementation

KEY = json.dumps(
    {
        "type": "service_account",
        "client_email": "indexer@example.iam.gserviceaccount.com",
        "private_key": "-----BEGIN PRIVATE KEY-----\nMIIB\n-----END PRIVATE KEY-----\n",
        "token_uri": "https://oauth2.googleapis.com/token",
    }
)
MICROSOFT = {
    "tenant_id": "contoso.onmicrosoft.com",
    "client_id": "8c2e4f6a",
    "client_secret": "s3cr3t-value",
}
ATLASSIAN = {"email": "reader@example.com", "api_token": "ATATT-token-value"}

# folder -> (connector_id, a config as a client sends it, its secret values)
KINDS = {
    "amazon_s3": (
        "AmazonS3",
        {
            "bucket_name": "hub-docs",
            "region": "eu-west-1",
            "url": "",
            "username_read": "AKIAREAD",
            "password_read": "read-secret",
            "username_write": "AKIAWRITE",
            "password_write": "write-secret",
        },
        {"read-secret", "write-secret"},
    ),
    "azure_storage": (
        "AzureStorage",
        {
            "container_name": "contracts",
            "region": "westeurope",
            "url": "",
            "account_name_read": "acme",
            "account_key_read": "cmVhZC1rZXk=",
            "account_name_write": "acme",
            "account_key_write": "d3JpdGUta2V5",
        },
        {"cmVhZC1rZXk=", "d3JpdGUta2V5"},
    ),
    "confluence": (
        "confluence",
        {
            "base_url": "https://acme.atlassian.net",
            "cql_query": "space = ENG",
            "config": {"include_attachments": True},
            "spaces": [],
            "pages": [],
            "pages_w_child": [],
            "folders": [],
            "upload_all_data": False,
            **ATLASSIAN,
        },
        {"ATATT-token-value"},
    ),
    "jira": (
        "jira",
        {
            "base_url": "https://acme.atlassian.net",
            "jql_query": "project = SUP",
            "config": {"search_children_issues": True},
            **ATLASSIAN,
        },
        {"ATATT-token-value"},
    ),
    "google_drive": (
        "google_drive",
        {
            "root_file_id": "https://drive.google.com/drive/folders/1AbCdEfGhIjKlMnOp",
            "root_item_ids": [],
            "service_account_json": KEY,
        },
        {KEY},
    ),
    "impersonated_google_drive": (
        "impersonated_google_drive",
        {
            "root_file_id": "1AbCdEfGhIjKlMnOp",
            "target_account": "ana@example.com",
            "service_account_json": KEY,
        },
        {KEY},
    ),
    "sharepoint": (
        "sharepoint",
        {"urls": ["https://acme.sharepoint.com/sites/Team"], **MICROSOFT},
        {"s3cr3t-value"},
    ),
    "onedrive": (
        "onedrive",
        {"urls": ["https://acme-my.sharepoint.com/personal/ana_acme_com/Documents"], **MICROSOFT},
        {"s3cr3t-value"},
    ),
}


def leaves(value) -> set[str]:
    """Every string in a config, however deep."""
    if isinstance(value, dict):
        return set().union(*(leaves(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(leaves(v) for v in value)) if value else set()
    return {value} if isinstance(value, str) else set()


def spec_of(folder):
    return json.loads((KINDS_DIR / folder / "ui-config.json").read_text())


@pytest.mark.parametrize("folder", KINDS)
def test_the_folder_is_a_complete_kind(folder):
    connector_id = KINDS[folder][0]
    package = json.loads((KINDS_DIR / folder / "metadata.json").read_text())
    spec = spec_of(folder)

    assert package["type"] == "connector"
    assert package["metadata"]["id"] == connector_id
    assert package["metadata"]["version"] == "1.0.0"
    assert [c["id"] for c in package["connectors"]] == [connector_id]
    assert ElementTree.parse(KINDS_DIR / folder / "icon.svg").getroot().tag.endswith("svg")
    Draft7Validator.check_schema(spec["schema"])
    assert spec["schema"].get("additionalProperties") is not False
    assert all(
        node.get("title") for path, node in property_nodes(spec["schema"]) if "*" not in path
    )
    reader = implementation(connector_id)
    assert issubclass(reader, Source) and reader is not Source
    assert reader.incremental is True


@pytest.mark.parametrize("folder", KINDS)
def test_a_sample_config_passes_and_its_secrets_are_split_and_masked(folder):
    connector_id, config, secret_values = KINDS[folder]
    spec = spec_of(folder)

    prepared = validate_config(spec, implementation(connector_id).prepare_config(config))
    layout = secret_layout(spec)
    public, secret = split(layout, prepared)
    shown = leaves(mask(layout, prepared))

    assert not secret_values & leaves(public)
    assert secret_values <= leaves(secret)
    assert not secret_values & shown
    assert MASK in shown


# The example bodies of the 001 and 004 documents (placeholders included): a create accepts them,
# and the check that runs when the connector starts says what cannot work, before any request.
DOCUMENTED = {
    "amazon_s3": (
        {
            "bucket_name": "<bucket-name>",
            "region": "<region>",
            "url": "<url>",
            "username_read": "<username-read>",
            "password_read": "<password-read>",
            "username_write": "<username-write>",
            "password_write": "<password-write>",
        },
        "The endpoint URL must be an http(s) address.",
    ),
    "azure_storage": (
        {
            "container_name": "<container-name>",
            "region": "<region>",
            "url": "<url>",
            "account_name_read": "<account-name-read>",
            "account_key_read": "<account-key-read>",
            "account_name_write": "<account-name-write>",
            "account_key_write": "<account-key-write>",
        },
        "The read account key is not a storage account access key (base64 text).",
    ),
    "google_drive": (
        {
            "root_file_id": "id or URL of a google drive file or folder",
            "root_item_ids": ["list of root_item_id or root_item_url"],
        },
        "No service account key is configured.",
    ),
    "impersonated_google_drive": (
        {
            "root_file_id": "id or URL of a google drive file or folder",
            "root_item_ids": ["list of root_item_id or root_item_url"],
            "target_account": "someone@example.com",
        },
        "No service account key is configured.",
    ),
    "confluence": (
        {
            "base_url": "https://aumo.atlassian.net",
            "cql_query": "string do query do CQL",
            "config": {
                "include_attachments": True,
                "search_children": True,
                "search_folders": False,
            },
            "spaces": ["lista de string", "upload de todas as pags do space"],
            "pages": ["lista de string", "link de páginas", "sem os filhos"],
            "pages_w_child": ["link de páginas", "tbm faz upload dos filhos"],
            "folders": ["upload de todas as pags da pasta"],
            "upload_all_data": False,
        },
        "Confluence selection: spaces.0 must be a space key or a link to the space;",
    ),
    "jira": (
        {
            "base_url": "https://aumo.atlassian.net",
            "jql_query": "string do query do JQL",
            "config": {
                "include_attachments": True,
                "search_children_issues": True,
                "search_parent_issues": False,
            },
        },
        "No Jira credentials are configured:",
    ),
    "sharepoint": (
        {"urls": ["sharepoint_url_01", "sharepoint_url_02"]},
        "urls.0, urls.1: Must be an https link to a SharePoint site, library or folder.",
    ),
    "onedrive": (
        {"urls": ["onedrive_url_01", "onedrive_url_02"]},
        "urls.0, urls.1: Must be an https link into a OneDrive, or the e-mail address of its owner.",
    ),
}


@pytest.mark.parametrize("folder", KINDS)
def test_documented_examples_are_accepted_and_checked_on_start(folder, settings):
    settings.CONNECTOR_HUB_ALLOW_PRIVATE_NETWORKS = False
    connector_id = KINDS[folder][0]
    example, reason = DOCUMENTED[folder]
    reader_class = implementation(connector_id)

    config = validate_config(spec_of(folder), reader_class.prepare_config(example))
    with pytest.raises(SourceError) as raised:
        reader_class(config).check()

    assert raised.value.message.startswith(reason)


@pytest.mark.database
@pytest.mark.parametrize("folder", ["amazon_s3", "jira", "google_drive", "sharepoint"])
def test_a_connector_keeps_its_secrets_in_the_encrypted_credential(
    folder, make_definition, workspace, owner
):
    from connectors import services

    connector_id, config, secret_values = KINDS[folder]
    definition = make_definition(
        connector_id=connector_id, ui_spec=spec_of(folder), implementation=connector_id
    )

    connector = services.connector_create(
        actor=owner, workspace=workspace, definition=definition, name="source", config=config
    )

    connector.refresh_from_db()
    stored = Credential.objects.get(connector=connector).token
    assert not secret_values & leaves(connector.config)
    assert not any(v in str(stored) for v in secret_values)
    assert secret_values <= leaves(credentials.full_config(connector))
