"""A pass-through HTTP proxy in front of a real local server (moto, Azurite) that can answer the
next requests with a canned throttling error instead, as S3 (503 SlowDown) or Azure (503
ServerBusy) would. Requests are forwarded unchanged, Host header included, so request
signatures made for the proxy's address still verify upstream."""

import http.client
from urllib.parse import urlsplit

from werkzeug.routing import Rule
from werkzeug.wrappers import Response

from tests.fakes.service import FakeService

HOP_BY_HOP = {"connection", "keep-alive", "transfer-encoding", "te", "trailer", "upgrade"}


class ThrottlingProxy(FakeService):
    def __init__(self, upstream: str):
        self.upstream = urlsplit(upstream)
        super().__init__()

    def rules(self):
        return [Rule("/", endpoint="forward"), Rule("/<path:rest>", endpoint="forward")]

    def fail_next_xml(self, status: int, code: str, message: str, *, retry_after=None, times=1):
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>'
            f"<Error><Code>{code}</Code><Message>{message}</Message></Error>"
        ).encode()
        headers = {"Content-Type": "application/xml", "x-ms-error-code": code}
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        self.fail_next(status, body, headers=headers, times=times)

    def forward(self, request, rest=""):
        connection = http.client.HTTPConnection(
            self.upstream.hostname, self.upstream.port, timeout=60
        )
        # The raw request target: the decoded path would break signed, percent-encoded keys.
        path = request.environ.get("RAW_URI") or request.environ.get("REQUEST_URI") or "/"
        headers = {k: v for k, v in request.headers.items() if k.lower() not in HOP_BY_HOP}
        try:
            connection.request(request.method, path, body=request.get_data(), headers=headers)
            upstream = connection.getresponse()
            body = upstream.read()
            response_headers = [
                (k, v) for k, v in upstream.getheaders() if k.lower() not in HOP_BY_HOP
            ]
            response = Response(body, status=upstream.status, headers=response_headers)
            if request.method == "HEAD":
                response.automatically_set_content_length = False
            return response
        finally:
            connection.close()
