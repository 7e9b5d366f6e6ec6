"""A layout's crisis rules (`[crisis]`): when the wall turns to its crisis layout by itself.

    [crisis]
    layout = "crisis"            # shipped layout name, or a file next to this one
    [[crisis.rules]]
    name = "ICU beds full"
    name_local = { hi = "आईसीयू बेड भरे", gu = "આઈસીયુ પથારી ભરાઈ" }
    used = "BEDS.ICU.USED"    # occupancy of a used/total pair, in % …
    total = "BEDS.ICU.TOTAL"
    # kpi = "O2.STOCK_HOURS" # … or one KPI, in its unit
    level = "district"           # any place of this level; or entity = "CODE"; neither: the state
    enter = 95                   # past this …
    enter_readings = 2           # … in this many consecutive readings: the rule fires
    exit = 90                    # on the calm side of this …
    exit_minutes = 10            # … for this long: it clears

What a reading is, the direction and "too old" are defined in sync/crisis_watch.py.
Strict and bounded like the rest of the format; the codes are checked against the
store's catalog by `main.py check LAYOUT --store URL`. Qt-free.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import Literal

from pydantic import Field, model_validator

from ..sync.crisis_watch import CrisisRule
from .tile_options import DeclaresCodes

MAX_RULES = 32


class CrisisRuleSpec(DeclaresCodes):
    """One crisis rule: a figure, where it is judged, and its entry and exit thresholds."""

    code_fields = {"kpi": "kpi", "used": "kpi", "total": "kpi", "entity": "entity", "level": "level"}

    name: str = Field(min_length=1, max_length=80, description="the rule's name on the banner and in the crisis log (English)")
    name_local: dict[str, str] = Field(default_factory=dict, description='the name per language code, e.g. { hi = "…", gu = "…" }')
    kpi: str | None = Field(default=None, description="a KPI code of the store's catalog, judged in its unit")
    used: str | None = Field(default=None, description="or: the used KPI of a used/total pair, judged as occupancy in %")
    total: str | None = Field(default=None, description="the total KPI of that pair")
    level: str | None = Field(default=None, description='any place of this level (e.g. "district", "facility"); '
                                                        'neither `level` nor `entity`: the state')
    entity: str | None = Field(default=None, description="or: this one place (an entity code of the catalog)")
    aggregate: Literal["shown", "own"] = Field(
        default="shown", description='"shown": the place\'s own report, else its children\'s rolled up by the KPI\'s '
                                     '`aggregate` (as the tiles show it); "own": the place\'s own report only')
    direction: Literal["above", "below"] | None = Field(
        default=None, description='bad is above / below the thresholds; default: from the KPI\'s `better` '
                                  '(above for occupancy)')
    enter: float = Field(allow_inf_nan=False, ge=-1e12, le=1e12,
                         description="entry threshold, in the KPI's unit (percent for occupancy)")
    enter_readings: int = Field(default=2, ge=1, le=100,
                                description="consecutive readings (snapshots bringing a new report of the figure) "
                                            "past `enter` before the rule fires")
    exit: float | None = Field(default=None, allow_inf_nan=False, ge=-1e12, le=1e12,
                               description="exit threshold (default: `enter`); on the calm side of `enter`")
    exit_minutes: float = Field(default=10.0, ge=0.0, le=1440.0, allow_inf_nan=False,
                                description="minutes the figure stays on the calm side of `exit` before the rule clears")

    @model_validator(mode="after")
    def _one_figure(self) -> CrisisRuleSpec:
        if (self.kpi is None) == (self.used is None and self.total is None):
            raise ValueError("give either `kpi` or both `used` and `total`")
        if (self.used is None) != (self.total is None):
            raise ValueError("an occupancy rule needs both `used` and `total`")
        if self.level is not None and self.entity is not None:
            raise ValueError("give `level` or `entity`, not both")
        if self.exit is not None and self.direction is not None:
            if (self.direction == "above" and self.exit > self.enter) or (self.direction == "below" and self.exit < self.enter):
                raise ValueError(f"`exit` must be on the calm side of `enter` ({self.direction}: "
                                 f"{'at most' if self.direction == 'above' else 'at least'} {self.enter:g})")
        return self

    def model(self) -> CrisisRule:
        return CrisisRule(
            name=self.name, enter=self.enter, exit=self.enter if self.exit is None else self.exit, kpi=self.kpi,
            used=self.used, total=self.total, level=self.level, entity=self.entity, aggregate=self.aggregate,
            direction=self.direction, enter_readings=self.enter_readings, exit_minutes=self.exit_minutes,
            name_local=MappingProxyType(dict(self.name_local)),
        )


class CrisisSpec(DeclaresCodes):
    """The layout the wall turns to when a rule fires, and the rules:

        [crisis]
        layout = "crisis"
        [[crisis.rules]]
        name = "ICU beds of a district full"
        used = "BEDS.ICU.USED"        # occupancy of a used/total pair, in % (or kpi = "CODE")
        total = "BEDS.ICU.TOTAL"
        level = "district"               # any place of a level; entity = "CODE": one place; neither: the state
        enter = 95                       # past this in `enter_readings` consecutive readings: it fires
        enter_readings = 2
        exit = 90                        # on the calm side of this for `exit_minutes`: it clears
        exit_minutes = 10

    A *reading* is a snapshot that brings a new report of the rule's figure for a place
    (a poll with new data for it, or a replayed moment past one); polling faster never
    fires a rule sooner. Between `enter` and `exit` a firing rule stays as it is
    (hysteresis). Bad is `above` or `below` the thresholds (`direction`; by default from
    the KPI's `better`, above for occupancy). A figure overdue (older than its KPI's
    frequency) by another period, and by ten minutes at least, is too old to judge: it
    never clears a rule, and when no figure of any rule can be judged the banner says
    the crisis state is unknown.

    When a rule fires every screen switches to `layout` and a banner on every screen
    names the rule, the place and the figure, flashing until the operator acknowledges
    (key A); the wall comes back to this layout when every rule has cleared — unless
    the operator switched layouts by hand meanwhile (C, V): that choice then stands. The
    rules of the layout the wall started with are watched whatever layout shows. Firing,
    clearing, switches and acknowledgements are kept in the local store:
    `main.py crisis-log`."""

    layout: str | None = Field(default=None, description="the crisis layout: a shipped layout name or a file next to "
                                                          "this one; none: this layout stays, the banner shows")
    rules: tuple[CrisisRuleSpec, ...] = Field(default=(), max_length=MAX_RULES, description="the crisis rules")

    def models(self) -> tuple[CrisisRule, ...]:
        return tuple(rule.model() for rule in self.rules)
