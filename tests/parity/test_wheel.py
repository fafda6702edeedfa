"""The scoring wheel the site ships: standard, installable, reproducible, content-addressed."""

from __future__ import annotations

import base64
import hashlib
import io
import re
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import scoring
from site_builder.wheel import build_wheel

ROOT = Path(__file__).resolve().parents[2]


def wheel():
    return build_wheel(ROOT / "scoring", scoring.__version__)


def test_builds_are_byte_for_byte_identical():
    assert wheel().data == wheel().data


def test_name_carries_a_hash_of_the_content():
    built = wheel()
    match = re.fullmatch(r"scoring-(\d+\.\d+\.\d+)\+([0-9a-f]{8})-py3-none-any\.whl",
                         built.filename)
    assert match, built.filename
    assert match.group(1) == scoring.__version__
    assert built.payload_sha256.startswith(match.group(2))


def test_changing_a_rule_file_changes_the_name(tmp_path):
    copy = tmp_path / "scoring"
    shutil.copytree(ROOT / "scoring", copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = build_wheel(copy, "0.1.0").filename
    rules = sorted((copy / "rules").glob("*.toml"))[0]
    rules.write_text(rules.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    assert build_wheel(copy, "0.1.0").filename != before


def test_contents_metadata_and_record():
    built = wheel()
    with zipfile.ZipFile(io.BytesIO(built.data)) as zf:
        names = zf.namelist()
        dist_info = f"scoring-{built.version}.dist-info"
        # Only the package and its dist-info; rules and cases included, caches not.
        assert all(n.startswith(("scoring/", dist_info + "/")) for n in names)
        assert "scoring/__init__.py" in names and "scoring/bridge.py" in names
        assert any(n.startswith("scoring/rules/") and n.endswith(".toml") for n in names)
        assert any(n.startswith("scoring/cases/") and n.endswith(".toml") for n in names)
        assert not [n for n in names if "__pycache__" in n or n.endswith(".pyc")]
        assert names == sorted(n for n in names if not n.startswith(dist_info)) + [
            f"{dist_info}/{n}" for n in ("METADATA", "WHEEL", "top_level.txt", "RECORD")
        ]
        assert {info.date_time for info in zf.infolist()} == {(1980, 1, 1, 0, 0, 0)}
        metadata = zf.read(f"{dist_info}/METADATA").decode()
        assert f"Name: scoring\nVersion: {built.version}\n" in metadata
        assert "Root-Is-Purelib: true" in zf.read(f"{dist_info}/WHEEL").decode()
        record = zf.read(f"{dist_info}/RECORD").decode().splitlines()
        assert len(record) == len(names)
        for line in record:
            name, digest, size = line.rsplit(",", 2)
            if name.endswith("/RECORD"):
                assert digest == size == ""
                continue
            data = zf.read(name)
            expected = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=")
            assert digest == "sha256=" + expected.decode() and int(size) == len(data)


def test_pip_installs_it_and_it_scores(tmp_path):
    built = wheel()
    path = tmp_path / built.filename
    path.write_bytes(built.data)
    target = tmp_path / "site-packages"
    subprocess.run(
        [sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-index",
         "--disable-pip-version-check", "--target", str(target), str(path)],
        check=True,
    )
    code = (
        "import json, scoring.bridge as b, importlib.metadata as m;"
        "print(m.version('scoring'), b.__file__);"
        "print(json.loads(b.handle(json.dumps({'op': 'score', 'profile': {'age': 30}})))['ok'])"
    )
    # -S: no site-packages, so the checkout's editable install cannot stand in for the wheel.
    out = subprocess.run(
        [sys.executable, "-S", "-c", code], cwd=tmp_path, check=True, capture_output=True,
        text=True, env={"PYTHONPATH": str(target)},
    ).stdout.split()
    assert out[0] == built.version
    assert out[1].startswith(str(target))
    assert out[2] == "True"
