"""OneDrive for Business through Microsoft Graph: the 004 ``onedrive`` slots. Each entry of
``urls`` is a OneDrive link (``https://<tenant>-my.sharepoint.com/personal/<user>/...``, a
folder in it, or a sharing link) or the user's e-mail, for their whole OneDrive; reading is the
drive delta reader's (``registry.sources.drive_delta``)."""

import re
from urllib.parse import urlsplit

from registry.sources.drive_delta import DriveDeltaSource

_EMAIL = re.compile(r"^[^@\s/]+@[^@\s/]+\.[^@\s/]+$")


class OneDriveSource(DriveDeltaSource):
    link_rule = "Must be an https link into a OneDrive, or the e-mail address of its owner."

    @classmethod
    def check_link(cls, value: str) -> bool:
        if _EMAIL.match(value):
            return True
        parts = urlsplit(value)
        return parts.scheme == "https" and bool(parts.hostname)


Source = OneDriveSource
