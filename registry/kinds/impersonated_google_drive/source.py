"""Google Drive read as a user of the Workspace domain: the service account impersonates
``target_account`` through domain-wide delegation (the 004 ``impersonated_google_drive``)."""

from registry.kinds.google_drive.source import GoogleDriveSource


class ImpersonatedGoogleDriveSource(GoogleDriveSource):
    subject_field = "target_account"


Source = ImpersonatedGoogleDriveSource
