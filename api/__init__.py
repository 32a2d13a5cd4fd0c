"""The HTTP API: the five documented families and the service's own resources, one module per
family or resource, each owning its paths and the mapping between its wire bodies and the
domain's words (the services speak only the latter).

- 000 live sources: ``live_sources`` (``/layar/liveSource``)
- 001 named storage connectors: ``storage`` (``/connectors/<name>``)
- 002 the connector registry: ``registry``, ``registry_envelope``, ``registry_validation``
  (``/v2/...``)
- 003 spaces, collections and what they hold: ``spaces``, ``collections``, ``uploads``,
  ``syncs``, ``documents``, ``changes`` (``/v1/spaces/...``)
- 004 a workspace's connectors: ``workspaces`` (``/v1/connector/...``)
- the audit trail and webhooks: ``audit``, ``webhooks``

Shared by the families: ``bodies`` (a body's config onto a definition), ``fields`` (how a
connector shows), ``connector_rows`` (how connector lists are read); a sync and a document
show as ``syncs.serializers`` says, in the API and in the commands' output alike. What
every API shares with the pages (authentication, the acting workspace, errors, pagination) is
in ``config.api``. ``urls`` holds every route.
"""
