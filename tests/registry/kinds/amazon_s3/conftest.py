import itertools
from datetime import timedelta

import pytest

from registry.kinds.amazon_s3.source import AmazonS3Source
from tests.reading import RecordingContext
from tests.servers.moto_s3 import REGION

_buckets = itertools.count(1)


@pytest.fixture
def bucket(moto, s3_proxy):
    s3_proxy.reset()
    name = f"hub-docs-{next(_buckets)}"
    client = moto.client()
    client.create_bucket(Bucket=name)
    yield name


@pytest.fixture
def s3(moto):
    return moto.client()


@pytest.fixture
def s3_config(moto, s3_proxy, bucket):
    return {
        "bucket_name": bucket,
        "region": REGION,
        "url": s3_proxy.url,
        "username_read": moto.reader.access_key_id,
        "password_read": moto.reader.secret_access_key,
        "username_write": moto.writer.access_key_id,
        "password_write": moto.writer.secret_access_key,
        "prefix": "",
    }


@pytest.fixture
def make_reader(s3_config):
    def make(batch_size=2, **overrides):
        config = AmazonS3Source.prepare_config({**s3_config, **overrides})
        reader = AmazonS3Source(config, RecordingContext(batch_size=batch_size))
        # Objects here change within seconds of each other: look back no further than the pass.
        reader.overlap = timedelta(0)
        return reader

    return make
