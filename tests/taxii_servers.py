"""Real TAXII servers on loopback for the source tests: medallion (the OASIS reference
server) in its own process, and a small hostile server that times out, lies about `more`
or repeats pages."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import requests
from channel_servers import free_port

MEDIA = "application/taxii+json;version=2.1"


@contextmanager
def medallion(folder: Path, page_size: int, user: str, password: str
              ) -> Iterator[tuple[str, str]]:
    """medallion 3 (memory backend) in a subprocess with one empty collection; yields the
    API root URL and the collection id."""
    port = free_port()
    collection = str(uuid.uuid4())
    root = f"http://127.0.0.1:{port}/api1/"
    data = {"/discovery": {"title": "medallion", "api_roots": [root]},
            "api1": {"information": {"title": "api1", "versions": [MEDIA],
                                     "max_content_length": 100_000_000},
                     "status": [], "collections": [{
                         "id": collection, "title": "third-party data", "can_read": True,
                         "can_write": True, "media_types": [], "objects": [],
                         "manifest": []}]}}
    (folder / "medallion-data.json").write_text(json.dumps(data))
    config = {"backend": {"module": "medallion.backends.memory_backend",
                          "module_class": "MemoryBackend",
                          "filename": str(folder / "medallion-data.json")},
              "users": {user: password}, "taxii": {"max_page_size": page_size}}
    (folder / "medallion.json").write_text(json.dumps(config))
    server = subprocess.Popen([sys.executable, "-m", "medallion.scripts.run", "--port",
                               str(port), str(folder / "medallion.json")],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_up(f"{root}collections/", (user, password))
        yield root, collection
    finally:
        server.terminate()
        server.wait(10)


def wait_up(url: str, auth: tuple[str, str] | None = None, seconds: float = 60) -> None:
    """Wait until `url` answers (any status but a refused connection). A server's first
    answer can take seconds on a loaded machine (it imports what that request needs), so
    only the connection is timed tightly."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            requests.get(url, auth=auth, headers={"Accept": MEDIA}, timeout=(2, 60))
            return
        except requests.ConnectionError:
            assert time.monotonic() < deadline, f"{url} never came up"
            time.sleep(0.1)


def stix_object(index: int) -> dict[str, Any]:
    """A plain STIX attack-pattern (no handling extension)."""
    return {"type": "attack-pattern", "spec_version": "2.1",
            "id": f"attack-pattern--{uuid.uuid5(uuid.NAMESPACE_DNS, f'hostile/{index}')}",
            "created": "2026-03-01T00:00:00.000Z", "modified": "2026-03-01T00:00:00.000Z",
            "name": f"hostile technique {index}"}


@dataclass
class Hostile:
    """What the hostile server serves, and how it misbehaves (`mode`)."""

    objects: list[dict[str, Any]]
    page: int = 10
    mode: str = "honest"
    stall: float = 3.0
    requests: list[dict[str, list[str]]] = field(default_factory=list)

    def answer(self, query: dict[str, list[str]]) -> tuple[dict[str, Any], str]:
        """The envelope for a request, and its X-TAXII-Date-Added-Last."""
        self.requests.append(query)
        start = int(query.get("next", ["0"])[0])
        after = query.get("added_after", [""])[0]
        pool = [o for i, o in enumerate(self.objects) if _added(i) > after]
        if self.mode == "repeat":  # every `next` serves the first page again
            start = 0
        chunk = pool[start:start + self.page]
        more = start + self.page < len(pool)
        if self.mode == "empty-more" and start >= self.page:
            chunk, more = [], True
        if self.mode == "stall" and start >= self.page:
            time.sleep(self.stall)
        last = _added(self.objects.index(chunk[-1])) if chunk else ""
        body: dict[str, Any] = {"more": more, "objects": chunk}
        if more and self.mode != "no-next":
            body["next"] = str(start + self.page)
        return body, last


def _added(index: int) -> str:
    """The date_added of the object at `index` (ten objects per second)."""
    return f"2026-03-01T00:{index // 600:02d}:{index // 10 % 60:02d}.{index % 10}00000Z"


@contextmanager
def hostile_server(state: Hostile) -> Iterator[str]:
    """A TAXII-looking server for `state`; yields its API root URL."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            parts = urlsplit(self.path)
            if not parts.path.endswith("/objects/"):
                self._send({"id": "c1", "title": "hostile", "can_read": True,
                            "can_write": False}, "")
                return
            body, last = state.answer(parse_qs(parts.query))
            self._send(body, last)

        def _send(self, body: dict[str, Any], last: str) -> None:
            raw = json.dumps(body).encode()
            try:
                self.send_response(200)
                self.send_header("Content-Type", MEDIA)
                if last:
                    self.send_header("X-TAXII-Date-Added-Last", last)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)
            except (BrokenPipeError, ConnectionResetError):
                pass

        def log_message(self, *args: Any) -> None:
            """Quiet."""

    server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/api/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)
