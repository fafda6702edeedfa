"""`python -m scoring`: readable breakdown, JSON, schema, and exit 2 on bad input."""

from __future__ import annotations

import json
import subprocess
import sys


def run(*args, stdin=""):
    return subprocess.run(
        [sys.executable, "-m", "scoring", *args],
        input=stdin, capture_output=True, text=True, check=False,
    )


def test_readable_breakdown_from_stdin():
    out = run("--date", "2026-11-21", stdin='{"age": 44, "education": "bachelor_degree"}')
    assert out.returncode == 0, out.stderr
    assert "年龄" in out.stdout and "29" in out.stdout
    assert "总分 119 / 标准分值 120" in out.stdout
    assert "还差 1 分" in out.stdout


def test_json_output_matches_the_library(tmp_path):
    path = tmp_path / "profile.json"
    path.write_text('{"age": 30, "si_months": 24}', encoding="utf-8")
    out = run(str(path), "--json", "--date", "2026-11-21")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["total"] == 36


def test_schema_lists_every_field():
    out = run("--schema")
    schema = json.loads(out.stdout)
    assert schema["required"] == ["age"]
    assert schema["properties"]["education"]["enum"][0] == "none"
    assert schema["additionalProperties"] is False


def test_invalid_profile_exits_2_naming_the_field():
    out = run(stdin='{"age": 30, "si_months": "many"}')
    assert out.returncode == 2
    assert "si_months" in out.stderr and out.stdout == ""


def test_invalid_json_exits_2():
    out = run(stdin="{age: 30")
    assert out.returncode == 2
    assert "JSON" in out.stderr
