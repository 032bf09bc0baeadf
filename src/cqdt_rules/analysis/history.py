"""Several years side by side: each unit's level and rank over the years, units per level per year, and
the units that rose or fell over several years.

A history may cross a change of rules (2020-2022 under ``egov_2020``, 2023 on under ``dti_2023``).
Levels and points are compared only within one ruleset (the scales and criteria differ); ranks and the
share of the maximum (total / tier maximum) are compared across rulesets; where the rules changed is
stated. Each year is scored from one stage per cohort (see ``compare.stages``)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from cqdt_rules.analysis.compare import stages, staged
from cqdt_rules.analysis.nodes import tier_title
from cqdt_rules.engine import loading
from cqdt_rules.engine.results import Results, UnitResult, identity_of
from cqdt_rules.engine.scoring import score
from cqdt_rules.errors import UsageError
from cqdt_rules.formatting import format_number
from cqdt_rules.model import ruleset as m
from cqdt_rules.model.units import Assessment

MOVERS = 5
MIN_YEARS = 3  # a unit "rose over several years" when it has at least this many years


@attrs.frozen
class YearPoint:
    year: int
    ruleset: str
    level: str | None
    rank: int | None
    of: int | None
    share: Decimal  # total as a percentage of the tier's maximum
    total: Decimal


@attrs.frozen
class UnitTrack:
    code: str
    name: str
    parent: str | None
    points: tuple[YearPoint | None, ...]  # one per year of the history, None when not assessed that year

    def present(self) -> list[YearPoint]:
        return [p for p in self.points if p is not None]

    @property
    def rank_change(self) -> int | None:
        """Places gained from the first year to the last the unit was ranked in (positive: rose)."""
        ranked = [p for p in self.present() if p.rank is not None]
        if len(ranked) < MIN_YEARS:
            return None
        return ranked[0].rank - ranked[-1].rank  # type: ignore[operator]

    @property
    def steady(self) -> bool:
        """Whether the rank moved the same way (or held) at every step."""
        ranks = [p.rank for p in self.present() if p.rank is not None]
        steps = [a - b for a, b in zip(ranks, ranks[1:])]
        return all(s >= 0 for s in steps) or all(s <= 0 for s in steps)


@attrs.frozen
class Era:
    """The years scored with one ruleset, and a tier's units per level in each of them."""

    ruleset: str
    years: tuple[int, ...]
    levels: tuple[str, ...]  # the scale's labels, best first, then the label below the lowest level
    counts: tuple[tuple[int, ...], ...]  # per year, per level


@attrs.frozen
class TierHistory:
    tier: str
    title: str
    ranking: str  # the label of the ranking followed (the same scope every year)
    tracks: tuple[UnitTrack, ...]
    eras: tuple[Era, ...]

    def movers(self, count: int = MOVERS) -> tuple[list[UnitTrack], list[UnitTrack]]:
        moved = [t for t in self.tracks if t.rank_change]
        risers = sorted((t for t in moved if (t.rank_change or 0) > 0), key=lambda t: (-(t.rank_change or 0), t.code))
        fallers = sorted((t for t in moved if (t.rank_change or 0) < 0), key=lambda t: ((t.rank_change or 0), t.code))
        return risers[:count], fallers[:count]


@attrs.frozen
class History:
    years: tuple[int, ...]
    rulesets: tuple[str, ...]  # per year
    tiers: tuple[TierHistory, ...]

    @property
    def changes(self) -> tuple[tuple[int, str, str], ...]:
        """(first year under the new rules, old ruleset, new ruleset) at each change of rules."""
        return tuple((year, before, after) for year, before, after in
                     zip(self.years[1:], self.rulesets, self.rulesets[1:]) if before != after)


def score_years(assessments: Iterable[Assessment], paths: Sequence[str] = (),
                force: dict[int, loading.CheckedRuleset] | None = None) -> list[Results]:
    """The assessments grouped by year, each year scored with the ruleset that declares it (``force``
    gives the ruleset of some years, e.g. the report's own), oldest first."""
    by_year: dict[int, list[Assessment]] = {}
    for assessment in assessments:
        by_year.setdefault(assessment.year, []).append(assessment)
    if len(by_year) < 2:
        raise UsageError(f"a history needs at least two years of data, found {', '.join(map(str, sorted(by_year))) or 'none'}")
    found = []
    for year in sorted(by_year):
        checked = (force or {}).get(year) or loading.ruleset_for_year(year, paths)
        found.append(score(checked, by_year[year]))
    return found


def history(years: Sequence[Results], lang: str = "vi") -> History:
    """Each year narrowed to its latest complete stage per tier, then followed unit by unit."""
    chosen = [staged(r, stages(r)) for r in years]
    numbers = tuple(_year(r) for r in chosen)
    rulesets = tuple(r.ruleset.id for r in chosen)
    tiers = []
    for tier_id in _common_tiers(chosen):
        models = [r.ruleset.tier(tier_id) for r in chosen]
        scope = _scope(models)
        tiers.append(TierHistory(tier_id, tier_title(models[-1], lang), _ranking_label(models[-1], scope),
                                 _tracks(chosen, tier_id, scope), _eras(chosen, tier_id)))
    return History(numbers, rulesets, tuple(tiers))


def _year(results: Results) -> int:
    years = {identity_of(u).year for u in results.units}
    if len(years) != 1:
        raise UsageError(f"each year of a history is scored alone, found {', '.join(map(str, sorted(years)))} together")
    return years.pop()


def _common_tiers(years: Sequence[Results]) -> list[str]:
    last = [t.id for t in years[-1].ruleset.tiers if years[-1].tier_units(t.id)]
    return [t for t in last if all(any(x.id == t for x in r.ruleset.tiers) for r in years)]


def _scope(tiers: Sequence[m.Tier]) -> str | None:
    """The ranking scope (``within``) every year's tier declares, the latest year's first choice first."""
    for ranking in tiers[-1].rankings:
        if all(any(r.within == ranking.within for r in t.rankings) for t in tiers):
            return ranking.within
    return None


def _ranking_label(tier: m.Tier, scope: str | None) -> str:
    return next((r.label for r in tier.rankings if r.within == scope), "")


def _point(unit: UnitResult, scope: str | None, ruleset: str) -> YearPoint:
    ranking = next((r for r in unit.tier.rankings if r.within == scope), None)
    rank = unit.ranks.get(ranking.name) if ranking is not None else None
    share = unit.total * 100 / unit.tier.max if unit.tier.max else Decimal(0)
    return YearPoint(identity_of(unit).year, ruleset, unit.level.label if unit.level else None,
                     rank.rank if rank else None, rank.of if rank else None, share, unit.total)


def _tracks(years: Sequence[Results], tier: str, scope: str | None) -> tuple[UnitTrack, ...]:
    per_year = [{u.code: u for u in r.tier_units(tier)} for r in years]
    codes = sorted({code for found in per_year for code in found})
    tracks = []
    for code in codes:
        latest = next(found[code] for found in reversed(per_year) if code in found)
        points = tuple(_point(found[code], scope, r.ruleset.id) if code in found else None
                       for found, r in zip(per_year, years))
        tracks.append(UnitTrack(code, latest.name, latest.parent, points))
    return tuple(tracks)


def _eras(years: Sequence[Results], tier: str) -> tuple[Era, ...]:
    eras: list[Era] = []
    for results in years:
        model = results.ruleset.tier(tier)
        if not model.levels:
            continue
        scale = model.levels[0]
        ids: list[str | None] = [level.id for level in scale.levels] + [None]
        units = results.tier_units(tier)
        counts = tuple(sum(1 for u in units if u.levels[scale.name].id == level) for level in ids)
        labels = tuple(level.label for level in scale.levels) + (scale.below,)
        year = _year(results)
        if eras and eras[-1].ruleset == results.ruleset.id and eras[-1].levels == labels:
            last = eras[-1]
            eras[-1] = attrs.evolve(last, years=last.years + (year,), counts=last.counts + (counts,))
        else:
            eras.append(Era(results.ruleset.id, (year,), labels, (counts,)))
    return tuple(eras)


# ---------------------------------------------------------------- text
_TEXT = {
    "vi": {
        "years": "Số liệu {n} năm: {parts}.",
        "era": "{years} chấm theo bộ tiêu chí {ruleset}",
        "changed": "Bộ tiêu chí thay đổi từ năm {year} ({old} → {new}): mức độ và điểm chỉ so sánh giữa các năm "
                   "cùng bộ tiêu chí; thứ hạng ({ranking}) và tỷ lệ điểm đạt so với điểm tối đa so sánh qua các năm.",
        "same": "Cùng một bộ tiêu chí ({ruleset}) cho mọi năm: mức độ, điểm và thứ hạng so sánh được giữa các năm.",
        "risers": "Tăng hạng nhiều nhất từ năm {first} đến năm {last}: {units}.",
        "fallers": "Giảm hạng nhiều nhất từ năm {first} đến năm {last}: {units}.",
        "mover": "{name} (hạng {old} → {new}; {old_share}% → {new_share}% điểm tối đa{steady})",
        "steady_up": "; tăng hoặc giữ hạng qua từng năm",
        "steady_down": "; giảm hoặc giữ hạng qua từng năm",
        "chart": "{tier}: số đơn vị theo mức độ, {years} ({ruleset})",
        "code": "Mã", "unit": "Đơn vị", "share": "% tối đa {first} → {last}",
    },
    "en": {
        "years": "Data for {n} years: {parts}.",
        "era": "{years} scored with ruleset {ruleset}",
        "changed": "The rules changed in {year} ({old} → {new}): levels and points are compared only between years "
                   "of one ruleset; ranks ({ranking}) and the share of the maximum are compared across the years.",
        "same": "One ruleset ({ruleset}) for every year: levels, points and ranks compare across the years.",
        "risers": "Rose most in rank from {first} to {last}: {units}.",
        "fallers": "Fell most in rank from {first} to {last}: {units}.",
        "mover": "{name} (rank {old} → {new}; {old_share}% → {new_share}% of the maximum{steady})",
        "steady_up": "; rose or held every year",
        "steady_down": "; fell or held every year",
        "chart": "{tier}: units per level, {years} ({ruleset})",
        "code": "Code", "unit": "Unit", "share": "% of max {first} → {last}",
    },
}


def overview(found: History, lang: str) -> list[str]:
    """Which years were scored with which rules, and what is compared where the rules changed."""
    t = _TEXT[lang]
    eras: list[tuple[str, list[int]]] = []
    for year, ruleset in zip(found.years, found.rulesets):
        if eras and eras[-1][0] == ruleset:
            eras[-1][1].append(year)
        else:
            eras.append((ruleset, [year]))
    parts = "; ".join(t["era"].format(years=", ".join(map(str, years)), ruleset=ruleset) for ruleset, years in eras)
    lines = [t["years"].format(n=len(found.years), parts=parts)]
    ranking = found.tiers[0].ranking if found.tiers else ""
    for year, old, new in found.changes:
        lines.append(t["changed"].format(year=year, old=old, new=new, ranking=ranking))
    if not found.changes:
        lines.append(t["same"].format(ruleset=found.rulesets[0]))
    return lines


def mover_sentences(tier: TierHistory, years: Sequence[int], lang: str) -> list[str]:
    t = _TEXT[lang]
    risers, fallers = tier.movers()
    lines = []
    for key, found, steady in (("risers", risers, "steady_up"), ("fallers", fallers, "steady_down")):
        if found:
            lines.append(t[key].format(first=years[0], last=years[-1],
                                       units=", ".join(_mover(track, lang, t[steady]) for track in found)))
    return lines


def _mover(track: UnitTrack, lang: str, steady: str) -> str:
    ranked = [p for p in track.present() if p.rank is not None]
    first, last = ranked[0], ranked[-1]
    return _TEXT[lang]["mover"].format(name=track.name, old=first.rank, new=last.rank,
                                       old_share=format_number(first.share, lang, 1),
                                       new_share=format_number(last.share, lang, 1),
                                       steady=steady if track.steady else "")


def track_rows(tier: TierHistory, years: Sequence[int], lang: str,
               districts: dict[str, str] | None = None) -> tuple[list[str], list[list[str]]]:
    """Per unit: its level and rank each year ("Mức II · 3"), and its share of the maximum first → last."""
    t = _TEXT[lang]
    header = [t["code"], t["unit"]] + [str(y) for y in years] + [t["share"].format(first=years[0], last=years[-1])]
    rows = []
    ordered = sorted(tier.tracks, key=lambda tr: (tr.parent or "", _last_rank(tr), tr.code))
    for track in ordered:
        cells = [track.code, track.name + (f" ({districts[track.parent]})" if districts and track.parent in districts
                                           else "")]
        cells += ["—" if p is None else f"{p.level or '—'} · {p.rank if p.rank is not None else '—'}" for p in track.points]
        present = track.present()
        cells.append(f"{format_number(present[0].share, lang, 1)} → {format_number(present[-1].share, lang, 1)}")
        rows.append(cells)
    return header, rows


def _last_rank(track: UnitTrack) -> int:
    ranked = [p.rank for p in track.present() if p.rank is not None]
    return ranked[-1] if ranked else 10**9


def era_chart_title(tier: TierHistory, era: Era, lang: str) -> str:
    years = f"{era.years[0]}–{era.years[-1]}" if len(era.years) > 1 else str(era.years[0])
    return _TEXT[lang]["chart"].format(tier=tier.title, years=years, ruleset=era.ruleset)
