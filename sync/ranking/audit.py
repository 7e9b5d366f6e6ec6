"""The ranking audits itself: every official ranking, recomputed on the wall.

Officers are judged by the central store's ranking, so the wall checks each one it
receives: the local engine ranks the same month from the observations the wall
holds, and every district whose rank, score or grade differs beyond rounding is a
finding. A finding is only called a difference ("differs from local check") when
the wall can vouch for its own input; otherwise it says "local check incomplete"
and never calls the store's ranking wrong.

Rounding tolerance (DESIGN.md: published scores are rounded half up to 2 decimals,
and ranks and grades follow the rounded score). Two implementations that follow
the methodology on the same data can still land one cent apart on a ``…5``
boundary through binary floating point, so:

- a score is a finding when it differs by more than one cent (``SCORE_TOLERANCE``);
- a grade is a finding unless the store's grade is the grade of its own published
  score and that score is within one cent of the local one;
- a rank is a finding unless it is a rank the district could hold if every score
  were one cent off, up or down, on the store's side (`rank_bounds`): two districts
  may then swap when their local scores are less than two cents apart;
- a district ranked on one side and not on the other is always a finding.

When the wall's check is complete (`Incomplete` lists what can make it not):

- the local check uses only observations reported at or before the store's
  ``computed_at`` (the store cannot have ranked later reports). When the wall holds
  such later reports for the month, the values the store ranked may have been
  replaced on the wall (a correction), so the check is incomplete (SUPERSEDED);
- the wall must have read the observations feed to its end in a poll that began
  after the store computed its ranking (plus `CLOCK_SKEW`, as the two clocks
  differ): until then the store may have ranked reports the wall has not received
  (FEED_BEHIND);
- the wall must hold observations of the month at all (NO_DATA).

The audit is pure; `RankingAuditor` runs it on the sync thread once per new
central ranking, new observations of ranked KPIs, or change of completeness — not
per paint — and says which findings have not been recorded yet.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from enum import StrEnum

from ..contract import Catalog
from ..observations import ObservationTable
from ..series import KpiSeries
from .engine import MonthScores, compute_ranking, ranking_of, score_cells
from .month_cells import MonthCells, MonthReader
from .plan import plan_for, ranked_kpis
from .result import RankedEntity, RankingResult

SCORE_TOLERANCE = 0.01 + 1e-9  # one unit of the last published decimal
CLOCK_SKEW = timedelta(seconds=60)  # how far the store's clock may differ from the wall's


class Verdict(StrEnum):
    """What the wall can say about a district where the two rankings disagree."""

    DIFFERS = "differs"  # the local check, on all the data the store ranked, disagrees
    INCOMPLETE = "incomplete"  # they disagree, but the wall lacks data the store may have ranked


class Incomplete(StrEnum):
    """Why the wall cannot vouch for its local check."""

    FEED_BEHIND = "feed-behind"  # the feed was not read to its end after the store computed its ranking
    SUPERSEDED = "superseded"  # the wall holds later reports for the month than the store ranked
    NO_DATA = "no-data"  # the wall holds no observation of the month's ranked KPIs


@dataclass(frozen=True)
class AuditFinding:
    """One district where the official ranking and the wall's check disagree."""

    entity: str
    verdict: Verdict
    fields: tuple[str, ...]  # which of "rank", "score", "grade" disagree
    central_rank: int | None
    local_rank: int | None
    central_score: float | None
    local_score: float | None
    central_grade: str | None
    local_grade: str | None


@dataclass(frozen=True)
class RankingAudit:
    """The check of one central ranking (identified by period, revision and computed_at)."""

    period: str
    revision: str
    computed_at: datetime
    checked_at: datetime
    incomplete: tuple[Incomplete, ...] = ()  # empty: the wall vouches for its check
    findings: tuple[AuditFinding, ...] = ()
    _by_entity: Mapping[str, AuditFinding] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_entity", {f.entity: f for f in self.findings})

    @property
    def complete(self) -> bool:
        return not self.incomplete

    def finding(self, entity: str) -> AuditFinding | None:
        return self._by_entity.get(entity)

    def of(self, verdict: Verdict) -> tuple[AuditFinding, ...]:
        return tuple(f for f in self.findings if f.verdict is verdict)

    def is_about(self, ranking: RankingResult | None) -> bool:
        """This audit checked `ranking` (the store's, same period, revision and moment)."""
        return (ranking is not None and ranking.source == "central" and ranking.period == self.period
                and ranking.revision == self.revision and ranking.computed_at == self.computed_at)


def _grade_of(score: float | None, grades: Sequence[tuple[str, float]]) -> str | None:
    if score is None:
        return None
    return next((name for name, threshold in grades if threshold <= score), None)


def _clusters(values: Iterable[float], width: float) -> int:
    """The fewest groups of values each no wider than `width` (greedy is optimal)."""
    count, start = 0, None
    for v in sorted(values):
        if start is None or v - start > width:
            count, start = count + 1, v
    return count


def rank_bounds(entity: str, local: RankingResult, ties: str) -> tuple[int, int] | None:
    """The best and worst rank `entity` could hold if every score moved by at most one cent.

    Another district is surely above when its local score is more than two cents higher
    (it can lose one, this one gain one), and possibly above unless it is two cents or
    more lower. With dense ranks, surely-higher scores within two cents of each other may
    become one."""
    row = local.row(entity)
    if row is None or row.score is None:
        return None
    s, reach = row.score, 2 * SCORE_TOLERANCE
    others = [r.score for r in local.ranked if r.entity != entity and r.score is not None]
    above = [v for v in others if v - s > reach]
    maybe_above = [v for v in others if v - s > -reach]
    if ties == "dense":
        return 1 + _clusters(above, reach), 1 + len(maybe_above)
    return 1 + len(above), 1 + len(maybe_above)


def _disagreement(c: RankedEntity | None, lo: RankedEntity | None, local: RankingResult, catalog: Catalog) -> tuple[str, ...]:
    c_rank, l_rank = (c.rank if c else None), (lo.rank if lo else None)
    c_score, l_score = (c.score if c else None), (lo.score if lo else None)
    if c_rank is None and l_rank is None:
        return ()
    if c_rank is None or l_rank is None or c_score is None or l_score is None:
        return tuple(name for name, a, b in (("rank", c_rank, l_rank), ("score", c_score, l_score),
                                             ("grade", c.grade if c else None, lo.grade if lo else None)) if a != b)
    assert c is not None and lo is not None
    fields = []
    if c_rank != l_rank:
        bounds = rank_bounds(lo.entity, local, catalog.ranking.ties)
        if bounds is None or not bounds[0] <= c_rank <= bounds[1]:
            fields.append("rank")
    close = abs(c_score - l_score) <= SCORE_TOLERANCE
    if not close:
        fields.append("score")
    if c.grade != lo.grade and not (close and c.grade == _grade_of(c_score, catalog.ranking.grades)):
        fields.append("grade")
    return tuple(fields)


def compare(catalog: Catalog, central: RankingResult, local: RankingResult | None, verdict: Verdict) -> tuple[AuditFinding, ...]:
    """The districts where `central` and `local` disagree beyond rounding, by central rank then code."""
    empty = RankingResult(central.period, (), "local", central.computed_at)
    local = local if local is not None else empty
    central_rows = {r.entity: r for r in central.rows}
    local_rows = {r.entity: r for r in local.rows}
    out = []
    for entity in central_rows.keys() | local_rows.keys():
        c, lo = central_rows.get(entity), local_rows.get(entity)
        fields = _disagreement(c, lo, local, catalog)
        if fields:
            out.append(AuditFinding(entity, verdict, fields, c.rank if c else None, lo.rank if lo else None,
                                    c.score if c else None, lo.score if lo else None,
                                    c.grade if c else None, lo.grade if lo else None))
    out.sort(key=lambda f: (f.central_rank is None, f.central_rank or 0, f.entity))
    return tuple(out)


def _as_ranked(table: ObservationTable, central: RankingResult) -> tuple[ObservationTable, bool]:
    """The rows the store can have ranked (reported by its computed_at); True if any were left out."""
    keep = table.reported_at <= central.computed_at.timestamp()
    if bool(keep.all()):
        return table, False
    return ObservationTable(table.kpi[keep], table.entity[keep], table.period[keep], table.value[keep],
                            table.reported_at[keep]), True


def audit_ranking(
    catalog: Catalog,
    table: ObservationTable,
    central: RankingResult,
    *,
    feed_read_at: datetime | None,
    checked_at: datetime,
    skew: timedelta = CLOCK_SKEW,
) -> RankingAudit:
    """Check `central` against the local engine on `table` (observations of its month).

    `feed_read_at` is when the wall last began a poll that read the observations feed
    to its end (None: never). Findings are DIFFERS only when the check is complete.
    """
    ranked_table, later_reports = _as_ranked(table, central)
    local = compute_ranking(catalog, ranked_table, central.period, computed_at=checked_at, revision="audit")
    return _audit(catalog, central, local, later_reports, feed_read_at=feed_read_at, checked_at=checked_at, skew=skew)


def audit_cells(
    catalog: Catalog,
    cells: MonthCells,
    central: RankingResult,
    *,
    feed_read_at: datetime | None,
    checked_at: datetime,
    skew: timedelta = CLOCK_SKEW,
    scores: MonthScores | None = None,
    published: RankingResult | None = None,
) -> RankingAudit:
    """`audit_ranking` on the month's cells read from the series with the store's
    ``computed_at`` as cutoff (month_cells.py): the same audit, without a table.
    `scores`: `score_cells(cells)` when the caller already has it; `published`: the local
    ranking of those scores (its ranks, scores and grades are all the audit compares)."""
    if published is not None:
        local: RankingResult | None = replace(published, computed_at=checked_at, revision="audit")
    else:
        if scores is None:
            scores = score_cells(cells)
        local = None if scores is None else ranking_of(scores, computed_at=checked_at, revision="audit")
    return _audit(catalog, central, local, cells.later_reports, feed_read_at=feed_read_at, checked_at=checked_at,
                  skew=skew)


def _audit(catalog: Catalog, central: RankingResult, local: RankingResult | None, later_reports: bool, *,
           feed_read_at: datetime | None, checked_at: datetime, skew: timedelta) -> RankingAudit:
    incomplete = []
    if feed_read_at is None or feed_read_at < central.computed_at + skew:
        incomplete.append(Incomplete.FEED_BEHIND)
    if later_reports:
        incomplete.append(Incomplete.SUPERSEDED)
    if local is None:
        incomplete.append(Incomplete.NO_DATA)
    verdict = Verdict.INCOMPLETE if incomplete else Verdict.DIFFERS
    return RankingAudit(
        period=central.period,
        revision=central.revision,
        computed_at=central.computed_at,
        checked_at=checked_at,
        incomplete=tuple(incomplete),
        findings=compare(catalog, central, local, verdict),
    )


def _same(a: tuple[object, ...] | None, b: tuple[object, ...]) -> bool:
    return a is not None and len(a) == len(b) and all(x is y for x, y in zip(a, b))


class RankingAuditor:
    """Audits one slot (the latest central ranking, or the month before) on the sync thread.

    Re-checks only when the central ranking, the catalog, a ranked KPI's series or the
    completeness of the feed changed since the last check (object identity: a poll
    rebuilds only the series it touched). `unrecorded` hands each finding to the local
    store once per central ranking and verdict.
    """

    def __init__(self, skew: timedelta = CLOCK_SKEW) -> None:
        self.skew = skew
        self.audit: RankingAudit | None = None
        self._key: tuple[object, ...] | None = None
        self._content: tuple[object, ...] | None = None
        self._recorded: set[tuple[object, ...]] = set()
        self._recorded_for: tuple[str, str, datetime] | None = None
        self._reader: MonthReader | None = None

    def check(
        self,
        catalog: Catalog | None,
        series: Mapping[str, KpiSeries],
        central: RankingResult | None,
        *,
        feed_read_at: datetime | None,
        now: datetime,
        known: tuple[MonthCells, MonthScores | None, RankingResult | None] | None = None,
    ) -> RankingAudit | None:
        """The audit of `central` (re-checked only when its inputs changed). `known`: the
        local engine's cells and scores of some month from the same series, read without
        a cutoff, and the ranking published from them; when they are of this ranking's
        month and hold nothing reported after the store computed it, they are the cells
        the audit needs and are not read or ranked again."""
        if catalog is None or central is None:
            self.audit, self._key, self._content = None, None, None
            return None
        kpis = tuple(k.code for k in ranked_kpis(catalog))
        feed_done = feed_read_at is not None and feed_read_at >= central.computed_at + self.skew
        # A store without ETags answers each poll with an equal new document: same content, no re-check.
        content = (catalog.revision, central.period, central.revision, central.computed_at, central.rows, feed_done)
        key: tuple[object, ...] = tuple(series.get(k) for k in kpis)
        if content == self._content and _same(self._key, key):
            return self.audit
        cutoff = central.computed_at.timestamp()
        if (known is not None and known[0].plan is plan_for(catalog) and known[0].month == central.period
                and known[0].newest <= cutoff):
            cells, scores, published = known
        else:
            cells = self._reader_for(catalog, central).read(series)
            scores, published = score_cells(cells), None
        self.audit = audit_cells(catalog, cells, central, feed_read_at=feed_read_at, checked_at=now, skew=self.skew,
                                 scores=scores, published=published)
        self._key, self._content = key, content
        return self.audit

    def _reader_for(self, catalog: Catalog, central: RankingResult) -> MonthReader:
        """The month reader of this ranking's month and moment, kept while they stay."""
        plan, cutoff = plan_for(catalog), central.computed_at.timestamp()
        reader = self._reader
        if reader is None or reader.plan is not plan or reader.month != central.period or reader.cutoff != cutoff:
            reader = self._reader = MonthReader(plan, central.period, cutoff)
        return reader

    def unrecorded(self) -> tuple[AuditFinding, ...]:
        """Findings of the current audit not yet handed out for its central ranking."""
        audit = self.audit
        if audit is None:
            return ()
        ident = (audit.period, audit.revision, audit.computed_at)
        if ident != self._recorded_for:
            self._recorded_for, self._recorded = ident, set()
        fresh = []
        for f in audit.findings:
            fingerprint = (f.entity, f.verdict, f.fields, f.central_rank, f.local_rank, f.central_score,
                           f.local_score, f.central_grade, f.local_grade)
            if fingerprint not in self._recorded:
                self._recorded.add(fingerprint)
                fresh.append(f)
        return tuple(fresh)

