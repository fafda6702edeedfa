"""Broken rule data and odd files in catalogue/ or content/ stop the build with the file,
the entry and the field named, and leave the previous output untouched (issue 10 #6)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from scoring import parameters
from site_builder.build import build
from site_builder.errors import BuildError
from site_builder.render import BuildOptions
from site_builder.rules import ScoringRules

from .conftest import FIXTURE_OPTIONS, build_fixture
from .golden import output_files

RULES = Path(parameters.__file__).parent / "rules"
INDICATORS = "scoring/rules/indicators.toml"


@pytest.fixture
def rules_copy(tmp_path: Path, monkeypatch):
    """A private copy of the rule files that the scoring package reads instead of its own."""
    folder = tmp_path / "rules"
    shutil.copytree(RULES, folder)
    monkeypatch.setattr(parameters, "rules_folder", lambda: folder)
    parameters.rules.cache_clear()
    yield folder
    monkeypatch.undo()
    parameters.rules.cache_clear()


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"test setup: {old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def real_rules_build(root: Path, out: Path) -> None:
    options = BuildOptions(**FIXTURE_OPTIONS)
    build(root, out, options, rules=ScoringRules(options.on), producers=[])


RULE_CASES = {
    "TOML syntax error": (
        "indicators.toml", 'label = "年龄"', 'label = "年龄',
        [INDICATORS, "not valid TOML", "line"],
    ),
    "missing key in an edition": (
        "editions.toml", 'number = "沪府规〔2022〕21号"\n', "",
        ["scoring/rules/editions.toml", 'editions[1] (id "2023")', 'field "number"', "missing"],
    ),
    "wrong type for a field's max": (
        "fields.toml", "max = 100", 'max = "100"',
        ["scoring/rules/fields.toml", 'fields[0] (key "age")', 'field "max"',
         "expected an integer, found a string"],
    ),
    "unknown key in an edition": (
        "editions.toml", 'id = "2023"', 'id = "2023"\nnumbr = "x"',
        ["scoring/rules/editions.toml", 'field "numbr"', "unknown key"],
    ),
    "missing label of an indicator": (
        "indicators.toml", 'label = "教育背景"\n', "",
        [INDICATORS, "[education]", 'field "label"', "missing"],
    ),
    "value keyed by something that is not a date": (
        "indicators.toml", '[age.values."2018-01-01"]', '[age.values."from 2018"]',
        [INDICATORS, "[age]", 'field "values.from 2018"', "effective dates"],
    ),
    "indicator values missing what their kind needs": (
        "indicators.toml", "bands = [", "bandz = [",
        [INDICATORS, "[age]", "missing key 'bands'"],
    ),
    "default that is not an option": (
        "fields.toml", 'default = "none"', 'default = "nothing"',
        ["scoring/rules/fields.toml", 'fields[1] (key "education")', 'field "default"'],
    ),
}


@pytest.mark.parametrize("case", sorted(RULE_CASES))
def test_broken_rule_data_stops_the_build_naming_file_entry_and_field(
    case: str, rules_copy: Path, fixture_root: Path, tmp_path: Path
) -> None:
    name, old, new, fragments = RULE_CASES[case]
    out = tmp_path / "dist"
    real_rules_build(fixture_root, out)
    before = output_files(out)

    edit(rules_copy / name, old, new)
    with pytest.raises(BuildError) as caught:
        real_rules_build(fixture_root, out)
    message = str(caught.value)
    for fragment in fragments:
        assert fragment in message, f"{fragment!r} missing from: {message}"
    assert output_files(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dist", "rules", "src"]


def test_a_folder_in_place_of_a_rule_file_is_reported(rules_copy: Path, fixture_root: Path,
                                                      tmp_path: Path) -> None:
    (rules_copy / "interpretations.toml").unlink()
    (rules_copy / "interpretations.toml").mkdir()
    with pytest.raises(BuildError, match="scoring/rules/interpretations.toml: cannot read"):
        real_rules_build(fixture_root, tmp_path / "dist")


def test_others_may_add_keys_to_open_tables(rules_copy: Path, fixture_root: Path,
                                            tmp_path: Path) -> None:
    # indicators.toml, fields.toml and interpretations.toml are shared: keys this loader
    # does not read are left to the code that reads them.
    edit(rules_copy / "indicators.toml", 'label = "年龄"', 'label = "年龄"\ndocuments = ["x"]')
    edit(rules_copy / "fields.toml", 'key = "age"', 'key = "age"\nhint = "新的说明"')
    real_rules_build(fixture_root, tmp_path / "dist")


def _loop(path: Path) -> None:
    path.symlink_to(path.name)


FILE_CASES = {
    "symlink loop in content": ("content/loop.md", _loop, "loop of symbolic links"),
    "symlink loop in catalogue": ("catalogue/loop.toml", _loop, "loop of symbolic links"),
    "dangling link in content": (
        "content/gone.md", lambda p: p.symlink_to("nowhere.md"), "does not exist"),
    "dangling link in catalogue": (
        "catalogue/gone.toml", lambda p: p.symlink_to("nowhere.toml"), "does not exist"),
    "folder named like a catalogue file": ("catalogue/x.toml", Path.mkdir, "is a folder"),
    "folder named like a content file": ("content/x.md", Path.mkdir, "is a folder"),
}


@pytest.mark.parametrize("case", sorted(FILE_CASES))
def test_odd_files_in_the_sources_stop_the_build(case: str, fixture_root: Path,
                                                 tmp_path: Path) -> None:
    relative, make, fragment = FILE_CASES[case]
    out = tmp_path / "dist"
    build_fixture(fixture_root, out)
    before = output_files(out)
    make(fixture_root / relative)
    with pytest.raises(BuildError) as caught:
        build_fixture(fixture_root, out)
    message = str(caught.value)
    assert message.startswith(f"{relative}: ") and fragment in message, message
    assert output_files(out) == before
