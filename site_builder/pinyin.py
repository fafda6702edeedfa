"""Pinyin search keys for the catalogue filter, computed once at build time.

People type `kuaiji` or `kj` to find 会计专业技术资格, so each entry carries the full
pinyin (no tones, no spaces) and the initials of its name and of each alternative name.
pypinyin picks readings by phrase (会计 → kuai ji, 起重 → qi zhong). Characters that are
not Chinese keep their ASCII letters and digits (CAD工程师 → cadgongchengshi, cadgcs);
punctuation is dropped, so a query never has to guess it.
"""

from __future__ import annotations

import functools
import re

_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


@functools.cache
def _pypinyin():
    # pypinyin takes a quarter of a second to import; only the build needs it.
    import pypinyin

    return pypinyin


def _clean(chunks: list[str]) -> str:
    return _NOT_ALNUM.sub("", "".join(chunks).lower())


@functools.cache
def full_pinyin(text: str) -> str:
    """``会计专业技术资格`` → ``kuaijizhuanyejishuzige``."""
    pypinyin = _pypinyin()
    return _clean(pypinyin.lazy_pinyin(text, style=pypinyin.Style.NORMAL))


@functools.cache
def initials(text: str) -> str:
    """``会计专业技术资格`` → ``kjzyjszg``."""
    pypinyin = _pypinyin()
    return _clean(pypinyin.lazy_pinyin(text, style=pypinyin.Style.FIRST_LETTER))


def search_keys(names: list[str] | tuple[str, ...]) -> tuple[str, str]:
    """Full pinyin and initials of several names, each space-separated in name order.

    The filter strips spaces from the query, so a match never spans two names.
    """
    return (
        " ".join(full_pinyin(name) for name in names),
        " ".join(initials(name) for name in names),
    )
