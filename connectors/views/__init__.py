"""The pages of workspaces, the registry and connectors, one module per area; ``connectors/urls.py``
maps them (namespace ``connectors``). The sync and document pages are in ``syncs.views``."""

from connectors.views.workspaces import home  # noqa: F401 (config/urls.py names it "home")
