import json
from datetime import timedelta

import pytest

from registry.kinds.google_drive.source import GoogleDriveSource
from registry.kinds.impersonated_google_drive.source import ImpersonatedGoogleDriveSource
from tests.reading import RecordingContext

ACCOUNT = "indexer@hub-tests.iam.gserviceaccount.com"
USER = "ana@example.com"
ROOT = "1RootFolder00000000000001"


@pytest.fixture(scope="session")
def key_file(google_server):
    return google_server.service_account(ACCOUNT, delegate_to=[USER])


@pytest.fixture
def google(google_server, key_file):
    google_server.reset()
    return google_server


@pytest.fixture
def make_reader(google, key_file):
    def make(impersonate=False, batch_size=2, key=None, **slots):
        cls = ImpersonatedGoogleDriveSource if impersonate else GoogleDriveSource
        config = {
            "root_file_id": ROOT,
            "service_account_json": json.dumps(key or key_file),
            **slots,
        }
        if impersonate:
            config.setdefault("target_account", USER)
        reader = cls(cls.prepare_config(config), RecordingContext(batch_size=batch_size))
        reader.overlap = timedelta(0)
        return reader

    return make
