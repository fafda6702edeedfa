"""The site-wide search over every catalogue: a small static index built with the site.

`catalogue/search.json` (format in docs/architecture.md, "Search index") holds, for each
entry, its names cut into words with their pinyin (see `pinyin.py`), and for each
catalogue what its entries are worth at a glance, from the rules (e.g. "中级 · 100 分
（需满足社保基数条件）"). `static/js/search.js` fetches it once and matches in the
browser: no server, no Pyodide. It is a plain file, so the service worker can cache it.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from .errors import BuildError
from .model import Catalogue, Entry, Site
from .pinyin import full_pinyin, initials, segments
from .rules import TitleWorth

INDEX_PATH = "catalogue/search.json"
FORMAT_VERSION = 1
SEPARATOR = "|"  # between the segments of a name, and between their readings

# Kinds of name, in the order results prefer them.
NAME, ALIAS, SEARCH_AID = 0, 1, 2

# How a title level is named at a glance; the figures always come from the rules.
SHORT_LEVEL = {
    "junior": "初级", "intermediate": "中级", "senior": "高级",
    "skill_5": "技能五级", "skill_4": "技能四级", "skill_3": "技能三级",
    "skill_2": "技能二级", "skill_1": "技能一级",
}
CONDITION = "需满足社保基数条件"


@dataclass(frozen=True)
class SearchIndex:
    """The index file's text, and the link pages use for it (versioned by content)."""

    text: str
    version: str

    @property
    def path(self) -> str:
        return INDEX_PATH


def short_level(worth: TitleWorth) -> str:
    return SHORT_LEVEL.get(worth.value, worth.label)


def points_summary(worth: list[TitleWorth]) -> str:
    """What an entry of a catalogue is worth, in one line.

    One level: "中级 · 100 分（需满足社保基数条件）". Several (lowest first):
    "技能三级起 60 分；二级 100 分、一级 140 分需满足社保基数条件".
    """
    if not worth:
        return ""
    first, rest = worth[0], worth[1:]
    condition = f"（{CONDITION}）" if first.conditional else ""
    if not rest:
        return f"{short_level(first)} · {first.met.points} 分{condition}"
    text = f"{short_level(first)}起 {first.met.points} 分{condition}"
    parts = [f"{short_level(w).removeprefix('技能')} {w.met.points} 分" for w in rest]
    if all(w.conditional for w in rest):
        return f"{text}；{'、'.join(parts)}{CONDITION}"
    parts = [
        part + (f"（{CONDITION}）" if w.conditional else "")
        for part, w in zip(parts, rest, strict=True)
    ]
    return f"{text}；{'、'.join(parts)}"


def _name_record(kind: int, name: str, catalogue: Catalogue, entry: Entry, field: str) -> list:
    if SEPARATOR in name:
        raise BuildError(f"a name may not contain {SEPARATOR!r}", file=catalogue.file,
                         entry=f'entries (id "{entry.id}", seq {entry.seq})', field=field)
    parts = segments(name)
    return [
        kind,
        SEPARATOR.join(text for text, _ in parts),
        SEPARATOR.join(" ".join(syllables) for _, syllables in parts),
        full_pinyin(name),
        initials(name),
    ]


def build_index(site: Site, worth: dict[str, list[TitleWorth]]) -> SearchIndex:
    """The index of every entry of every catalogue; `worth` maps catalogue id to its levels."""
    catalogues = []
    entries = []
    for position, catalogue in enumerate(site.catalogues):
        catalogues.append({
            "id": catalogue.id,
            "title": catalogue.title,
            "short_title": catalogue.short_title,
            "edition": catalogue.edition,
            "url": catalogue.url,
            "points": points_summary(worth[catalogue.id]),
        })
        for entry in catalogue.entries:
            names = [_name_record(NAME, entry.name, catalogue, entry, "name")]
            names += [_name_record(ALIAS, alias, catalogue, entry, "aliases")
                      for alias in entry.aliases]
            names += [_name_record(SEARCH_AID, aid, catalogue, entry, "search_aids")
                      for aid in entry.search_aids]
            entries.append([position, entry.id, entry.seq, entry.code or "", names])
    data = {"v": FORMAT_VERSION, "catalogues": catalogues, "entries": entries}
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n"
    return SearchIndex(text=text, version=hashlib.sha256(text.encode()).hexdigest()[:10])


def example_query(catalogue: Catalogue) -> str:
    """A query that finds something in `catalogue`, for its search box's hint: the
    shortest name as written, in full pinyin and as initials ("车工、chegong、cg")."""
    entry = min(catalogue.entries, key=lambda e: (len(e.name), e.seq))
    return "、".join(dict.fromkeys([entry.name, full_pinyin(entry.name), initials(entry.name)]))
