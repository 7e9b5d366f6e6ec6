"""How the wall words its check of the official ranking (sync/ranking/audit.py).

Shared by every tile that shows a district's official rank, so the ranking list and
the "why this rank" tile say the same thing: "≠ local check" only when the wall
holds all the data the store ranked, and "local check incomplete" otherwise — a
ranking the wall cannot check is never called wrong.
"""

from __future__ import annotations

from collections.abc import Callable

from ..sync.contract import Catalog, Named
from ..sync.ranking.audit import AuditFinding, RankingAudit, Verdict


def audit_flag(finding: AuditFinding, tr: Callable[[str], str]) -> str:
    """A row's word on the check of the official ranking: "≠ local check" or "local check incomplete"."""
    if finding.verdict is Verdict.DIFFERS:
        return f"≠ {tr('local check')}"
    return tr("local check incomplete")


def _figures(f: AuditFinding) -> str:
    """'7.10→6.85': the first of score, rank, grade that differs, official then local."""
    def shown(v: object) -> str:
        return "–" if v is None else f"{v:.2f}" if isinstance(v, float) else str(v)

    for field, c, lo in (("score", f.central_score, f.local_score), ("rank", f.central_rank, f.local_rank),
                        ("grade", f.central_grade, f.local_grade)):
        if field in f.fields:
            return f"{shown(c)}→{shown(lo)}"
    return ""


def audit_note(audit: RankingAudit, catalog: Catalog, name: Callable[[Named | None, str], str],
               tr: Callable[[str], str]) -> tuple[str, bool]:
    """(note, alarm) for a checked official ranking: which districts differ from the local check,
    or that the check is incomplete (never "wrong" then); ("", False) when it agrees."""
    differs = audit.of(Verdict.DIFFERS)
    if differs:
        parts = [f"{name(catalog.entity(f.entity), f.entity)} {_figures(f)}".rstrip() for f in differs[:3]]
        more = f" +{len(differs) - 3}" if len(differs) > 3 else ""
        return f"{tr('Official ranking differs from local check for')} {len(differs)}: {', '.join(parts)}{more}", True
    unchecked = audit.of(Verdict.INCOMPLETE)
    if unchecked:
        return f"{tr('Local check incomplete: the wall does not hold the data the store ranked')} ({len(unchecked)})", False
    return "", False


def official_words(finding: AuditFinding, ordinal: Callable[[int], str], tr: Callable[[str], str]) -> str:
    """'official 3rd · 7.10 ≠ local check' beside a district's own explanation."""
    rank = ordinal(finding.central_rank) if finding.central_rank else "–"
    score = f"{finding.central_score:.2f}" if finding.central_score is not None else "—"
    return f"{tr('official')} {rank} · {score} {audit_flag(finding, tr)}"


def audit_summary(audit: RankingAudit, tr: Callable[[str], str]) -> str:
    """'≠ local check (2)' or 'local check incomplete (1)': a short word for a legend."""
    differs = audit.of(Verdict.DIFFERS)
    if differs:
        return f"≠\u00a0{tr('local check')} ({len(differs)})"  # ≠ stays with its words when wrapped
    return f"{tr('local check incomplete')} ({len(audit.of(Verdict.INCOMPLETE))})"
