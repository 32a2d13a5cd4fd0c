"""A hostile HTTP server for tests: every request gets ``status`` (401 by default) and a JSON
body echoing the request line, every header and the body it received. A source that copies an
answer into an error message would copy the credentials it sent with it."""

import json
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class _EchoHandler(BaseHTTPRequestHandler):
    status = 401

    def _answer(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode(errors="replace") if length else ""
        echoed = {
            "error": "Unauthorized",
            "message": f"Refused {self.command} {self.path} with {dict(self.headers)} and {body}",
        }
        data = json.dumps(echoed).encode()
        self.send_response(self.server.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.send_header("WWW-Authenticate", f'Basic realm="{self.headers.get("Authorization")}"')
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_HEAD = do_DELETE = _answer

    def log_message(self, format, *args):
        pass


@contextmanager
def echo_server(status: int = 401):
    server = ThreadingHTTPServer(("127.0.0.1", 0), _EchoHandler)
    server.status = status
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
