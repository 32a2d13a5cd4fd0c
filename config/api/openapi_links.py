"""OpenAPI links of the collection family (003): what a create answers leads to the operations on
the created object (space -> collection -> connector -> sync). Clients and stateful API testers
follow them. A drf-spectacular post-processing hook."""

SPACE = "/v1/spaces/{space_id}"
COLLECTION = f"{SPACE}/collections/{{collection_id}}"
CONNECTOR = f"{COLLECTION}/connectors/{{connector_id}}"

BODY_ID = "$response.body#/id"
SPACE_FROM_PATH = "$request.path.space_id"
COLLECTION_FROM_PATH = "$request.path.collection_id"
CONNECTOR_FROM_PATH = "$request.path.connector_id"

#: (path and method of the creating operation, its success status) ->
#: [(link name, path and method of the target, parameters)]
LINKS = {
    (("/v1/spaces", "post"), "201"): [
        (name, (path, method), {"space_id": BODY_ID})
        for name, path, method in [
            ("GetSpace", SPACE, "get"),
            ("EditSpace", SPACE, "patch"),
            ("DeleteSpace", SPACE, "delete"),
            ("ListCollections", f"{SPACE}/collections", "get"),
            ("CreateCollection", f"{SPACE}/collections", "post"),
        ]
    ],
    ((f"{SPACE}/collections", "post"), "201"): [
        (name, (path, method), {"space_id": SPACE_FROM_PATH, "collection_id": BODY_ID})
        for name, path, method in [
            ("GetCollection", COLLECTION, "get"),
            ("EditCollection", COLLECTION, "patch"),
            ("DeleteCollection", COLLECTION, "delete"),
            ("ListConnectors", f"{COLLECTION}/connectors", "get"),
            ("CreateConnector", f"{COLLECTION}/connectors", "post"),
            ("ListDocuments", f"{COLLECTION}/documents", "get"),
        ]
    ],
    ((f"{COLLECTION}/connectors", "post"), "201"): [
        (
            name,
            (path, method),
            {
                "space_id": SPACE_FROM_PATH,
                "collection_id": COLLECTION_FROM_PATH,
                "connector_id": BODY_ID,
            },
        )
        for name, path, method in [
            ("GetConnector", CONNECTOR, "get"),
            ("EditConnector", CONNECTOR, "patch"),
            ("RemoveConnector", CONNECTOR, "delete"),
            ("ListSyncs", f"{CONNECTOR}/sync", "get"),
            ("TriggerSync", f"{CONNECTOR}/sync", "post"),
            ("CancelSync", f"{CONNECTOR}/sync/cancel", "post"),
        ]
    ],
    ((f"{CONNECTOR}/sync", "post"), "202"): [
        (
            "GetSync",
            (f"{CONNECTOR}/sync/{{sync_id}}", "get"),
            {
                "space_id": SPACE_FROM_PATH,
                "collection_id": COLLECTION_FROM_PATH,
                "connector_id": CONNECTOR_FROM_PATH,
                "sync_id": BODY_ID,
            },
        ),
        (
            "CancelSync",
            (f"{CONNECTOR}/sync/cancel", "post"),
            {
                "space_id": SPACE_FROM_PATH,
                "collection_id": COLLECTION_FROM_PATH,
                "connector_id": CONNECTOR_FROM_PATH,
            },
        ),
    ],
}


def add_links(result, generator, request, public):
    paths = result.get("paths", {})

    def operation(path, method):
        return paths.get(path, {}).get(method)

    for ((path, method), status), links in LINKS.items():
        source = operation(path, method)
        response = source and source.get("responses", {}).get(status)
        if response is None:
            continue
        for name, (target_path, target_method), parameters in links:
            target = operation(target_path, target_method)
            if target is None:
                continue
            response.setdefault("links", {})[name] = {
                "operationId": target["operationId"],
                "parameters": parameters,
            }
    return result
