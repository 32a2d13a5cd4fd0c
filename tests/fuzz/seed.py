"""What the fuzzed server holds: a workspace with a space, a collection, connectors of several
kinds (one with documents and a sync), and an admin key that may also write the registry."""

from dataclasses import dataclass, field

from connectors import services
from connectors.models import Connector
from syncs import services as sync_services
from syncs.models import Document, SyncTrigger
from tenancy import services as tenancy_services
from webhooks.services import webhook_create


@dataclass
class Seed:
    key: str
    workspace_slug: str
    workspace_id: str
    space_ids: list[str] = field(default_factory=list)
    collection_ids: list[str] = field(default_factory=list)
    connector_ids: list[str] = field(default_factory=list)
    connector_names: list[str] = field(default_factory=list)
    document_ids: list[int] = field(default_factory=list)
    sync_ids: list[str] = field(default_factory=list)
    registry_ids: list[str] = field(default_factory=list)
    webhook_ids: list[str] = field(default_factory=list)


def seed(owner, catalog) -> Seed:
    workspace = tenancy_services.workspace_create(actor=owner, name="Fuzzed", slug="fuzzed")
    _, key = tenancy_services.api_key_create(
        actor=owner, workspace=workspace, name="fuzz", registry=True
    )
    space = tenancy_services.space_create(actor=owner, workspace=workspace, name="Space")
    collection = tenancy_services.collection_create(actor=owner, space=space, name="Collection")
    result = Seed(
        key=key,
        workspace_slug=workspace.slug,
        workspace_id=str(workspace.pk),
        space_ids=[str(space.pk)],
        collection_ids=[str(collection.pk)],
        registry_ids=[d.registry_id for d in catalog.values()][:5],
    )
    configs = {
        "sample-data": {"document_count": 5},
        "web_scraper": {"url": "https://example.com/docs/", "email": "ops@example.com"},
        "upload": {},
        "AmazonS3": {
            "bucket_name": "reports",
            "region": "eu-west-1",
            "username_read": "reader",
            "password_read": "fuzz-Secret-Value-1",
        },
        "HttpData": {"url": "https://api.example.com/records"},
    }
    for kind, config in configs.items():
        connector = services.connector_create(
            actor=owner,
            workspace=workspace,
            definition=catalog[kind],
            name=f"fuzz-{kind.lower()}",
            config=config,
            collections=[collection],
        )
        result.connector_ids.append(str(connector.pk))
        result.connector_names.append(connector.name)
    sample = result.connector_ids[0]
    sync = sync_services.sync_trigger(
        actor=owner,
        connector=Connector.objects.get(pk=sample),
        trigger=SyncTrigger.API,
        collection=collection,
    )
    result.sync_ids.append(str(sync.pk))
    for number in range(3):
        document = Document.objects.create(
            connector_id=sample,
            external_id=f"doc-{number}",
            title=f"Document {number}",
            content=f"Text of document {number}.",
            content_hash=f"hash-{number}",
        )
        result.document_ids.append(document.pk)
    webhook, _ = webhook_create(
        actor=owner,
        workspace=workspace,
        url="http://127.0.0.1:9/hook",
        events=["sync.failed", "connector.state_changed"],
    )
    result.webhook_ids.append(str(webhook.pk))
    return result
