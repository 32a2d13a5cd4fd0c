"""A boto3 S3 client whose every connection and redirect passes the egress guard.

- Each request's URL is checked before it is sent (``before-send``) and its host's checked
  address pinned; the client's connections open to that address (``registry.sources.pinned``),
  never resolving the name a second time.
- An endpoint answering a redirect with a ``Location`` is followed at most ``MAX_REDIRECTS``
  times, each target checked first; then the request fails with ``TooManyRedirects``. A redirect
  naming neither a location nor the bucket's region is an error at once: botocore's own region
  redirector would otherwise ask the same endpoint for the region again and again, recursing
  until Python's stack runs out. Region redirects (``x-amz-bucket-region``) stay botocore's.
"""

from urllib.parse import urljoin

import boto3
from botocore.awsrequest import AWSHTTPConnectionPool, AWSHTTPSConnectionPool
from botocore.config import Config

from registry.sources.base import SourceError
from registry.sources.pinned import (
    MAX_REDIRECTS,
    AddressPins,
    TooManyRedirects,
    pinned_pool_classes,
)

REDIRECT_STATUSES = {301, 302, 307, 308}
_REDIRECTS = "storage_redirects"


def s3_client(
    *,
    pins: AddressPins,
    endpoint_url: str,
    region: str,
    access_key_id: str,
    secret_access_key: str,
    addressing_style: str,
):
    pins.check_url(endpoint_url)
    client = boto3.session.Session().client(
        "s3",
        endpoint_url=endpoint_url,
        region_name=region,
        aws_access_key_id=access_key_id,
        aws_secret_access_key=secret_access_key,
        config=Config(
            retries={"mode": "standard", "total_max_attempts": 1},
            connect_timeout=10,
            read_timeout=60,
            s3={"addressing_style": addressing_style},
        ),
    )
    # botocore's session hands this dict to its pool managers (the proxy ones too).
    client._endpoint.http_session._pool_classes_by_scheme.update(
        pinned_pool_classes(pins, AWSHTTPConnectionPool, AWSHTTPSConnectionPool)
    )
    client.meta.events.register("before-send.s3", lambda request, **_: _check(pins, request))
    client.meta.events.register_first(
        "needs-retry.s3", lambda **kwargs: _follow_redirect(pins, endpoint_url, **kwargs)
    )
    return client


def _check(pins: AddressPins, request) -> None:
    pins.check_url(request.url)  # a handler returning something would replace the response


def _follow_redirect(pins: AddressPins, endpoint_url: str, *, response, request_dict, **_):
    http_response = response[0] if response else None
    if http_response is None or http_response.status_code not in REDIRECT_STATUSES:
        return None
    location = http_response.headers.get("Location")
    context = request_dict["context"]
    if not location:
        if "x-amz-bucket-region" in http_response.headers:
            return None  # botocore re-sends once to the bucket's regional endpoint
        raise SourceError(
            f"The storage endpoint {endpoint_url} answered HTTP {http_response.status_code} "
            "without saying where to (no Location, no bucket region); check the endpoint URL.",
            type="UnexpectedRedirect",
        )
    followed = context.get(_REDIRECTS, 0)
    if followed >= MAX_REDIRECTS:
        raise TooManyRedirects(endpoint_url)
    target = pins.check_url(urljoin(request_dict["url"], location))
    context[_REDIRECTS] = followed + 1
    # Ours, not botocore's: its region redirector must not act on this answer as well.
    context.setdefault("s3_redirect", {})["redirected"] = True
    request_dict["url"] = target
    return 0  # send again now, to the target
