"""A loopback HTTP server for the built site, for browser tests and the calculator benchmark.

Pyodide cannot load from file://, and the service worker needs a real origin, so `dist/` is
served over HTTP on 127.0.0.1. The site is mounted under a sub-path (``/guide/`` by default,
matching the build's ``--base-url``) so any root-relative link shows up as a 404.

The server also:
- sends each page's Content-Security-Policy as a header too (meta CSP does not reach Web
  Workers, so this is what proves the worker runs under the same policy);
- records every request it answers (`requests`), so tests can check what left the page;
- can be switched `offline`, answering nothing useful, to prove a visit needs no network;
- serves extra in-memory files (`extra`), e.g. axe-core for tests, at fixed paths;
- can behave like a static host (`host`): ``"gzip"`` compresses on the fly what GitHub
  Pages compresses (not ``.zip`` or ``.whl``), ``"precompressed"`` serves the build's
  ``.br`` / ``.gz`` files beside the originals (nginx ``gzip_static``/``brotli_static``);
  `cache_control` adds a Cache-Control header (GitHub Pages sends ``max-age=600``). Like a
  CDN's edge, the gzip host compresses a file once and keeps the result (keyed by path, size
  and modification time): compressing the 9.6 MB WebAssembly binary anew for every request
  delayed its first byte by 1.3-1.5 s, a delay hosts that cache what they compressed do not
  have;
- records the bytes it sent for each request (`Recorded.sent`, body after compression).
"""

from __future__ import annotations

import contextlib
import gzip
import html
import mimetypes
import posixpath
import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from site_builder.render import CSP_WASM

MIME = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".whl": "application/octet-stream",
    # A brotli copy requested by name (the calculator's first visit): an unknown type to
    # GitHub Pages and nginx, sent as it is (not compressed again, no Content-Encoding).
    ".br": "application/octet-stream",
    ".zip": "application/zip",
    ".json": "application/json",
}
# What GitHub Pages compresses on the fly (by type): text, scripts, JSON, WebAssembly.
GZIP_TYPES = ("text/", "application/javascript", "application/json", "application/wasm",
              "image/svg+xml", "application/xml")


@dataclass
class Recorded:
    """One request the server saw."""

    method: str
    path: str
    headers: dict[str, str]
    body: bytes
    sent: int = 0  # response body bytes as sent (after any compression)


@dataclass
class SiteServer:
    """A running server: `origin` + `base` is the site's root URL."""

    dist: Path
    base: str = "/guide/"
    csp_header: bool = True
    offline: bool = False
    extra: dict[str, tuple[bytes, str]] = field(default_factory=dict)
    host: str | None = None  # None (plain), "gzip" or "precompressed"
    cache_control: str | None = None
    # Requests whose path contains a key wait (up to a minute) until its event is set: a file
    # that arrives late, at a moment the test chooses.
    hold: dict[str, threading.Event] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    origin: str = ""
    # The gzip host's compressed files: (path, size, mtime) -> bytes.
    _gzipped: dict[tuple[str, int, int], bytes] = field(default_factory=dict)
    _httpd: ThreadingHTTPServer | None = None

    @property
    def root(self) -> str:
        """Absolute URL of the site's home page."""
        return self.origin + self.base

    def url(self, path: str) -> str:
        """Absolute URL of a site-relative path, e.g. ``calculator/``."""
        return self.root + path

    def gzipped(self, file: Path, data: bytes) -> bytes:
        """`data` (the contents of `file`) gzip-compressed, once per version of the file."""
        stat = file.stat()
        key = (str(file), stat.st_size, stat.st_mtime_ns)
        if key in self._gzipped and len(data) == stat.st_size:
            return self._gzipped[key]
        compressed = gzip.compress(data, 6, mtime=0)
        if len(data) == stat.st_size:  # else the file changed while it was read: keep nothing
            self._gzipped[key] = compressed
        return compressed

    def start(self) -> SiteServer:
        server = self

        class Handler(SimpleHTTPRequestHandler):
            extensions_map = {**SimpleHTTPRequestHandler.extensions_map, **MIME}

            def guess_type(self, path):
                suffix = Path(str(path)).suffix
                return MIME.get(suffix) or mimetypes.guess_type(str(path))[0] or (
                    "application/octet-stream")

            def __init__(self, *args, **kwargs):
                super().__init__(*args, directory=str(server.dist), **kwargs)

            def log_message(self, format, *args):
                pass  # keep test output clean; `requests` holds the record

            def _record(self) -> bool:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                self.recorded = Recorded(self.command, self.path, dict(self.headers.items()), body)
                server.requests.append(self.recorded)
                if server.offline:
                    # Like a dropped connection: no status line, nothing cached.
                    self.close_connection = True
                    return False
                return True

            def do_GET(self):
                if not self._record():
                    return
                for key, event in list(server.hold.items()):
                    if key in self.path:
                        event.wait(60)
                path = urllib.parse.urlsplit(self.path).path
                if path in server.extra:
                    data, content_type = server.extra[path]
                    self._send(data, content_type)
                    return
                if server.host is not None:
                    self._send_like_a_host()
                    return
                file = Path(self.translate_path(self.path))
                if file.is_dir():
                    file = file / "index.html"
                if file.is_file():
                    self.recorded.sent = file.stat().st_size
                super().do_GET()

            def _send(self, data: bytes, content_type: str, encoding: str | None = None,
                      status: int = 200) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                if encoding:
                    self.send_header("Content-Encoding", encoding)
                self.send_header("Vary", "Accept-Encoding")
                if server.cache_control:
                    self.send_header("Cache-Control", server.cache_control)
                self.end_headers()
                self.wfile.write(data)
                self.recorded.sent = len(data)

            def _send_like_a_host(self) -> None:
                file = Path(self.translate_path(self.path))
                if self.path.split("?")[0].endswith("/") and file.is_dir():
                    file = file / "index.html"
                if not file.is_file():
                    self._send(b"not found", "text/plain", status=404)
                    return
                content_type = self.guess_type(str(file))
                accepted = self.headers.get("Accept-Encoding", "")
                if server.host == "precompressed":
                    for encoding, suffix in (("br", ".br"), ("gzip", ".gz")):
                        twin = file.with_name(file.name + suffix)
                        if encoding in accepted and twin.is_file():
                            self._send(twin.read_bytes(), content_type, encoding)
                            return
                data = file.read_bytes()
                if (server.host == "gzip" and "gzip" in accepted
                        and content_type.startswith(GZIP_TYPES)):
                    self._send(server.gzipped(file, data), content_type, "gzip")
                    return
                self._send(data, content_type)

            def do_HEAD(self):
                if self._record():
                    super().do_HEAD()

            def do_POST(self):
                if self._record():
                    self.send_error(405)

            def translate_path(self, path):
                clean = urllib.parse.unquote(urllib.parse.urlsplit(path).path)
                if not clean.startswith(server.base):
                    return str(server.dist / "__outside_base_url__")
                rest = posixpath.normpath(clean[len(server.base):]).lstrip("/")
                if rest in (".", ""):
                    rest = ""
                if rest.startswith(".."):
                    return str(server.dist / "__outside_base_url__")
                target = server.dist / rest
                if clean.endswith("/") and target.is_dir():
                    return str(target) + "/"
                return str(target)

            def end_headers(self):
                if server.csp_header:
                    # A page gets its own policy (the calculator's names its inline start
                    # script's hash); anything else the calculator's, the widest the site
                    # uses: the worker takes its policy from this header.
                    self.send_header("Content-Security-Policy",
                                     page_policy(self.translate_path(self.path)) or CSP_WASM)
                super().end_headers()

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None


_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]+)">')


def page_policy(path: str) -> str | None:
    """The CSP of the built page at file-system `path` (a folder means its index.html), as its
    meta tag states it: what a host sending the site's policies as headers sends with it."""
    target = Path(path)
    if target.is_dir():
        target = target / "index.html"
    if target.suffix != ".html" or not target.is_file():
        return None
    found = _CSP_META.search(target.read_text(encoding="utf-8", errors="replace"))
    return html.unescape(found.group(1)) if found else None


@contextlib.contextmanager
def serve(dist: Path, base: str = "/guide/", **options):
    """Serve `dist` at ``http://127.0.0.1:<port><base>`` for the duration of the block."""
    server = SiteServer(dist=dist, base=base, **options).start()
    try:
        yield server
    finally:
        server.stop()
