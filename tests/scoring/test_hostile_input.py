"""Hostile input stays within the contract (issue 10 #5): the command lines exit 2 with a
message naming the problem and never a traceback; `bridge.handle` always answers with JSON.

Inputs: deeply nested arrays and objects, integers longer than Python converts, bytes that
are not UTF-8, duplicate keys, control characters in keys and dates past year 9999.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import subprocess
import sys
import tempfile
import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring import bridge, cli, jsoninput

FIELDS = [field["key"] for field in scoring.field_descriptions()]
RELAXED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def run_cli(args: list[str], data: bytes) -> tuple[int, str, str]:
    """`python -m scoring ARGS FILE` in this process, the profile in a file holding `data`."""
    with tempfile.NamedTemporaryFile(suffix=".json", delete=False) as handle:
        handle.write(data)
    out, err = io.StringIO(), io.StringIO()
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            status = cli.main([*args, handle.name])
    finally:
        os.unlink(handle.name)
    return status, out.getvalue(), err.getvalue()


def assert_refused(status: int, out: str, err: str, *named: str) -> None:
    assert status == 2, err
    assert out == ""
    assert err.startswith("error: ") and err.endswith("\n")
    assert not any(unicodedata.category(c) == "Cc" for c in err[:-1]), repr(err)
    for word in named:
        assert word in err, (word, err)


def ask_bridge(request: str) -> dict:
    reply = json.loads(bridge.handle(request))
    assert set(reply) >= {"ok"}
    return reply


def assert_bridge_refuses(request: str, *named: str) -> None:
    reply = ask_bridge(request)
    assert reply["ok"] is False, reply
    text = reply["error"]["message_zh"] + reply["error"]["message_en"]
    for word in named:
        assert word in text, (word, text)


def nested(depth: int, kind: str) -> str:
    if kind == "[":
        return "[" * depth + "]" * depth
    return '{"a": ' * depth + "1" + "}" * depth


# --- deep nesting -------------------------------------------------------------------------

@given(st.integers(1_000, 60_000), st.sampled_from("[{"))
@settings(max_examples=15, **RELAXED)
def test_deep_nesting_is_refused_by_cli_and_bridge(depth, kind):
    document = nested(depth, kind)
    assert_refused(*run_cli([], document.encode()), "64")
    assert_refused(*run_cli(["plan"], document.encode()), "64")
    assert_bridge_refuses(f'{{"op": "score", "profile": {document}}}', "64")
    assert_bridge_refuses(document, "64")


def test_nesting_inside_strings_does_not_count():
    profile = json.dumps({"age": 30, "note": "[" * 5000})
    assert_refused(*run_cli([], profile.encode()), "note")  # unknown key, not "too deep"


# --- long integers --------------------------------------------------------------------------

@given(st.integers(31, 20_000), st.sampled_from(FIELDS), st.booleans())
@settings(max_examples=15, **RELAXED)
def test_integers_with_thousands_of_digits_are_refused(digits, key, negative):
    number = ("-" if negative else "") + "9" * digits
    document = f'{{"{key}": {number}}}'
    assert_refused(*run_cli([], document.encode()), "30")
    assert_bridge_refuses(f'{{"op": "plan", "profile": {document}}}', "30")


# --- not UTF-8 ----------------------------------------------------------------------------

@given(st.binary(min_size=1, max_size=64))
@settings(max_examples=40, **RELAXED)
def test_bytes_that_are_not_utf8_are_refused(junk):
    data = b'{"age": 30, "x": "' + junk + b'\xff"}'
    assert_refused(*run_cli([], data), "UTF-8")
    assert_refused(*run_cli(["plan"], data), "UTF-8")


def test_a_utf8_byte_order_mark_is_accepted():
    status, out, err = run_cli(["--json"], "\ufeff{\"age\": 30}".encode())
    assert status == 0, err
    assert json.loads(out)["total"] >= 0


# --- duplicate keys -----------------------------------------------------------------------

@given(st.sampled_from(FIELDS), st.integers(0, 99), st.integers(0, 99))
@settings(max_examples=30, **RELAXED)
def test_duplicate_keys_are_refused_naming_the_key(key, first, second):
    document = f'{{"age": 40, "{key}": {first}, "{key}": {second}}}'
    assert_refused(*run_cli([], document.encode()), key, "twice")
    assert_bridge_refuses(f'{{"op": "score", "profile": {document}}}', key, "twice")
    assert_bridge_refuses('{"op": "score", "op": "plan", "profile": {"age": 30}}', "op")


def test_the_example_from_the_issue():
    status, out, err = run_cli([], b'{"age": 99, "age": 30}')
    assert_refused(status, out, err, "'age' appears twice", "“age”出现了两次")


# --- control characters ---------------------------------------------------------------------

@given(st.text(st.characters(categories=["Cc", "Cf", "Zl", "Zp"]), min_size=1, max_size=8),
       st.text(max_size=8))
@settings(max_examples=40, **RELAXED)
def test_control_characters_in_unknown_keys_are_escaped(controls, text):
    key = text + controls + "x"
    status, out, err = run_cli([], json.dumps({"age": 30, key: 1}).encode())
    assert_refused(status, out, err, "x")
    assert not any(unicodedata.category(c) in ("Cc", "Cf", "Zl", "Zp") for c in err[:-1])
    reply = ask_bridge(json.dumps({"op": "score", "profile": {"age": 30, key: 1}}))
    assert reply["ok"] is False
    assert not any(unicodedata.category(c) == "Cc" for c in reply["error"]["field"])


# --- far-future dates ---------------------------------------------------------------------

@given(st.integers(2101, 99_999), st.integers(1, 12))
@settings(max_examples=30, **RELAXED)
def test_plan_and_score_dates_far_in_the_future_are_refused(year, month):
    start = f"{year:04d}-{month:02d}"
    assert_refused(*run_cli(["plan", "--date", start], b'{"age": 30}'), start)
    assert_refused(*run_cli(["--date", f"{start}-01"], b'{"age": 30}'), start)
    assert_bridge_refuses(json.dumps({"op": "plan", "profile": {"age": 30}, "start": start}),
                          start)
    assert_bridge_refuses(json.dumps({"op": "score", "profile": {"age": 30},
                                      "date": f"{start}-28"}), start)


def test_the_last_supported_month_still_plans():
    status, out, err = run_cli(["plan", "--date", "2100-12"], b'{"age": 30}')
    assert status == 0, err
    assert "2100" in out


def test_plan_from_9990_names_the_limit():
    status, out, err = run_cli(["plan", "--date", "9990-01"], b'{"age": 30}')
    assert_refused(status, out, err, "2100", "9990-01")


# --- the real command line ------------------------------------------------------------------

def test_no_traceback_from_the_real_command_line():
    for args, data in (
        ([], nested(100_000, "[").encode()),
        (["plan"], b'{"age": 1' + b"0" * 5000 + b"}"),
        ([], b'{"age": 30, "\xff": 1}'),
        ([], b'{"age": 99, "age": 30}'),
        (["plan", "--date", "9990-01"], b'{"age": 30}'),
        ([], json.dumps({"\x1b[2J\x1b[31mevil": 1}).encode()),
    ):
        proc = subprocess.run([sys.executable, "-m", "scoring", *args], input=data,
                              capture_output=True, check=False, timeout=60)
        err = proc.stderr.decode("utf-8")
        assert proc.returncode == 2, (args, err)
        assert "Traceback" not in err and "\x1b" not in err, err


def test_one_reader_for_every_entry_point():
    # The CLIs and the bridge share jsoninput.loads: what it refuses, they all refuse.
    for text in ('{"a": 1, "a": 2}', nested(65, "["), "NaN", "1" * 31):
        try:
            jsoninput.loads(text)
        except jsoninput.InputError:
            pass
        else:
            raise AssertionError(f"accepted {text[:20]!r}")
        assert ask_bridge(text)["ok"] is False
        assert run_cli([], text.encode())[0] == 2
    assert jsoninput.loads(nested(64, "[")) == json.loads(nested(64, "["))
