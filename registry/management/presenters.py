"""Plain dicts of definitions for command output."""


def definition_row(definition) -> dict:
    return {
        "id": definition.registry_id,
        "connector_id": definition.connector_id,
        "version": definition.version,
        "name": definition.name,
        "category": definition.category,
        "status": definition.status,
        "live_date": definition.live_date,
    }


def definition_detail(definition) -> dict:
    return {
        **definition_row(definition),
        "type": definition.type,
        "description": definition.description,
        "technology": definition.technology,
        "runtime": definition.runtime,
        "licence": definition.licence,
        "owner": definition.owner,
        "implementation": definition.implementation,
        "ui_spec": definition.ui_spec,
    }
