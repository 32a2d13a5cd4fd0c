"""Small local stand-ins for SaaS APIs that tests cannot reach, one module per service.

Each implements only the endpoints the readers use, with the vendor's documented response
shapes, pagination, authentication checks and error codes, and can be told to fail the next
requests (e.g. a 429 with ``Retry-After``) to prove the readers' handling.
"""
