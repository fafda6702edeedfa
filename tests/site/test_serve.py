"""The development server: MIME types, base URL, 404 page, rebuild on change."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from site_builder.serve import Watcher, make_server

from .conftest import build_fixture


@pytest.fixture
def server_for(tmp_path: Path):
    servers = []

    def start(out: Path, base_url: str = "/") -> str:
        server = make_server(out, base_url, "127.0.0.1", 0)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url) as response:
            return response.status, response.headers["Content-Type"], response.read()
    except urllib.error.HTTPError as err:
        return err.code, err.headers["Content-Type"], err.read()


def test_served_mime_types(tmp_path: Path, server_for) -> None:
    out = tmp_path / "dist"
    out.mkdir()
    for name in ("a.wasm", "b.mjs", "c.js", "d.json", "e.css", "f.whl", "g.zip"):
        (out / name).write_bytes(b"x")
    origin = server_for(out)
    expected = {
        "a.wasm": "application/wasm", "b.mjs": "text/javascript", "c.js": "text/javascript",
        "d.json": "application/json", "e.css": "text/css", "f.whl": "application/zip",
        "g.zip": "application/zip",
    }
    for name, mime in expected.items():
        assert fetch(f"{origin}/{name}")[:2] == (200, mime), name


def test_served_under_base_url_with_404_page(fixture_root: Path, tmp_path: Path, server_for):
    out = tmp_path / "dist"
    build_fixture(fixture_root, out, base_url="/repo/")
    origin = server_for(out, "/repo/")

    status, mime, body = fetch(f"{origin}/repo/catalogue/quals/accountant/")
    assert (status, mime) == (200, "text/html; charset=utf-8")
    assert "会计专业技术资格（中级）" in body.decode()
    assert fetch(f"{origin}/repo")[0] == 200  # redirected to /repo/
    for missing in ("/repo/no/such/page/", "/catalogue/quals/"):  # the latter is outside /repo/
        status, _, body = fetch(origin + missing)
        assert status == 404
        assert "页面不存在" in body.decode()


def test_watcher_rebuilds_when_a_source_changes(fixture_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "dist"
    build_fixture(fixture_root, out)
    watcher = Watcher(fixture_root, lambda: build_fixture(fixture_root, out))
    assert watcher.check() == []

    page = fixture_root / "content" / "title-skill.md"
    text = page.read_text(encoding="utf-8")
    page.write_text(text.replace("只取较高的一项", "只取较高一项（改）"), encoding="utf-8")
    assert watcher.check() == [page]
    html = (out / "policy/title-skill/index.html").read_text(encoding="utf-8")
    assert "只取较高一项（改）" in html
    assert watcher.check() == []
