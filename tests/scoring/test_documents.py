"""The documents checklist (材料清单): data with a source and confidence for every item, and the
list a result carries for the indicators the profile scores on."""

from __future__ import annotations

import pytest

import scoring
from scoring import documents
from scoring.errors import RulesError

DATE = "2026-11-21"


def test_every_item_names_who_prepares_it_its_source_and_confidence():
    groups = scoring.documents_checklist()
    assert groups[0]["indicator"] == "application"
    indicators = {group["indicator"] for group in groups}
    assert indicators <= {"application", *scoring.INDICATOR_IDS}
    for group in groups:
        assert group["label"] and group["items"], group["indicator"]
        for item in group["items"]:
            assert item["who"] in ("applicant", "employer")
            assert item["confidence"] in ("high", "medium", "low")
            assert item["source"].strip(), item["text"]
            assert item["text"].endswith("。"), item["text"]
            assert "," not in item["text"] and "你" not in item["text"], item["text"]


def test_low_confidence_items_say_the_exact_material_is_not_known():
    """A low-confidence item names what has to be shown, never a guessed document."""
    for group in scoring.documents_checklist():
        for item in group["items"]:
            if item["confidence"] == "low":
                assert "本站未见资料列明" in item["text"], item["text"]


def test_a_result_lists_the_application_and_every_indicator_it_scores_on():
    profile = {"age": 35, "education": "bachelor_degree", "si_months": 60,
               "award": "municipal_special", "spouse_hukou_years": 3}
    result = scoring.score(profile, DATE).to_dict()
    listed = [group["indicator"] for group in result["documents"]]
    scoring_on = [line["id"] for line in result["lines"] if line["points"] > 0 and line["counted"]]
    assert listed[0] == "application"
    # Every scored indicator with sourced items is listed, in the breakdown's order; age has
    # no item of its own (the permit and insurance record are the application's).
    with_items = {group["indicator"] for group in scoring.documents_checklist()}
    assert listed[1:] == [i for i in scoring_on if i in with_items]
    assert {"education", "si_years", "award", "spouse"} <= set(listed)
    assert "title" not in listed and "shortage_major" not in listed


def test_an_education_that_does_not_count_brings_no_education_documents():
    result = scoring.score({"age": 35, "education": "bachelor_degree", "title": "senior",
                            "title_si_condition": True}, DATE).to_dict()
    listed = [group["indicator"] for group in result["documents"]]
    assert "title" in listed and "education" not in listed


def test_a_vetoed_profile_cannot_apply_and_gets_no_list():
    result = scoring.score({"age": 35, "serious_criminal_record": True}, DATE).to_dict()
    assert result["documents"] == []


def test_registered_qualifications_and_work_in_shanghai_are_on_the_title_list():
    title = next(g for g in scoring.documents_checklist() if g["indicator"] == "title")
    texts = " ".join(item["text"] for item in title["items"])
    assert "注册后才能计分" in texts and "在本市工作期间取得" in texts


def test_a_broken_item_stops_loading_naming_file_entry_and_field(monkeypatch):
    broken = {"documents": [{"indicator": "education", "items": [
        {"who": "applicant", "text": "学历证书。", "source": "", "confidence": "high"}]}]}
    monkeypatch.setattr(documents, "_read", lambda: broken)
    documents._groups.cache_clear()
    try:
        with pytest.raises(RulesError) as error:
            documents.checklist()
        message = str(error.value)
        assert "documents.toml" in message and "education" in message and "source" in message
    finally:
        monkeypatch.undo()
        documents._groups.cache_clear()
