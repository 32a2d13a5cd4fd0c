"""What every app's API shares: API-key authentication and the acting workspace (``auth``,
``base``), errors in each family's shape (``errors``), pagination, idempotency keys, body
parsers, rate limits, filtering, renderers, fast read-only serializers and the OpenAPI helpers.
The families themselves are in the ``api`` package."""
