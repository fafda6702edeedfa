"""The rules' version in every result: a content hash of the rule files, the same wherever
the package runs, changing whenever a rule file does."""

from __future__ import annotations

import io
import shutil
import zipfile
from pathlib import Path

import scoring
from scoring.rules_version import rules_version_of, rules_version_of_folder
from site_builder.wheel import build_wheel

PACKAGE = Path(scoring.__file__).resolve().parent
RULES = PACKAGE / "rules"


def copy_rules(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder, ignore=shutil.ignore_patterns("__pycache__"))
    return folder


def test_every_result_names_the_rules_it_was_scored_with():
    result = scoring.score({"age": 30}, on="2026-11-21").to_dict()
    assert result["rules_version"] == scoring.rules_version()
    assert result["rules_version"] == rules_version_of_folder(RULES)


def test_the_shipped_wheel_carries_rules_of_the_same_version():
    # The browser computes the version from the wheel's files: they must hash the same.
    wheel = build_wheel(PACKAGE, scoring.__version__)
    with zipfile.ZipFile(io.BytesIO(wheel.data)) as zf:
        files = [
            (name.removeprefix("scoring/rules/"), zf.read(name))
            for name in zf.namelist()
            if name.startswith("scoring/rules/") and name.endswith(".toml")
        ]
    assert files
    assert rules_version_of(files) == scoring.rules_version()


def test_a_changed_rule_value_changes_the_version(tmp_path):
    folder = copy_rules(tmp_path)
    before = rules_version_of_folder(folder)
    indicators = folder / "indicators.toml"
    text = indicators.read_text(encoding="utf-8")
    # One digit of one value, as a policy change would touch it.
    changed = text.replace("= 30", "= 29", 1)
    assert changed != text
    indicators.write_text(changed, encoding="utf-8")
    assert rules_version_of_folder(folder) != before


def test_a_new_or_renamed_rule_file_changes_the_version_and_other_files_do_not(tmp_path):
    folder = copy_rules(tmp_path)
    before = rules_version_of_folder(folder)
    (folder / "notes.txt").write_text("not rule data", encoding="utf-8")
    (folder / ".hidden.toml").write_text("x = 1", encoding="utf-8")
    assert rules_version_of_folder(folder) == before
    (folder / "editions.toml").rename(folder / "editions-2023.toml")
    renamed = rules_version_of_folder(folder)
    assert renamed != before
    (folder / "extra.toml").write_text("x = 1", encoding="utf-8")
    assert rules_version_of_folder(folder) not in (before, renamed)


def test_moving_bytes_between_files_changes_the_version():
    assert rules_version_of([("a.toml", b"xy"), ("b.toml", b"")]) != rules_version_of(
        [("a.toml", b"x"), ("b.toml", b"y")]
    )
    assert rules_version_of([("a.toml", b"1"), ("b.toml", b"2")]) == rules_version_of(
        [("b.toml", b"2"), ("a.toml", b"1")]
    )
