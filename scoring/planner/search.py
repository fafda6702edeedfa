"""Finding the scenarios worth showing: each change (or pair of changes) scored month by month
against the no-change projection, searched least effort first, then shortlisted.

Options fall in two groups. Time-only changes (meeting a base condition, a higher base tier,
Lingang, public-service or marriage years) count after the rules' own waiting time, which the
plan can date. Changes that first need something obtained (a degree, a certificate, a matching
job: a lever with `obtain`) are dated as if obtained in the start month, a time nobody knows;
so their months are never compared as if real against time-only changes: a time-only change
may make an obtain-something change pointless, never the other way round.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import combinations

from .levers import Lever
from .projection import HORIZON_MONTHS, Timeline

# How many two-change combinations to show at most: a presentation choice, not a rule.
COMBINATIONS_SHOWN = 3
NEVER = HORIZON_MONTHS + 1


@dataclass
class Found:
    """A scenario that adds points: its levers, the month it first counts, the month it reaches
    the standard score (None if not before the bound), and its scores."""

    levers: tuple[Lever, ...]
    earliest: int
    reach: int | None
    timeline: Timeline

    @property
    def reach_key(self) -> int:
        return NEVER if self.reach is None else self.reach

    @property
    def effort(self) -> int:
        return max(lever.effort for lever in self.levers)

    @property
    def obtains(self) -> bool:
        """Whether something must first be obtained, at a time the plan does not know."""
        return any(lever.obtain for lever in self.levers)

    def gain(self, base: Timeline) -> int:
        return self.timeline.total(self.earliest) - base.total(self.earliest)

    def rank(self, base: Timeline) -> tuple:
        return (
            self.reach_key,
            self.effort,
            len(self.levers),
            sum(lever.level for lever in self.levers),
            -self.gain(base),
            "+".join(lever.id for lever in self.levers),
        )


def compose(levers: tuple[Lever, ...]):
    """The profile changes of several levers applied together."""
    def changes(projected: dict, k: int) -> dict:
        changed: dict = {}
        for lever in levers:
            changed.update(lever.changes({**projected, **changed}, k))
        return changed

    return changes


def _can_outrank(other: Found, option: Found) -> bool:
    """Whether `other` reaching the standard sooner may make `option` pointless: not when
    `other` is dated by an assumed obtaining month and `option` only by the rules' time."""
    return option.obtains or not other.obtains


def _search(
    levers: tuple[Lever, ...], profile: dict, start: dt.date, base: Timeline,
    events: list[int], bound: int, counts_from: int,
) -> Found | None:
    """Scan the event months in [counts_from, bound): the first in which the change adds points
    (its earliest month), then the first in which the changed profile reaches the standard."""
    changed = Timeline(profile, start, compose(levers))
    earliest = None
    for k in events:
        if k < counts_from:
            continue
        if k >= bound:
            break
        if earliest is None:
            if changed.total(k) <= base.total(k):
                continue
            earliest = k
        if changed.reaches(k):
            return Found(levers, earliest, k, changed)
    return None if earliest is None else Found(levers, earliest, None, changed)


def _soonest(found: list[Found], keep) -> int:
    return min((f.reach_key for f in found if keep(f)), default=NEVER)


def singles(levers: list[Lever], profile: dict, start: dt.date, base: Timeline,
             events: list[int], bound: int) -> list[Found]:
    """Every single change that adds points, searched least effort first.

    Searches stop early where the answer no longer matters: a change is only worth showing if
    it reaches the standard sooner than every change of a lower effort rank that may outrank it
    (see `_can_outrank`), and than every easier level of its own family. Past that month it
    is left as "not reaching", which drops it as soon as anything reaches the standard (see
    `shortlist`)."""
    found: list[Found] = []
    for lever in sorted(levers, key=lambda lv: (lv.effort, lv.family, lv.level)):
        probe = Found((lever,), 0, None, base)
        limit = min(
            bound,
            _soonest(found, lambda f, lv=lever, p=probe: f.levers[0].effort < lv.effort
                     and _can_outrank(f, p)),
            _soonest(found, lambda f, lv=lever: f.levers[0].family == lv.family),
        )
        result = _search((lever,), profile, start, base, events, limit, lever.wait)
        if result is not None:
            found.append(result)
    return found


def best_per_family(found: list[Found], base: Timeline) -> list[Found]:
    """Within a family (e.g. skill levels), keep a level only if it reaches the standard sooner
    than every easier level; if none reaches it, keep the one that adds the most."""
    kept = []
    for family in sorted({f.levers[0].family for f in found}):
        members = sorted((f for f in found if f.levers[0].family == family),
                         key=lambda f: f.levers[0].level)
        reaching = [f for f in members if f.reach is not None]
        if reaching:
            soonest = NEVER
            for candidate in reaching:
                if candidate.reach < soonest:
                    kept.append(candidate)
                    soonest = candidate.reach
        elif members:
            best = max(f.gain(base) for f in members)
            kept.append(next(f for f in members if f.gain(base) == best))
    return kept


def _dominated(option: Found, others: list[Found]) -> bool:
    """Whether another option reaches the standard no later while asking less: a single change
    of a lower effort rank, or — against a combination — any option of no higher rank with no
    more changes. (Within a family, `_best_per_family` has already chosen.)"""
    for other in others:
        if other is option or other.reach_key > option.reach_key:
            continue
        if not _can_outrank(other, option):
            continue
        if len(option.levers) == 1 and len(other.levers) == 1:
            if other.effort < option.effort:
                return True
        elif (other.effort <= option.effort and len(other.levers) <= len(option.levers)
              and (other.effort, len(other.levers), other.reach_key)
              != (option.effort, len(option.levers), option.reach_key)):
            return True
    return False


def combinations_of(
    singles: list[Found], profile: dict, start: dt.date, base: Timeline,
    events: list[int], bound: int,
) -> list[Found]:
    """Pairs of changes that reach the standard sooner than either change alone, and sooner
    than any single change asking no more.

    A pair is searched only if it could reach the standard at all: a change's gain never
    shrinks with time (fixed points, or years that accumulate up to a cap), and two changes
    never add more than the sum of their gains (they score different lines, or the same
    condition), so the highest no-change total before the bound plus both gains in the last
    month before it is an upper bound. Tests check both properties against brute force."""
    before = [k for k in events if k < bound]
    if not before:
        return []
    last = before[-1]
    best_base = max(base.total(k) for k in before)
    threshold = base.result(0).threshold
    gain_by_then = {id(f): f.timeline.total(last) - base.total(last) for f in singles}
    found = []
    # Pairs are named and applied in effort order: the easier change first.
    ordered = sorted(singles, key=lambda f: (f.effort, f.levers[0].family, f.levers[0].level))
    for first, second in combinations(ordered, 2):
        (a,), (b,) = first.levers, second.levers
        if a.slot == b.slot:
            continue
        if best_base + gain_by_then[id(first)] + gain_by_then[id(second)] < threshold:
            continue
        effort = max(a.effort, b.effort)
        probe = Found((a, b), 0, None, base)
        pair_bound = min(bound, _soonest(
            singles, lambda f, e=effort, p=probe: f.effort <= e and _can_outrank(f, p)))
        counts_from = max(first.earliest, second.earliest)
        if counts_from >= pair_bound:
            continue
        pair = _search((a, b), profile, start, base, events, pair_bound, counts_from)
        if pair is not None and pair.reach is not None:
            found.append(pair)
    found.sort(key=lambda f: f.rank(base))
    return found[:COMBINATIONS_SHOWN]


def shortlist(found: list[Found], pairs: list[Found], base: Timeline) -> list[Found]:
    """The options to show: if anything reaches the standard, only what reaches it and is not
    dominated; otherwise the single changes that add the most. Time-only changes come first,
    then those that need something obtained; each group best first."""
    chosen = found + pairs
    if any(f.reach is not None for f in chosen):
        chosen = [f for f in chosen if f.reach is not None]
        chosen = [f for f in chosen if not _dominated(f, chosen)]
    return sorted(chosen, key=lambda f: (f.obtains, f.rank(base)))
