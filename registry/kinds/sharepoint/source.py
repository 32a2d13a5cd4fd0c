"""SharePoint document libraries through Microsoft Graph: the 004 ``sharepoint`` slots. Each
entry of ``urls`` is a link to a SharePoint site, library or folder; reading is the drive delta
reader's (``registry.sources.drive_delta``)."""

from registry.sources.drive_delta import DriveDeltaSource


class SharePointSource(DriveDeltaSource):
    link_rule = "Must be an https link to a SharePoint site, library or folder."


Source = SharePointSource
