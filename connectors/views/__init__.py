"""The pages, one module per area; ``connectors/urls.py`` maps them (namespace ``connectors``)."""

from connectors.views.workspaces import home  # noqa: F401 (config/urls.py names it "home")
