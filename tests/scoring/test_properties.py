"""Properties that must hold for every input, checked with hypothesis."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import scoring
from scoring import bridge

FIELDS = {field["key"]: field for field in scoring.field_descriptions()}
DATE = "2026-11-21"
# Timing is not what these tests check; a busy CI machine must not fail them.
RELAXED = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}


def _valid_value(field):
    if field["type"] == "boolean":
        return st.booleans()
    if field["type"] == "choice":
        return st.sampled_from([option["value"] for option in field["options"]])
    if field["type"] == "integer":
        return st.integers(field["min"], min(field["max"], 30))
    return st.one_of(
        st.integers(0, field["max"]),
        st.floats(0, field["max"], allow_nan=False, allow_infinity=False),
    )


@st.composite
def valid_profiles(draw):
    profile = {"age": draw(st.integers(46, 100))}  # leaves 30 years for every year field
    for key, field in FIELDS.items():
        if key != "age" and draw(st.booleans()):
            profile[key] = draw(_valid_value(field))
    return profile


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda children: st.lists(children, max_size=3)
    | st.dictionaries(st.text(max_size=8), children, max_size=3),
    max_leaves=6,
)


@given(valid_profiles())
@settings(max_examples=300, **RELAXED)
def test_total_equals_the_sum_of_the_lines(profile):
    result = scoring.score(profile, DATE)
    assert result.total == sum(line.points for line in result.lines)
    assert result.gap == max(0, 120 - result.total)
    assert result.reaches_threshold == (result.total >= 120 and not result.vetoed)


@given(valid_profiles(), st.integers(1, 120))
@settings(max_examples=300, **RELAXED)
def test_more_social_insurance_months_never_lower_the_total(profile, extra):
    profile = {**profile, "si_months": profile.get("si_months", 0)}
    limit = (profile["age"] - 16) * 12
    more = {**profile, "si_months": min(limit, profile["si_months"] + extra)}
    assert scoring.score(more, DATE).total >= scoring.score(profile, DATE).total


@given(st.dictionaries(st.sampled_from(sorted(FIELDS) + ["age", "unknown"]), json_values))
@settings(max_examples=500, **RELAXED)
def test_arbitrary_json_either_scores_or_raises_the_one_error(profile):
    try:
        result = scoring.score(profile, DATE)
    except scoring.ProfileError as error:
        assert error.message_zh and error.message_en
        assert error.field is None or error.field in FIELDS or error.field in profile
    else:
        json.dumps(result.to_dict(), allow_nan=False)


@given(json_values)
@settings(max_examples=300, **RELAXED)
def test_any_json_document_as_a_profile_never_escapes_as_another_exception(document):
    reply = json.loads(bridge.handle(json.dumps({"op": "score", "profile": document})))
    assert reply["ok"] in (True, False)
    if not reply["ok"]:
        assert reply["error"]["message_zh"]


@given(st.text(max_size=40))
@settings(**RELAXED)
def test_the_bridge_answers_any_text_with_json(text):
    reply = json.loads(bridge.handle(text))
    assert "ok" in reply
