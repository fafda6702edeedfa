"""The development server: MIME types, base URL, 404 page, rebuild on change."""

from __future__ import annotations

import datetime
import shutil
import threading
import time
import urllib.error
import urllib.request
import zipfile
from pathlib import Path

import pytest

from scoring import parameters
from site_builder import calculator
from site_builder import serve as serve_module
from site_builder.render import BuildOptions
from site_builder.serve import Watcher, make_server, rebuild_once

from .conftest import build_fixture
from .golden import output_files


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


# --- issue 10 #4: every rebuild reads everything afresh and survives any error -------------

@pytest.fixture
def project(fixture_root: Path, monkeypatch) -> Path:
    """The fixture site with its own copy of the scoring package (rules included), which the
    build reads its rules from and packs into the calculator's wheel."""
    repo = Path(parameters.__file__).resolve().parents[1]
    shutil.copytree(repo / "scoring", fixture_root / "scoring",
                    ignore=shutil.ignore_patterns("__pycache__"))
    (fixture_root / "node_modules").symlink_to(repo / "node_modules")
    shutil.copy(repo / "package-lock.json", fixture_root / "package-lock.json")
    monkeypatch.setattr(calculator, "PROJECT_ROOT", fixture_root)
    if hasattr(calculator, "SCORING_DIR"):
        monkeypatch.setattr(calculator, "SCORING_DIR", fixture_root / "scoring")
    monkeypatch.setattr(parameters, "rules_folder", lambda: fixture_root / "scoring" / "rules")
    parameters.rules.cache_clear()
    yield fixture_root
    monkeypatch.undo()
    parameters.rules.cache_clear()


def wheel_rules(out: Path) -> str:
    (wheel,) = (out / "calculator").glob("scoring-*.whl")
    with zipfile.ZipFile(wheel) as zf:
        return zf.read("scoring/rules/indicators.toml").decode("utf-8")


def age_table(out: Path) -> str:
    html = (out / "policy" / "overview" / "index.html").read_text(encoding="utf-8")
    return html[html.index("<table"):html.index("</table>")]


def test_dev_server_rebuilds_rules_afresh_and_survives_errors(project: Path, tmp_path: Path,
                                                              capsys) -> None:
    out = tmp_path / "dist"
    options = BuildOptions(on=datetime.date(2026, 11, 21))
    assert rebuild_once(project, out, options)
    watcher = Watcher(project, lambda: rebuild_once(project, out, options))
    watcher.folders.append(project / "scoring")  # as the real project root's scoring/ is
    assert "<td>30</td>" in age_table(out)

    # An edited indicators.toml reaches the explainer tables and the wheel alike.
    indicators = project / "scoring" / "rules" / "indicators.toml"
    text = indicators.read_text(encoding="utf-8")
    indicators.write_text(text.replace("{ min = 16, points = 30 }", "{ min = 16, points = 31 }"),
                          encoding="utf-8")
    assert watcher.check() == [indicators]
    assert "<td>31</td>" in age_table(out) and "<td>30</td>" not in age_table(out)
    assert "points = 31" in wheel_rules(out)
    good = output_files(out)

    # A broken indicators.toml is reported, not shipped; the last good site stays.
    capsys.readouterr()
    indicators.write_text(text.replace('label = "年龄"', 'label = "年龄'), encoding="utf-8")
    assert watcher.check() == [indicators]
    err = capsys.readouterr().err
    assert "build failed" in err and "scoring/rules/indicators.toml" in err
    assert "not valid TOML" in err and "built" not in err.replace("build failed", "")
    assert output_files(out) == good

    # A symbolic-link loop in content/ is reported, and the watcher carries on.
    indicators.write_text(text, encoding="utf-8")
    loop = project / "content" / "loop.md"
    loop.symlink_to("loop.md")
    watcher.check()
    assert "content/loop.md: is a loop of symbolic links" in capsys.readouterr().err
    loop.unlink()
    watcher.check()
    assert "built" in capsys.readouterr().err
    assert "<td>30</td>" in age_table(out) and "points = 30" in wheel_rules(out)


def test_no_exception_stops_the_watcher(fixture_root: Path, monkeypatch, capsys) -> None:
    calls = []

    def rebuild() -> None:
        calls.append(len(calls))
        if len(calls) == 1:
            raise RuntimeError("anything at all")

    monkeypatch.setattr(serve_module, "POLL_SECONDS", 0.01)
    watcher = Watcher(fixture_root, rebuild)
    threading.Thread(target=watcher.run_forever, daemon=True).start()
    page = fixture_root / "content" / "overview.md"
    for attempt in range(2):
        page.write_text(page.read_text(encoding="utf-8") + f"\n改 {attempt}\n", encoding="utf-8")
        deadline = time.monotonic() + 10
        while len(calls) <= attempt and time.monotonic() < deadline:
            time.sleep(0.02)
    assert calls == [0, 1]
    assert "RuntimeError: anything at all" in capsys.readouterr().err


def test_rebuild_once_reports_any_exception(fixture_root: Path, tmp_path: Path, monkeypatch,
                                            capsys) -> None:
    def explode(*args, **kwargs):
        raise OSError(40, "Too many levels of symbolic links")

    monkeypatch.setattr(serve_module, "build", explode)
    assert rebuild_once(fixture_root, tmp_path / "dist", BuildOptions()) is False
    assert "build failed (still serving the previous build): OSError" in capsys.readouterr().err
