"""A fake of the platforms for tests: one HTTP server on 127.0.0.1, in a thread, answering in
the documented shapes of the Graph API (Facebook Page feed, Instagram media), the YouTube Data
API, an RSS feed, LinkedIn's Community Management API and the token endpoints that renew Google's,
LinkedIn's and Instagram Login's tokens. The test sets its state (posts,
comments, edits, hides, deletions) and scripts faults (429 with ``Retry-After``, Graph throttling
and token errors, garbage, a hang) for the next requests whose path holds a given text.

Every fixture is invented: no real data, no real tokens."""

from __future__ import annotations

import contextlib
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

from fake_platform.feeds import FeedState
from fake_platform.graph import FacebookState, InstagramState
from fake_platform.linkedin import LinkedInState
from fake_platform.tokens import TokenEndpoints
from fake_platform.wire import Fault, Request, Response, hang
from fake_platform.youtube import YouTubeState

__all__ = ["FakePlatform", "Fault", "hang", "serving"]


class FakePlatform:
    def __init__(self) -> None:
        self.base_url = ""
        self.facebook = FacebookState()
        self.instagram = InstagramState()
        self.youtube = YouTubeState()
        self.feed = FeedState()
        self.linkedin = LinkedInState()
        self.tokens = TokenEndpoints(self)
        self.requests: list[Request] = []
        self.released = threading.Event()  # ends every hang (at the end of the test)
        self._faults: list[tuple[str, Fault]] = []
        self._lock = threading.Lock()

    def fail(self, path_holding: str, *faults: Fault) -> None:
        """The next requests whose path holds ``path_holding`` answer these faults, in order."""
        with self._lock:
            self._faults.extend((path_holding, fault) for fault in faults)

    def requests_to(self, path_holding: str) -> list[Request]:
        return [request for request in self.requests if path_holding in request.path]

    def answer(self, request: Request) -> Response:
        with self._lock:
            self.requests.append(request)
            fault = next(((held, f) for held, f in self._faults if held in request.path), None)
            if fault is not None:
                self._faults.remove(fault)
        if fault is not None:
            return fault[1](self)
        for state in (self.tokens, self.instagram, self.facebook, self.youtube, self.feed, self.linkedin):
            response = state.answer(request, self.base_url)
            if response is not None:
                return response
        return Response.json({"error": "no such route"}, 404)


def _handler(platform: FakePlatform) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # The headers and the body go out in two writes: with Nagle's algorithm on, the body waits
        # for the client's delayed ACK of the headers (40 ms on Linux), on every kept-alive request.
        disable_nagle_algorithm = True

        def do_GET(self) -> None:
            self._answer("GET", {})

        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            self._answer("POST", {key: values[0] for key, values in parse_qs(body, keep_blank_values=True).items()})

        def _answer(self, method: str, form: dict[str, str]) -> None:
            parts = urlsplit(self.path)
            query = {key: values[0] for key, values in parse_qs(parts.query, keep_blank_values=True).items()}
            headers = {key.lower(): value for key, value in self.headers.items()}
            response = platform.answer(Request(parts.path, query, headers, method, form))
            with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (a hang)
                self.send_response(response.status)
                for key, value in response.headers.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(response.body)))
                self.end_headers()
                self.wfile.write(response.body)

        def log_message(self, format: str, *args: object) -> None:
            pass

    return Handler


@contextmanager
def serving(platform: FakePlatform | None = None) -> Iterator[FakePlatform]:
    platform = platform or FakePlatform()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(platform))
    server.daemon_threads = True
    platform.base_url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, args=(0.02,), name="fake-platform", daemon=True)
    thread.start()
    try:
        yield platform
    finally:
        platform.released.set()
        server.shutdown()
        server.server_close()
        thread.join(timeout=15)
