"""An ``httplib2.Http`` stand-in served by the egress guard's httpx client.

google-api-python-client and google-auth-httplib2 use only ``request()`` and ``close()`` of the
``http`` object they are given. Serving them from ``egress.http_client`` means every connection
the Drive client makes (API calls, token refreshes, media downloads, each redirect hop) is
resolved and checked by the guard, and connects to the address that was checked.
"""

import httplib2
import httpx

from registry.sources import egress

MAX_REDIRECTS = 5


class GuardedHttp:
    def __init__(self, timeout: float = 60.0):
        self.timeout = timeout
        self.client = egress.http_client(
            timeout=httpx.Timeout(timeout, connect=10.0), max_redirects=MAX_REDIRECTS
        )

    def request(
        self, uri, method="GET", body=None, headers=None, redirections=None, **kwargs
    ) -> tuple[httplib2.Response, bytes]:
        try:
            response = self.client.request(method, uri, content=body, headers=headers)
        except httpx.HTTPError as error:
            # The error google-auth and the Drive reader expect of httplib2.
            raise httplib2.HttpLib2Error(f"{type(error).__name__}: {error}") from None
        info = {name.lower(): value for name, value in response.headers.items()}
        info["status"] = str(response.status_code)
        answer = httplib2.Response(info)
        answer.reason = response.reason_phrase
        return answer, response.content

    def close(self) -> None:
        self.client.close()
