"""`sitegen serve`: build, serve the output over HTTP, rebuild on change, reload the browser.

The pages on disk are exactly what a build writes; the live-reload script is
added to HTML responses as they are served, so the preview never changes the
output. Binds to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

import errno
import functools
import http.server
import json
import sys
import threading
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import UsageError, to_json
from ..model import Diagnostic

LIVE_PATH = "/__sitegen/live.js"
EVENTS_PATH = "/__sitegen/events"
_TAG = b'<script src="/__sitegen/live.js" defer></script>'


class LiveState:
    """The preview's state, shared between the rebuild thread and request threads."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self.generation = 0
        self.errors: list[dict[str, Any]] = []
        self.closed = False

    def publish(self, diagnostics: list[Diagnostic] | None) -> None:
        """A rebuild finished: None means it succeeded, otherwise the diagnostics to show."""
        with self._cond:
            if diagnostics is None:
                self.generation += 1
                self.errors = []
            else:
                self.errors = [to_json(d) for d in diagnostics if d.level == "error"] or [to_json(d) for d in diagnostics]
            self._cond.notify_all()

    def snapshot(self) -> tuple[int, list[dict[str, Any]]]:
        with self._cond:
            return self.generation, list(self.errors)

    def wait_for_change(self, seen: tuple[int, list], timeout: float) -> tuple[int, list[dict[str, Any]]]:
        with self._cond:
            self._cond.wait_for(lambda: self.closed or (self.generation, self.errors) != seen, timeout)
            return self.generation, list(self.errors)

    def close(self) -> None:
        with self._cond:
            self.closed = True
            self._cond.notify_all()


class _Handler(http.server.SimpleHTTPRequestHandler):
    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, ".wasm": "application/wasm",
                      ".js": "text/javascript", ".json": "application/json", ".svg": "image/svg+xml"}
    state: LiveState
    live_js: bytes

    def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - the stdlib's name
        pass

    def end_headers(self) -> None:
        # A preview must always show the newest build.
        self.send_header("Cache-Control", "no-store")
        super().end_headers()

    def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
        path = self.path.split("?", 1)[0]
        if path == LIVE_PATH:
            return self._send(200, "text/javascript", self.live_js)
        if path == EVENTS_PATH:
            return self._events()
        if path.endswith("/") or path.endswith(".html"):
            return self._html(path)
        return super().do_GET()

    def _send(self, status: int, kind: str, body: bytes) -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def _html(self, path: str) -> None:
        local = Path(self.translate_path(path))
        if local.is_dir():
            local = local / "index.html"
        if not local.is_file():
            missing = Path(self.directory) / "404.html"
            body = missing.read_bytes() if missing.is_file() else b"<!doctype html><title>Not found</title><p>Not found"
            return self._send(404, "text/html; charset=utf-8", self._inject(body))
        return self._send(200, "text/html; charset=utf-8", self._inject(local.read_bytes()))

    @staticmethod
    def _inject(body: bytes) -> bytes:
        at = body.find(b"</head>")
        return body[:at] + _TAG + body[at:] if at >= 0 else body + _TAG

    def _events(self) -> None:
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.end_headers()
        seen = self.state.snapshot()
        try:
            while not self.state.closed:
                payload = json.dumps({"generation": seen[0], "errors": seen[1]})
                self.wfile.write(f"event: state\ndata: {payload}\n\n".encode())
                self.wfile.flush()
                seen = self.state.wait_for_change(seen, timeout=15.0)
        except (BrokenPipeError, ConnectionResetError):
            pass


def make_server(folder: Path, host: str, port: int, state: LiveState) -> http.server.ThreadingHTTPServer:
    """An HTTP server for the output folder; a clear error when the port is taken."""
    live_js = resources.files("sitegen").joinpath("defaults/live.js").read_bytes()
    handler = type("Handler", (_Handler,), {"state": state, "live_js": live_js})
    try:
        server = http.server.ThreadingHTTPServer((host, port), functools.partial(handler, directory=str(folder)))
    except OSError as exc:
        if exc.errno == errno.EADDRINUSE:
            raise UsageError(f"port {port} on {host} is already in use; stop the other server or choose another port with --port") from None
        if exc.errno == errno.EADDRNOTAVAIL:
            raise UsageError(f"cannot listen on {host}: this machine has no such address") from None
        raise UsageError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    server.daemon_threads = True
    return server


def server_url(server: http.server.ThreadingHTTPServer, host: str) -> str:
    """The address a browser opens, with the port actually bound (for --port 0)."""
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{server.server_address[1]}/"


def run_server(server: http.server.ThreadingHTTPServer, state: LiveState) -> None:
    """Serve until Ctrl-C."""
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        state.close()
        server.server_close()


def print_ready(url: str, host: str) -> None:
    """Say where the preview is, and who can reach it."""
    print(f"serving the site at {url}  (Ctrl-C to stop)", file=sys.stderr)
    if host in ("127.0.0.1", "localhost", "::1"):
        print("only this computer can open it (bound to the loopback address)", file=sys.stderr)
    else:
        print(f"warning: bound to {host}: other computers on the network can open the preview", file=sys.stderr)
