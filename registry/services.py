"""The connector registry: register distribution files, promote, retire, load the built-ins.

The registry is global. Every write takes ``actor`` and needs ``can_write_registry(actor)``;
``actor=None`` is the system (commands, the built-in loader). A Live version of a connector_id
retires the other Live versions of it; a Retired one stays readable but backs no new connector.
"""

from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.utils import timezone

from config.actors import actor_label
from config.errors import Conflict, InvalidInput, PermissionDenied, validated
from config.events import emit
from registry import distribution
from registry.models import ConnectorDefinition, DefinitionStatus
from registry.sources.installed import kind_folders
from tenancy.permissions import can_write_registry

REGISTRY_WRITE_DENIED = (
    "Writing the connector registry needs an API key created with the registry permission "
    "(create_api_key --registry) or a staff user."
)


def require_registry_writer(actor) -> None:
    if actor is not None and not can_write_registry(actor):
        raise PermissionDenied(REGISTRY_WRITE_DENIED)


def _label(actor) -> str:
    return "SYSTEM" if actor is None else actor_label(actor)


class LiveVersionConflict(Conflict):
    """Another version of the type became Live in a concurrent transaction (the database allows
    one Live version per type); nothing was stored."""

    code = "live_version_conflict"

    def __init__(self, definition: ConnectorDefinition):
        super().__init__(
            f"Another version of {definition.connector_id} was published at the same time as "
            f"{definition.connector_id}-{definition.version}; nothing was stored. Register it "
            "again to publish it."
        )


def _retire_other_live(definition: ConnectorDefinition, *, actor) -> list[ConnectorDefinition]:
    """Called before ``definition`` is stored as Live, so that the database's one-Live-version
    rule holds at every statement."""
    others = list(
        ConnectorDefinition.objects.select_for_update()
        .filter(connector_id=definition.connector_id, status=DefinitionStatus.LIVE)
        .exclude(pk=definition.pk)
    )
    now = timezone.now()
    for other in others:
        other.status = DefinitionStatus.RETIRED
        other.updated_by = _label(actor)
        other.updated_date = now
        other.save(update_fields=["status", "updated_by", "updated_date"])
        emit("definition.retired", actor=actor, obj=other, registry_id=other.registry_id)
    return others


def _save_definition(
    data: distribution.DefinitionData, *, actor, status: str
) -> ConnectorDefinition:
    """Create one version, or refill the Draft of that version; any other existing status is a
    conflict (a published version never changes: register a new version)."""
    existing = (
        ConnectorDefinition.objects.select_for_update()
        .filter(connector_id=data.connector_id, version=data.version)
        .first()
    )
    now = timezone.now()
    if existing is not None and existing.status != DefinitionStatus.DRAFT:
        raise Conflict(
            f"{existing.registry_id} is already registered ({existing.status}); "
            "register it under a new version."
        )
    definition = existing or ConnectorDefinition(
        connector_id=data.connector_id,
        version=data.version,
        created_by=_label(actor),
        created_date=now,
    )
    for name, value in data.fields().items():
        setattr(definition, name, value)
    definition.status = status
    definition.updated_by = _label(actor)
    definition.updated_date = now
    definition.live_date = now if status == DefinitionStatus.LIVE else None
    definition.registry_id = data.registry_id
    validated(definition, exclude=["registry_id"], constraints=False)
    if status == DefinitionStatus.LIVE:
        _retire_other_live(definition, actor=actor)
    _save_checked(definition)
    return definition


def _save_checked(definition: ConnectorDefinition, **save_options) -> None:
    """Save, turning a row a concurrent registration committed first into a Conflict (in a
    savepoint, so that the caller's transaction stays usable)."""
    try:
        with transaction.atomic():
            definition.save(**save_options)
    except IntegrityError:
        same_version = ConnectorDefinition.objects.filter(
            connector_id=definition.connector_id, version=definition.version
        )
        if definition.pk is None and same_version.exists():
            raise Conflict(
                f"{definition.connector_id}-{definition.version} was registered at the same time by another "
                "request; register it under a new version."
            ) from None
        raise LiveVersionConflict(definition) from None


@transaction.atomic
def definition_register_package(
    *, actor, package: distribution.Package, draft: bool = False
) -> list[ConnectorDefinition]:
    """Register every connector of a read package, all or nothing."""
    require_registry_writer(actor)
    status = DefinitionStatus.DRAFT if draft else DefinitionStatus.LIVE
    registered = []
    for data in package.definitions:
        definition = _save_definition(data, actor=actor, status=status)
        emit(
            "definition.registered",
            actor=actor,
            obj=definition,
            registry_id=definition.registry_id,
            status=status,
        )
        registered.append(definition)
    return registered


def definition_register(
    *, actor, data: bytes, filename: str = "", draft: bool = False
) -> list[ConnectorDefinition]:
    """Register a distribution file (``.zip``, ``.tar``, ``.tar.gz``, ``.tgz``): Live by default,
    retiring the other Live versions of each connector_id; or as Draft. A refused file stores
    nothing."""
    require_registry_writer(actor)
    package = distribution.read_archive(data, filename)
    return definition_register_package(actor=actor, package=package, draft=draft)


@transaction.atomic
def definition_promote(*, actor, definition: ConnectorDefinition) -> ConnectorDefinition:
    """Draft (or InValidation) -> Live, retiring the other Live versions of its connector_id."""
    require_registry_writer(actor)
    definition = ConnectorDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.status == DefinitionStatus.LIVE:
        return definition
    if definition.status == DefinitionStatus.RETIRED:
        raise Conflict(
            f"{definition.registry_id} is retired and cannot be published again; "
            "register a new version."
        )
    _retire_other_live(definition, actor=actor)
    now = timezone.now()
    definition.status = DefinitionStatus.LIVE
    definition.live_date = now
    definition.updated_by = _label(actor)
    definition.updated_date = now
    _save_checked(
        definition,
        update_fields=["status", "live_date", "updated_by", "updated_date"],
    )
    emit("definition.promoted", actor=actor, obj=definition, registry_id=definition.registry_id)
    return definition


@transaction.atomic
def definition_retire(*, actor, definition: ConnectorDefinition) -> ConnectorDefinition:
    """Retire a version: it stays readable and keeps running its connectors, but backs no new
    connector. Retiring a retired version changes nothing."""
    require_registry_writer(actor)
    definition = ConnectorDefinition.objects.select_for_update().get(pk=definition.pk)
    if definition.status == DefinitionStatus.RETIRED:
        return definition
    definition.status = DefinitionStatus.RETIRED
    definition.updated_by = _label(actor)
    definition.updated_date = timezone.now()
    definition.save(update_fields=["status", "updated_by", "updated_date"])
    emit("definition.retired", actor=actor, obj=definition, registry_id=definition.registry_id)
    return definition


@dataclass
class CatalogResult:
    created: list[ConnectorDefinition] = field(default_factory=list)
    existing: list[ConnectorDefinition] = field(default_factory=list)
    #: Built-in versions whose folder no longer matches what is stored (bump the version).
    changed: list[ConnectorDefinition] = field(default_factory=list)
    #: ``(folder name, message)`` of kind folders that could not be read.
    errors: list[tuple[str, str]] = field(default_factory=list)


def catalog_load(*, actor=None) -> CatalogResult:
    """Create the built-in versions that are missing; never change an existing one's status.
    A new built-in version is Live unless its connector_id already has a Live version, in which
    case it waits as a Draft to be promoted."""
    require_registry_writer(actor)
    result = CatalogResult()
    for folder in kind_folders():
        try:
            package = distribution.read_folder(folder)
        except InvalidInput as error:
            result.errors.append((folder.name, error.message))
            continue
        for data in package.definitions:
            try:
                with transaction.atomic():
                    _load_builtin(data, actor=actor, result=result)
            except Conflict:
                # Another process loaded this type at the same moment: read what it stored.
                with transaction.atomic():
                    _load_builtin(data, actor=actor, result=result)
    return result


def _load_builtin(data: distribution.DefinitionData, *, actor, result: CatalogResult) -> None:
    stored = (
        ConnectorDefinition.objects.select_for_update()
        .filter(connector_id=data.connector_id, version=data.version)
        .first()
    )
    if stored is not None:
        result.existing.append(stored)
        if any(getattr(stored, name) != value for name, value in data.fields().items()):
            result.changed.append(stored)
        return
    has_live = ConnectorDefinition.objects.filter(
        connector_id=data.connector_id, status=DefinitionStatus.LIVE
    ).exists()
    status = DefinitionStatus.DRAFT if has_live else DefinitionStatus.LIVE
    definition = _save_definition(data, actor=actor, status=status)
    emit(
        "definition.registered",
        actor=actor,
        obj=definition,
        registry_id=definition.registry_id,
        status=status,
        builtin=True,
    )
    result.created.append(definition)
