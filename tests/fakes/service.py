"""The base of the fake services: a werkzeug app served from a thread on 127.0.0.1 (optionally
over TLS), a log of the requests it received, and scripted failures."""

import json
import threading
from dataclasses import dataclass, field

from werkzeug.exceptions import HTTPException, NotFound
from werkzeug.routing import Map, Rule
from werkzeug.serving import WSGIRequestHandler, make_server
from werkzeug.wrappers import Request, Response


@dataclass
class Fault:
    status: int
    body: bytes
    headers: dict
    path_contains: str
    remaining: int


@dataclass
class Seen:
    method: str
    path: str
    args: dict
    headers: dict = field(repr=False)


def json_response(body, status: int = 200, headers: dict | None = None) -> Response:
    return Response(
        json.dumps(body), status=status, headers=headers or {}, content_type="application/json"
    )


class QuietHandler(WSGIRequestHandler):
    def log_request(self, *args, **kwargs):
        pass


class FakeService:
    """Subclasses list their routes in ``rules()`` (endpoint = method name) and keep their state
    in attributes that ``reset()`` restores."""

    scheme = "http"

    def __init__(self, ssl_context=None):
        self.ssl_context = ssl_context
        if ssl_context is not None:
            self.scheme = "https"
        self.url_map = Map(self.rules(), strict_slashes=False, merge_slashes=False)
        self._lock = threading.Lock()
        self.faults: list[Fault] = []
        self.seen: list[Seen] = []
        self.server = None
        self.reset()

    def rules(self) -> list[Rule]:
        raise NotImplementedError

    def reset(self) -> None:
        with self._lock:
            self.faults.clear()
            self.seen.clear()

    @property
    def url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.server.server_port}"

    def start(self) -> "FakeService":
        self.server = make_server(
            "127.0.0.1",
            0,
            self.wsgi,
            threaded=True,
            ssl_context=self.ssl_context,
            request_handler=QuietHandler,
        )
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)

    def fail_next(
        self,
        status: int,
        body=None,
        *,
        headers: dict | None = None,
        path_contains: str = "",
        times: int = 1,
    ) -> None:
        """Answer the next ``times`` requests whose path contains ``path_contains`` with this."""
        payload = body if isinstance(body, bytes) else json.dumps(body or {}).encode()
        with self._lock:
            self.faults.append(
                Fault(
                    status,
                    payload,
                    {"Content-Type": "application/json", **(headers or {})},
                    path_contains,
                    times,
                )
            )

    def requests_to(self, fragment: str) -> list[Seen]:
        return [s for s in self.seen if fragment in s.path]

    def _take_fault(self, path: str) -> Fault | None:
        with self._lock:
            for fault in self.faults:
                if fault.path_contains in path and fault.remaining > 0:
                    fault.remaining -= 1
                    if fault.remaining == 0:
                        self.faults.remove(fault)
                    return fault
        return None

    def wsgi(self, environ, start_response):
        request = Request(environ)
        with self._lock:
            self.seen.append(
                Seen(
                    request.method,
                    request.path,
                    request.args.to_dict(flat=False),
                    dict(request.headers),
                )
            )
        fault = self._take_fault(request.path)
        if fault is not None:
            response = Response(fault.body, status=fault.status, headers=fault.headers)
            return response(environ, start_response)
        adapter = self.url_map.bind_to_environ(environ)
        try:
            endpoint, values = adapter.match()
            response = getattr(self, endpoint)(request, **values)
        except NotFound:
            response = self.not_found(request)
        except HTTPException as error:
            response = error.get_response(environ)
        return response(environ, start_response)

    def not_found(self, request: Request) -> Response:
        return json_response({"message": f"No route for {request.path}"}, 404)
