"""``python -m site_builder serve``: build, serve the output locally, rebuild on change.

Standard library only. The server gives the MIME types the calculator needs
(``.wasm`` must be ``application/wasm`` for streaming compilation, ``.mjs`` must be
JavaScript for module workers), answers unknown paths with the site's 404.html, and
serves the site under ``--base-url`` exactly as a static host would. A watcher polls the
modification times of the sources; data, content, rules and template changes trigger a
rebuild, while a change to Python code restarts the process, since imported modules cannot
be reloaded safely. Every rebuild reads all sources afresh (the rules too: see
`rules.ScoringRules`) and validates them before anything is rendered or packed into the
calculator's wheel. No error stops the watcher: a failed rebuild — a `BuildError` or any
other exception — is reported, the last good site stays served, and the next change
triggers a new attempt.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
import time
import traceback
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlsplit

from .build import build
from .errors import BuildError
from .output import check_output_folder
from .render import BuildOptions

MIME_TYPES = {
    ".wasm": "application/wasm",
    ".mjs": "text/javascript",
    ".js": "text/javascript",
    ".json": "application/json",
    ".css": "text/css",
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml",
    ".txt": "text/plain; charset=utf-8",
    ".zip": "application/zip",
    ".whl": "application/zip",
    ".svg": "image/svg+xml",
}
PACKAGE_DIR = Path(__file__).resolve().parent
POLL_SECONDS = 0.5


class SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves one built site folder under a base path, as a static host would."""

    extensions_map = {**http.server.SimpleHTTPRequestHandler.extensions_map, **MIME_TYPES}

    def __init__(self, *args, directory: str, base_url: str, **kwargs) -> None:
        self.base_url = base_url
        super().__init__(*args, directory=directory, **kwargs)

    def translate_path(self, path: str) -> str:
        request_path = urlsplit(path).path
        if request_path + "/" == self.base_url:
            request_path = self.base_url  # "/repo" → the folder, which then redirects
        if not request_path.startswith(self.base_url):
            # A path that never exists, so the request gets the 404 page.
            return os.path.join(self.directory, ".outside-base-url", "missing")
        return super().translate_path("/" + request_path[len(self.base_url):])

    def end_headers(self) -> None:
        # Revalidate every time, so a rebuilt page never mixes with cached assets.
        self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None):
        page = Path(self.directory) / "404.html"
        if code != 404 or not page.is_file():
            return super().send_error(code, message, explain)
        body = page.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", MIME_TYPES[".html"])
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (stdlib signature)
        sys.stderr.write(f"  {self.address_string()} {format % args}\n")


def make_server(out: Path, base_url: str, host: str, port: int) -> http.server.HTTPServer:
    """A threaded HTTP server for the folder `out` (port 0 picks a free port)."""
    handler = functools.partial(SiteHandler, directory=str(out), base_url=base_url)
    return http.server.ThreadingHTTPServer((host, port), handler)


class Watcher:
    """Polls source files and rebuilds (or restarts) when one changes."""

    def __init__(self, root: Path, rebuild: Callable[[], None]) -> None:
        self.folders = [
            root / "catalogue", root / "content", root / "scoring", PACKAGE_DIR,
        ]
        self.rebuild = rebuild
        self.seen = self.snapshot()

    def snapshot(self) -> dict[Path, tuple[int, int]]:
        """Modification time and size of every source file under the watched folders (a file
        that vanishes or cannot be read while we look is left out; links are not followed)."""
        times = {}
        for folder in self.folders:
            try:
                paths = list(folder.rglob("*")) if folder.is_dir() else []
            except OSError:
                paths = []
            for path in paths:
                if "__pycache__" in path.parts:
                    continue
                try:
                    info = path.stat()
                except OSError:  # e.g. a loop of links: watch the link itself
                    try:
                        info = path.lstat()
                    except OSError:
                        continue
                if not path.is_dir():
                    times[path] = (info.st_mtime_ns, info.st_size)
        return times

    def check(self) -> list[Path]:
        """One poll: rebuild if anything changed; returns the changed files."""
        now = self.snapshot()
        changed = sorted(p for p in now.keys() | self.seen.keys() if now.get(p) != self.seen.get(p))
        self.seen = now
        if any(path.suffix == ".py" for path in changed):
            print("Python code changed: restarting", file=sys.stderr)
            os.execv(sys.executable, [sys.executable, *sys.orig_argv[1:]])
        if changed:
            print(f"changed: {', '.join(p.name for p in changed[:5])}", file=sys.stderr)
            self.rebuild()
        return changed

    def run_forever(self) -> None:
        while True:
            time.sleep(POLL_SECONDS)
            try:
                self.check()
            except Exception:  # keep watching whatever happens (see module docstring)
                print("watcher error (still watching):", file=sys.stderr)
                traceback.print_exc()


def rebuild_once(root: Path, out: Path, options: BuildOptions, **kwargs) -> bool:
    """One rebuild for the dev server: True if it succeeded. Never raises (except
    KeyboardInterrupt and the like): a failure is printed and the previous output stays."""
    try:
        report = build(root, out, options, **kwargs)
    except BuildError as err:
        print(f"build failed (still serving the previous build): {err}", file=sys.stderr)
    except Exception as err:
        print(f"build failed (still serving the previous build): {type(err).__name__}: {err}",
              file=sys.stderr)
        traceback.print_exc()
    else:
        print(f"built {report.pages} pages in {report.seconds:.2f} s", file=sys.stderr)
        return True
    return False


def serve(root: Path, out: Path, options: BuildOptions, *, host: str, port: int) -> int:
    """Build, then serve `out` until interrupted, rebuilding when sources change.

    Raises `BuildError` before doing anything if the build may not replace `out`.
    """
    check_output_folder(out, root)

    def rebuild() -> None:
        rebuild_once(root, out, options)

    rebuild()
    out.mkdir(parents=True, exist_ok=True)  # serve even if the first build failed
    watcher = Watcher(root, rebuild)
    threading.Thread(target=watcher.run_forever, daemon=True).start()
    server = make_server(out, options.base_url, host, port)
    print(f"serving {out} on http://{host}:{server.server_port}{options.base_url} "
          "(Ctrl+C to stop)", file=sys.stderr)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()
    return 0
