"""Where media lives (uploaded originals: anything a worker reads that the web wrote).

``CONNECTOR_HUB_MEDIA_URL`` empty: Django's ``FileSystemStorage`` under ``MEDIA_ROOT``, on this
machine. ``s3://BUCKET[/PREFIX][?endpoint_url=URL&region=NAME&addressing_style=path|virtual]``:
django-storages' S3 backend on that bucket (AWS or any S3-compatible service), with the keys of
``CONNECTOR_HUB_MEDIA_ACCESS_KEY_ID`` / ``CONNECTOR_HUB_MEDIA_SECRET_ACCESS_KEY``, or boto3's own
credential chain (``AWS_*`` variables, instance roles) when those are empty.
"""

from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ImproperlyConfigured

S3_QUERY_OPTIONS = {
    "endpoint_url": "endpoint_url",
    "region": "region_name",
    "addressing_style": "addressing_style",
}


def media_storage(url: str, *, access_key_id: str = "", secret_access_key: str = ""):
    """The ``STORAGES["default"]`` entry for ``url`` (empty: the local folder)."""
    if not url:
        return {"BACKEND": "django.core.files.storage.FileSystemStorage"}  # MEDIA_ROOT
    parts = urlsplit(url)
    if parts.scheme != "s3" or not parts.hostname:
        raise ImproperlyConfigured(
            "CONNECTOR_HUB_MEDIA_URL must look like s3://BUCKET[/PREFIX][?endpoint_url=...]; "
            f"got {parts.scheme or 'no'} scheme."
        )
    options = {
        "bucket_name": parts.netloc,
        "location": parts.path.strip("/"),
        # Content-addressed names: never overwrite, as the local folder never does.
        "file_overwrite": False,
        "default_acl": None,
    }
    for name, values in parse_qs(parts.query, keep_blank_values=True).items():
        if name not in S3_QUERY_OPTIONS:
            raise ImproperlyConfigured(
                f"CONNECTOR_HUB_MEDIA_URL: unknown option {name!r} (known: "
                f"{', '.join(S3_QUERY_OPTIONS)})."
            )
        options[S3_QUERY_OPTIONS[name]] = values[-1]
    if options.get("addressing_style") not in (None, "path", "virtual", "auto"):
        raise ImproperlyConfigured(
            "CONNECTOR_HUB_MEDIA_URL: addressing_style is path, virtual or auto."
        )
    if bool(access_key_id) != bool(secret_access_key):
        raise ImproperlyConfigured(
            "Set both CONNECTOR_HUB_MEDIA_ACCESS_KEY_ID and CONNECTOR_HUB_MEDIA_SECRET_ACCESS_KEY, "
            "or neither (boto3's own credentials)."
        )
    if access_key_id:
        options.update(access_key=access_key_id, secret_key=secret_access_key)
    return {"BACKEND": "storages.backends.s3.S3Storage", "OPTIONS": options}
