"""Plain dicts of workspaces, spaces, collections and API keys for command output."""


def workspace_row(workspace) -> dict:
    return {
        "id": str(workspace.pk),
        "slug": workspace.slug,
        "name": workspace.name,
        "created_at": workspace.created_at,
    }


def space_row(space) -> dict:
    return {
        "id": str(space.pk),
        "name": space.name,
        "description": space.description,
        "created_at": space.created_at,
    }


def collection_row(collection) -> dict:
    return {
        "id": str(collection.pk),
        "name": collection.name,
        "space": collection.space.name,
        "space_id": str(collection.space_id),
        "created_at": collection.created_at,
    }


def api_key_row(api_key) -> dict:
    return {
        "prefix": api_key.prefix,
        "name": api_key.name,
        "role": api_key.role,
        "registry": api_key.registry,
        "revoked": api_key.revoked,
        "last_used_at": api_key.last_used_at,
        "created": api_key.created,
    }
