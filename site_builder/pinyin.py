"""Words and pinyin of catalogue names, computed once at build time for the search.

People type ``kuaiji`` or ``kj`` to find 会计专业技术资格, and expect ``kj`` not to find
多工序数控机床…, where 控 and 机 belong to two different words (数控, 机床). So a name
is cut into *segments*: words, runs of ASCII letters and digits, and punctuation, each
with its syllables (no tones). The search matches Chinese text and full pinyin from the
start of a word or syllable, and initials only from the start of a word.

Words come from `words.txt` (greedy longest match); a character that starts no listed
word is a word of its own, so an unlisted name is matched more loosely, never missed.
Readings: pypinyin reads each segment in its context (会计 → kuai ji, 起重 → qi zhong);
where it reads a heteronym wrongly in our names (装调 → zhuang diao), `words.txt` gives
the reading, which is loaded into pypinyin's phrase dictionary. ASCII runs keep their
letters and digits (CAD工程师 → cad gong cheng shi); punctuation has no syllables.
"""

from __future__ import annotations

import functools
import re
from pathlib import Path

WORDS_FILE = Path(__file__).with_name("words.txt")
_HAN = "\u3400-\u4dbf\u4e00-\u9fff"
_CHINESE = re.compile(f"[{_HAN}]+")
_RUN = re.compile(f"([{_HAN}]+)|([A-Za-z0-9]+)|([^{_HAN}A-Za-z0-9]+)")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")

Segment = tuple[str, tuple[str, ...]]  # (text, syllables); punctuation has no syllables


@functools.cache
def _vocabulary() -> tuple[frozenset[str], int, dict[str, list[list[str]]]]:
    """The words of `words.txt`, the longest word's length, and the readings it fixes."""
    words: set[str] = set()
    readings: dict[str, list[list[str]]] = {}
    for line in WORDS_FILE.read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if not line:
            continue
        tokens = line.split()
        if all(_CHINESE.fullmatch(token) for token in tokens):
            words.update(tokens)  # a line of words
            continue
        word, *syllables = tokens  # a word and its reading
        words.add(word)
        if syllables:
            if len(syllables) != len(word):
                raise ValueError(f"{WORDS_FILE.name}: {word!r} needs one syllable per character")
            readings[word] = [[syllable] for syllable in syllables]
    return frozenset(words), max(map(len, words)), readings


@functools.cache
def _pypinyin():
    # pypinyin takes a quarter of a second to import; only the build needs it.
    import pypinyin

    pypinyin.load_phrases_dict(_vocabulary()[2])
    return pypinyin


def _syllables(text: str) -> list[str]:
    pypinyin = _pypinyin()
    return [s.lower() for s in pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL)]


def _chinese_words(run: str) -> list[Segment]:
    """Cut a run of Chinese characters into listed words and single characters.

    Unlisted characters are read together, so pypinyin still sees their context.
    """
    words, longest, _ = _vocabulary()
    segments: list[Segment] = []
    pending = ""

    def flush() -> None:
        nonlocal pending
        if pending:
            segments.extend(zip(pending, ((s,) for s in _syllables(pending)), strict=True))
            pending = ""

    i = 0
    while i < len(run):
        for size in range(min(longest, len(run) - i), 1, -1):
            if run[i:i + size] in words:
                flush()
                segments.append((run[i:i + size], tuple(_syllables(run[i:i + size]))))
                i += size
                break
        else:
            pending += run[i]
            i += 1
    flush()
    return segments


@functools.cache
def segments(text: str) -> tuple[Segment, ...]:
    """``会计专业技术资格（中级）`` → ``(("会计", ("kuai", "ji")), ("专业", ("zhuan", "ye")),
    …, ("（", ()), ("中级", ("zhong", "ji")), ("）", ()))``."""
    out: list[Segment] = []
    for chinese, ascii_run, other in _RUN.findall(text):
        if chinese:
            out.extend(_chinese_words(chinese))
        elif ascii_run:
            out.append((ascii_run, (ascii_run.lower(),)))
        else:
            out.append((other, ()))
    return tuple(out)


def reading(text: str) -> str:
    """Syllables separated by spaces, words by `` | ``.

    ``汽车装调工`` → ``qi che | zhuang tiao gong``.
    """
    return " | ".join(" ".join(syl) for _, syl in segments(text) if syl)


@functools.cache
def full_pinyin(text: str) -> str:
    """``会计专业技术资格`` → ``kuaijizhuanyejishuzige``."""
    return _NOT_ALNUM.sub("", "".join("".join(syl) for _, syl in segments(text)))


@functools.cache
def initials(text: str) -> str:
    """``会计专业技术资格`` → ``kjzyjszg``; an ASCII run keeps its letters (``CAD`` → ``cad``)."""
    keys = (syl[0] if seg.isascii() else "".join(s[0] for s in syl)
            for seg, syl in segments(text) if syl)
    return _NOT_ALNUM.sub("", "".join(keys))


def search_keys(names: list[str] | tuple[str, ...]) -> tuple[str, str]:
    """Full pinyin and initials of several names, each space-separated in name order."""
    return (
        " ".join(full_pinyin(name) for name in names),
        " ".join(initials(name) for name in names),
    )
