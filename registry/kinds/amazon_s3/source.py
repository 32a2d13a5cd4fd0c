"""Amazon S3 (and S3-compatible storage) through boto3: the 001 ``storage_config``.

``url`` is the endpoint (blank: the AWS endpoint of ``region``). Reads use the read pair; the
write pair is stored and proven by ``check()`` but never used to write.
"""

from urllib.parse import quote

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectionError,
    HTTPClientError,
    ParamValidationError,
    ReadTimeoutError,
)

from registry.kinds.amazon_s3.guarded_client import s3_client
from registry.sources.base import SourceError
from registry.sources.object_storage import ObjectStorageSource, StoredObject
from registry.sources.pinned import AddressPins
from registry.sources.throttling import RateLimited, retry_after_seconds

THROTTLED = {"SlowDown", "Throttling", "ThrottlingException", "RequestLimitExceeded", "503"}
PAIRS = {"read": ("username_read", "password_read"), "write": ("username_write", "password_write")}


class AmazonS3Source(ObjectStorageSource):
    service = "Amazon S3"
    pairs = PAIRS
    text_fields = ("bucket_name", "region", "url", "prefix")

    def __init__(self, config, context=None):
        super().__init__(config, context)
        self._clients = {}
        self._pins = AddressPins()  # one lookup per host for both pairs

    @property
    def bucket(self) -> str:
        return self.config["bucket_name"]

    @property
    def endpoint(self) -> str:
        region = self.config.get("region") or "us-east-1"
        return self.config.get("url") or f"https://s3.{region}.amazonaws.com"

    def _client(self, pair: str = "read"):
        if pair not in self._clients:
            user, secret = PAIRS[pair]
            if not self.endpoint.startswith(("http://", "https://")):
                raise SourceError("The endpoint URL must be an http(s) address.")
            self._clients[pair] = s3_client(
                pins=self._pins,
                endpoint_url=self.endpoint,
                region=self.config.get("region") or "us-east-1",
                access_key_id=self.config[user],
                secret_access_key=self.config[secret],
                addressing_style="path" if self.config.get("url") else "auto",
            )
        return self._clients[pair]

    def _error(self, error: Exception, pair: str = "read") -> SourceError:
        if isinstance(error, HTTPClientError) and isinstance(
            error.kwargs.get("error"), SourceError
        ):
            return error.kwargs["error"]  # the guard refused a connection
        if isinstance(error, ReadTimeoutError | ConnectionError):
            return SourceError(
                f"Cannot reach the storage endpoint {self.endpoint}.", retryable=True
            )
        if isinstance(error, ParamValidationError):
            return SourceError(f"Amazon S3 refused the request: {error}")
        if not isinstance(error, ClientError):
            return SourceError(f"Amazon S3 request failed ({type(error).__name__}).")
        details = error.response.get("Error", {})
        code = str(details.get("Code", ""))
        status = error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0)
        headers = error.response.get("ResponseMetadata", {}).get("HTTPHeaders", {})
        if code in THROTTLED or status in (429, 503):
            return RateLimited(
                f"Amazon S3 is limiting the request rate ({code or status}).",
                retry_after=retry_after_seconds(headers.get("retry-after")),
            )
        if code == "InvalidAccessKeyId":
            message = f"The {pair} access key id is not known to the storage service."
        elif code == "SignatureDoesNotMatch":
            message = f"The {pair} secret access key does not match its access key id."
        elif code in ("AccessDenied", "403") or status == 403:
            message = (
                f"The {pair} credentials were refused, or may not read the bucket "
                f"{self.bucket} (HTTP 403)."
            )
        elif code in ("NoSuchBucket", "404") or status == 404:
            message = f"The bucket {self.bucket} does not exist at {self.endpoint}."
        else:
            message = f"Amazon S3 answered {code or status}: {details.get('Message', '')}".strip()
        return SourceError(
            message, retryable=status >= 500, type="AuthenticationFailed" if status == 403 else None
        )

    def check(self) -> None:
        pairs = ["read"] + (["write"] if self.config.get(PAIRS["write"][0]) else [])
        for pair in pairs:
            client = self._client(pair)
            try:
                client.head_bucket(Bucket=self.bucket)
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") == "403":
                    # HeadBucket has no body: a listing (read-only) names the actual refusal.
                    try:
                        client.list_objects_v2(Bucket=self.bucket, MaxKeys=1)
                    except (ClientError, BotoCoreError) as detailed:
                        raise self._error(detailed, pair) from None
                raise self._error(error, pair) from None
            except BotoCoreError as error:
                raise self._error(error, pair) from None

    def folders(self, prefix):
        names, beside, token = [], False, None
        while True:
            params = {"Bucket": self.bucket, "Delimiter": "/", "MaxKeys": 1000}
            if prefix:
                params["Prefix"] = prefix
            if token:
                params["ContinuationToken"] = token
            try:
                page = self._client().list_objects_v2(**params)
            except (ClientError, BotoCoreError) as error:
                raise self._error(error) from None
            names += [entry["Prefix"] for entry in page.get("CommonPrefixes", [])]
            beside = beside or any(
                not entry["Key"].endswith("/") for entry in page.get("Contents", [])
            )
            if not page.get("IsTruncated"):
                return sorted(names), beside
            token = page.get("NextContinuationToken")

    def list_page(self, marker, limit, *, prefix=None, direct=False):
        prefix = self.prefix if prefix is None else prefix
        params = {"Bucket": self.bucket, "MaxKeys": limit}
        if prefix:
            params["Prefix"] = prefix
        if direct:
            params["Delimiter"] = "/"
        if marker:
            params["ContinuationToken"] = marker
        try:
            page = self._client().list_objects_v2(**params)
        except (ClientError, BotoCoreError) as error:
            raise self._error(error) from None
        objects = [
            StoredObject(
                key=entry["Key"],
                modified=entry["LastModified"],
                size=entry.get("Size", 0),
                etag=entry.get("ETag", "").strip('"'),
            )
            for entry in page.get("Contents", [])
            if not entry["Key"].endswith("/")
        ]
        return objects, page.get("NextContinuationToken") if page.get("IsTruncated") else None

    def fetch(self, item):
        try:
            response = self._client().get_object(Bucket=self.bucket, Key=item.key)
            return response["Body"].read(), response.get("ContentType", "")
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return None
            raise self._error(error) from None
        except BotoCoreError as error:
            raise self._error(error) from None

    def location(self, item):
        return f"{self.endpoint}/{self.bucket}/{quote(item.key)}"

    def close(self) -> None:
        for client in self._clients.values():
            client.close()
        self._clients.clear()


Source = AmazonS3Source
