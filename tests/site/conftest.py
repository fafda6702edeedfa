"""Shared fixtures for the site builder's tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from site_builder.build import BuildReport, build, default_producers
from site_builder.render import BuildOptions

from .fake_rules import FakeRules

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO / "tests" / "fixtures" / "site"
FIXTURE_OPTIONS = {"base_url": "/", "site_url": "https://example.test/"}


def build_fixture(root: Path, out: Path, **options) -> BuildReport:
    """Build a fixture site with the fixed stand-in rules."""
    return build(root, out, BuildOptions(**(FIXTURE_OPTIONS | options)), rules=FakeRules(),
                 producers=[])


@pytest.fixture
def fixture_root(tmp_path: Path) -> Path:
    """A private copy of the fixture site's sources, free to edit."""
    root = tmp_path / "src"
    shutil.copytree(FIXTURE, root, ignore=shutil.ignore_patterns("golden"))
    return root


def _real_site_or_skip() -> None:
    missing = [name for name in ("catalogue", "content") if not any((REPO / name).glob("*.*"))]
    if missing:
        pytest.skip(f"the real {', '.join(missing)} files are not written yet")
    pytest.importorskip("scoring")


@pytest.fixture(scope="session")
def real_dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built once at the root of its host."""
    _real_site_or_skip()
    out = tmp_path_factory.mktemp("real") / "dist"
    build(REPO, out, BuildOptions(site_url="https://points.example.org/"),
          producers=default_producers())
    return out


@pytest.fixture(scope="session")
def real_dist_subpath(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The real site, built to be hosted under /some-repo/."""
    _real_site_or_skip()
    out = tmp_path_factory.mktemp("real-subpath") / "dist"
    build(REPO, out, BuildOptions(base_url="/some-repo/",
                                  site_url="https://someone.github.io/some-repo/"),
          producers=default_producers())
    return out
