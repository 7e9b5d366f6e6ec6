// The browser wall: one screen of the shipped layout as a Chromium + ECharts kiosk page.
//
// This is the comparison bench_browser_compare.py measures the Qt wall against (issue 12):
// the same tiles, from the same layout file and the same store's API v1, built the way a
// web team would build it — DOM tables and figures, ECharts (canvas) for the map, trends
// and bars, CSS for the scrolling ranking and the page cross-fade. Each window polls the
// store on its own every 2 s with If-None-Match, keeps what it has read in memory, and
// rebuilds its tiles only when an answer was not 304. Pages turn on the layout's dwell.
"use strict";

const CFG = window.WALL_CONFIG;
const LAYOUT = CFG.layout;
const SCREEN_ID = new URLSearchParams(location.search).get("screen") || LAYOUT.screens[0].id;
const SCREEN = LAYOUT.screens.find((s) => s.id === SCREEN_ID) || LAYOUT.screens[0];
const POLL_MS = 2000, CATALOG_MS = 300000, AGE_MS = 30000;
const GRADE_COLOURS = ["#1a9850", "#91cf60", "#fee08b", "#fc8d59", "#d73027", "#a50026"];
const DAY = 86400000;

const data = {
  catalog: null, kpis: new Map(), entities: new Map(), districts: [], departments: new Map(), schemes: new Map(),
  obs: new Map(),  // kpi -> entity -> period -> [value, reported ms]
  cursor: null, feedEtag: null, etags: {}, ranking: null, previous: null,
};

// --- store ---------------------------------------------------------------------------------------

async function getJson(path, key) {
  const headers = {Accept: "application/json"};
  if (key && data.etags[key]) headers["If-None-Match"] = data.etags[key];
  const r = await fetch(path, {headers, cache: "no-store"});
  if (r.status === 304) return null;
  if (!r.ok) throw new Error(`${path}: HTTP ${r.status}`);
  if (key) data.etags[key] = r.headers.get("ETag");
  return r.json();
}

async function pollCatalog() {
  const c = await getJson("/v1/catalog", "catalog");
  if (!c) return false;
  data.catalog = c;
  data.kpis = new Map(c.kpis.map((k) => [k.code, k]));
  data.entities = new Map(c.entities.map((e) => [e.code, e]));
  data.districts = c.entities.filter((e) => e.level === "district");
  data.departments = new Map(c.departments.map((d) => [d.code, d]));
  data.schemes = new Map(c.schemes.map((s) => [s.code, s]));
  return true;
}

async function pollObservations() {
  let changed = false;
  for (;;) {
    const q = `/v1/observations?limit=5000${data.cursor ? "&since=" + encodeURIComponent(data.cursor) : ""}`;
    const headers = {Accept: "application/json"};
    if (data.feedEtag) headers["If-None-Match"] = data.feedEtag;
    const r = await fetch(q, {headers, cache: "no-store"});
    if (r.status === 304) return changed;
    if (!r.ok) throw new Error(`observations: HTTP ${r.status}`);
    const page = await r.json();
    for (const o of page.observations) {
      let byEntity = data.obs.get(o.kpi);
      if (!byEntity) data.obs.set(o.kpi, byEntity = new Map());
      let byPeriod = byEntity.get(o.entity);
      if (!byPeriod) byEntity.set(o.entity, byPeriod = new Map());
      byPeriod.set(o.period, [o.value, Date.parse(o.reported_at)]);
      changed = true;
    }
    data.cursor = page.cursor;
    data.feedEtag = page.more ? null : r.headers.get("ETag");
    if (!page.more) return changed;
  }
}

function previousMonth(period) {
  const [y, m] = period.split("-").map(Number);
  return m === 1 ? `${y - 1}-12` : `${y}-${String(m - 1).padStart(2, "0")}`;
}

async function pollRanking() {
  const r = await getJson("/v1/rankings", "ranking");
  if (!r) return false;
  data.ranking = r;
  if (!data.previous || data.previous.period !== previousMonth(r.period)) {
    data.previous = await getJson(`/v1/rankings?period=${previousMonth(r.period)}`, null);
  }
  return true;
}

// --- figures -------------------------------------------------------------------------------------

function durationMs(iso) {
  const m = /^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/.exec(iso || "P1M");
  if (!m) return 30 * DAY;
  const n = (i) => Number(m[i] || 0);
  return n(1) * 365 * DAY + n(2) * 30 * DAY + n(3) * 7 * DAY + n(4) * DAY + n(5) * 3600e3 + n(6) * 60e3 + n(7) * 1e3;
}

function latestPeriod(byPeriod) {
  let best = null;
  for (const p of byPeriod.keys()) if (best === null || p > best) best = p;
  return best;
}

function aggregate(kind, values) {
  if (!values.length) return null;
  if (kind === "sum") return values.reduce((a, b) => a + b, 0);
  if (kind === "min") return Math.min(...values);
  if (kind === "max") return Math.max(...values);
  return values.reduce((a, b) => a + b, 0) / values.length;
}

// The state's figure of a KPI for a period (its own report, else its districts' rolled up).
function stateFigure(code, period) {
  const kpi = data.kpis.get(code), byEntity = data.obs.get(code);
  if (!kpi || !byEntity) return {value: null, period: null, reported: null};
  const state = byEntity.get(data.catalog.state.code);
  if (period === undefined) {
    const periods = new Set();
    for (const [e, byPeriod] of byEntity) if (e === data.catalog.state.code || data.entities.get(e)?.level === "district") periods.add(latestPeriod(byPeriod));
    period = [...periods].sort().pop() || null;
  }
  if (period === null) return {value: null, period: null, reported: null};
  if (state && state.has(period)) return {value: state.get(period)[0], period, reported: state.get(period)[1]};
  const values = [];
  let reported = null;
  for (const d of data.districts) {
    const cell = byEntity.get(d.code)?.get(period);
    if (cell && cell[0] !== null) { values.push(cell[0]); reported = Math.max(reported || 0, cell[1]); }
  }
  return {value: aggregate(kpi.aggregate || "mean", values), period, reported};
}

function periodsOf(code) {
  const set = new Set();
  for (const byPeriod of (data.obs.get(code) || new Map()).values()) for (const p of byPeriod.keys()) set.add(p);
  return [...set].sort();
}

function newestReport(codes) {
  let newest = null;
  for (const code of codes) for (const byPeriod of (data.obs.get(code) || new Map()).values())
    for (const [, r] of byPeriod.values()) if (newest === null || r > newest) newest = r;
  return newest;
}

function judge(kpi, value) {
  const a = kpi.alert;
  if (!a || value === null || value === undefined) return null;
  const lower = kpi.better === "lower";
  if (lower ? value >= a.critical : value <= a.critical) return "critical";
  if (lower ? value >= a.warn : value <= a.warn) return "warn";
  return null;
}

// --- words ---------------------------------------------------------------------------------------

const nf = new Intl.NumberFormat("en-IN", {maximumFractionDigits: 1});
const dayFmt = new Intl.DateTimeFormat("en-GB", {day: "numeric", month: "short", timeZone: "Asia/Kolkata"});
const clockFmt = new Intl.DateTimeFormat("en-GB", {hour: "2-digit", minute: "2-digit", second: "2-digit", timeZone: "Asia/Kolkata"});

function number(v, unit) {
  if (v === null || v === undefined) return "—";
  return unit === "%" ? `${nf.format(v)} %` : nf.format(v);
}

function ago(ms) {
  if (ms === null) return ["not fed yet", "late"];
  const minutes = Math.round((Date.now() - ms) / 60000);
  if (minutes < 1) return ["updated just now", ""];
  if (minutes < 60) return [`updated ${minutes} min ago`, ""];
  if (minutes < 48 * 60) return [`updated ${Math.round(minutes / 60)} h ago`, ""];
  return [`updated ${dayFmt.format(ms)}`, ""];
}

const entityName = (code) => data.entities.get(code)?.name || code;
const kpiName = (code) => data.kpis.get(code)?.name || code;
const gradeColour = (g) => GRADE_COLOURS[Math.max(0, data.catalog.ranking.grades.findIndex((x) => x[0] === g))] || "#666";
const esc = (s) => String(s).replace(/[&<>"]/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;"}[c]));

// --- tiles ---------------------------------------------------------------------------------------

class Tile {
  constructor(spec, parent) {
    this.spec = spec;
    this.options = spec.options || {};
    this.el = document.createElement("section");
    this.el.className = "tile";
    this.el.style.gridRow = `${spec.row + 1} / span ${spec.row_span || 1}`;
    this.el.style.gridColumn = `${spec.col + 1} / span ${spec.col_span || 1}`;
    this.el.innerHTML = `<h2><span class="title"></span><span class="age"></span></h2><div class="body"></div>`;
    this.body = this.el.querySelector(".body");
    parent.appendChild(this.el);
  }
  title(text) { this.el.querySelector(".title").textContent = text; }
  kpiCodes() { return []; }
  age() {
    const [text, kind] = ago(newestReport(this.kpiCodes()));
    const el = this.el.querySelector(".age");
    el.textContent = text;
    el.className = `age ${kind}`;
  }
  update() {}
  chart() {
    if (!this._chart) {
      const div = document.createElement("div");
      div.className = "chart";
      this.body.appendChild(div);
      this._chart = echarts.init(div, "dark", {renderer: "canvas"});
    }
    return this._chart;
  }
}

class KpiTile extends Tile {
  kpiCodes() { return [this.options.kpi]; }
  update() {
    const kpi = data.kpis.get(this.options.kpi);
    this.title(kpi ? kpi.name : this.options.kpi);
    if (!kpi) { this.body.textContent = `unknown KPI ${this.options.kpi}`; return; }
    const now = stateFigure(kpi.code);
    const before = now.period ? stateFigure(kpi.code, previousMonth(now.period)) : {value: null};
    const delta = now.value !== null && before.value !== null ? now.value - before.value : null;
    const good = delta === null ? "" : (delta >= 0) === (kpi.better !== "lower") ? "up" : "down";
    const level = judge(kpi, now.value);
    this.body.innerHTML = `<div class="figure ${level || ""}">${esc(number(now.value, kpi.unit))}</div>
      <div class="sub"><span class="${good}">${delta === null ? "" : (delta >= 0 ? "▲ " : "▼ ") + nf.format(Math.abs(delta))}</span>
      ${kpi.target !== undefined ? ` · target ${esc(number(kpi.target, kpi.unit))}` : ""} · ${esc(now.period || "")}</div>`;
  }
}

class RankingTile extends Tile {
  kpiCodes() { return Object.keys(data.ranking?.rows[0]?.marks || {}); }
  update() {
    const r = data.ranking;
    this.el.classList.add("ranking");
    this.title(`${this.options.title || "District ranking"} · ${r ? r.period : ""}`);
    if (!r) { this.body.textContent = "no ranking yet"; return; }
    let rows = r.rows.filter((x) => x.rank !== null).sort((a, b) => a.rank - b.rank);
    const mode = this.options.mode || "all", count = this.options.count || 10;
    if (mode === "top") rows = rows.slice(0, count);
    if (mode === "bottom") rows = rows.slice(-count);
    const before = new Map((data.previous?.rows || []).map((x) => [x.entity, x.rank]));
    const html = rows.map((x) => {
      const b = before.get(x.entity);
      const move = b === undefined ? "–" : b > x.rank ? `<span class="up">▲${b - x.rank}</span>` : b < x.rank ? `<span class="down">▼${x.rank - b}</span>` : "=";
      return `<tr><td class="num">${x.rank}</td><td>${move}</td><td>${esc(entityName(x.entity))}</td><td class="num">${x.score.toFixed(2)}</td>` +
        `<td><span class="chip" style="background:${gradeColour(x.grade)}">${esc(x.grade || "")}</span></td></tr>`;
    }).join("");
    const cols = `<colgroup><col style="width:8%"><col style="width:9%"><col><col style="width:12%"><col style="width:8%"></colgroup>`;
    const head = `${cols}<tr><th class="num">Rank</th><th></th><th>District</th><th class="num">Score</th><th></th></tr>`;
    if (mode !== "all") { this.body.innerHTML = `<table>${head}${html}</table>`; return; }
    // scrolling: the list twice over, moved up by half its height, one row per seconds_per_row
    const seconds = (this.options.seconds_per_row || 2.5) * rows.length;
    this.body.innerHTML = `<table>${head}</table><div class="scroller" style="top:28px"><div class="strip" style="animation-duration:${seconds}s">` +
      `<table>${cols}${html}<tr><td>&nbsp;</td></tr></table><table>${cols}${html}<tr><td>&nbsp;</td></tr></table></div></div>`;
  }
}

let mapRegistered = false;
class MapTile extends Tile {
  kpiCodes() { return this.options.colour_by === "kpi" ? [this.options.kpi] : Object.keys(data.ranking?.rows[0]?.marks || {}); }
  update() {
    if (!mapRegistered) { echarts.registerMap("districts", CFG.districts); mapRegistered = true; }
    const byKpi = this.options.colour_by === "kpi";
    const kpi = byKpi ? data.kpis.get(this.options.kpi) : null;
    let items, visualMap;
    if (byKpi) {
      const byEntity = data.obs.get(this.options.kpi) || new Map();
      items = data.districts.map((d) => {
        const byPeriod = byEntity.get(d.code);
        const p = byPeriod && latestPeriod(byPeriod);
        return {name: d.code, value: p ? byPeriod.get(p)[0] : null};
      });
      const values = items.map((i) => i.value).filter((v) => v !== null);
      visualMap = {min: Math.min(...values), max: Math.max(...values), left: 10, bottom: 10, calculable: false,
                   inRange: {color: ["#d73027", "#fee08b", "#1a9850"]}, textStyle: {color: "#e6edf3"}};
      this.title(kpi ? kpi.name : this.options.kpi);
    } else {
      const rows = new Map((data.ranking?.rows || []).map((x) => [x.entity, x]));
      items = data.districts.map((d) => ({name: d.code, value: rows.get(d.code)?.score ?? null,
                                          itemStyle: {areaColor: gradeColour(rows.get(d.code)?.grade)}}));
      this.title(`Overall score by grade · ${data.ranking?.period || ""}`);
    }
    this.chart().setOption({
      backgroundColor: "transparent", animation: false, visualMap,
      series: [{type: "map", map: "districts", data: items, roam: false, selectedMode: false,
                label: {show: true, color: "#fff", fontSize: 13, textBorderColor: "#000", textBorderWidth: 2,
                        formatter: (p) => `${entityName(p.name)}\n${p.value === null || isNaN(p.value) ? "—" : nf.format(p.value)}`},
                itemStyle: {borderColor: "#0d1117", borderWidth: 1}}],
    }, true);
  }
}

class TrendTile extends Tile {
  kpiCodes() { return [this.options.kpi]; }
  update() {
    const code = this.options.kpi, kpi = data.kpis.get(code);
    this.title(kpi ? kpi.name : code);
    const periods = periodsOf(code).slice(-12);
    const byEntity = data.obs.get(code) || new Map();
    const series = (this.options.entities || []).map((e) => ({
      type: "line", name: entityName(e), showSymbol: false, lineStyle: {width: 3},
      data: periods.map((p) => byEntity.get(e)?.get(p)?.[0] ?? null),
    }));
    series.push({type: "line", name: "State", lineStyle: {type: "dashed"}, showSymbol: false,
                 data: periods.map((p) => stateFigure(code, p).value)});
    this.chart().setOption({
      backgroundColor: "transparent", animation: false, legend: {top: 0, textStyle: {fontSize: 15}},
      grid: {left: 50, right: 20, top: 40, bottom: 30}, tooltip: {show: false},
      xAxis: {type: "category", data: periods}, yAxis: {type: "value", scale: true}, series,
    }, true);
  }
}

class BreakdownTile extends Tile {
  kpiCodes() { return Object.keys(data.ranking?.rows[0]?.marks || {}); }
  update() {
    const row = data.ranking?.rows.find((x) => x.entity === this.options.entity);
    this.title(`Why ${entityName(this.options.entity)} ranks ${row ? row.rank : "—"}`);
    if (!row) { this.body.textContent = "not ranked"; return; }
    const max = data.catalog.ranking.max_marks;
    const lost = Object.entries(row.marks).map(([k, m]) => [k, max - m]).sort((a, b) => b[1] - a[1]).slice(0, this.options.count || 6).reverse();
    this.chart().setOption({
      backgroundColor: "transparent", animation: false,
      title: {text: `Score ${row.score.toFixed(2)} · grade ${row.grade}`, textStyle: {fontSize: 18}},
      grid: {left: 260, right: 30, top: 40, bottom: 20},
      xAxis: {type: "value", max}, yAxis: {type: "category", data: lost.map(([k]) => kpiName(k)), axisLabel: {width: 250, overflow: "truncate"}},
      series: [{type: "bar", data: lost.map(([, v]) => v), itemStyle: {color: "#d55e00"}, label: {show: true, position: "right"}}],
    }, true);
  }
}

function table(head, rows) {
  return `<table><tr>${head.map((h, i) => `<th class="${i ? "num" : ""}">${esc(h)}</th>`).join("")}</tr>` +
    rows.map((r) => `<tr>${r.map((c, i) => `<td class="${i ? "num" : ""}">${c}</td>`).join("")}</tr>`).join("") + "</table>";
}

function kpisOfDepartment(dept) {
  return data.catalog.kpis.filter((k) => data.schemes.get(k.scheme)?.department === dept).map((k) => k.code);
}

class FreshnessTile extends Tile {
  kpiCodes() { return data.catalog.kpis.map((k) => k.code); }
  update() {
    this.title("Data freshness");
    const now = Date.now();
    const rows = [...data.departments.values()].map((d) => {
      const codes = kpisOfDepartment(d.code);
      let late = 0, oldest = null;
      for (const c of codes) {
        const newest = newestReport([c]);
        if (newest === null || newest + durationMs(data.kpis.get(c).frequency) < now) { late++; oldest = oldest === null ? newest : Math.min(oldest, newest ?? oldest); }
      }
      return [d.name, late, codes.length, oldest];
    }).sort((a, b) => b[1] / b[2] - a[1] / a[2]).slice(0, this.options.count || 12);
    this.body.innerHTML = table(["Department", "Overdue KPIs", "Oldest report"],
      rows.map(([n, late, all, oldest]) => [esc(n), `<span class="${late ? "warn" : ""}">${late} / ${all}</span>`, oldest ? dayFmt.format(oldest) : "—"]));
  }
}

class GrievanceTile extends Tile {
  codes(template, dept) { return template.replace("{department}", dept); }
  kpiCodes() { return data.catalog.kpis.filter((k) => k.code.startsWith("CMHL.")).map((k) => k.code); }
  update() {
    const o = this.options;
    this.title(o.title || "Grievances");
    const rows = [];
    for (const d of data.departments.values()) {
      const pending = (o.pending || []).map((t) => stateFigure(this.codes(t, d.code)).value);
      const satisfied = o.satisfaction ? stateFigure(this.codes(o.satisfaction, d.code)).value : null;
      if (pending.every((v) => v === null) && satisfied === null) continue;
      rows.push([d.name, ...pending, satisfied]);
    }
    rows.sort((a, b) => (b[b.length - 2] || 0) - (a[a.length - 2] || 0));
    this.body.innerHTML = table(["Department", ...(o.pending_labels || []), "Satisfied"],
      rows.slice(0, o.count || 12).map((r) => [esc(r[0]), ...r.slice(1, -1).map((v) => number(v)), number(r[r.length - 1], "%")]));
  }
}

class AttentionTile extends Tile {
  kpiCodes() { return Object.keys(data.ranking?.rows[0]?.marks || {}); }
  update() {
    this.title("Needs attention");
    const mean = (ranking) => {
      const sums = new Map();
      for (const row of ranking?.rows || []) for (const [k, m] of Object.entries(row.marks)) sums.set(k, (sums.get(k) || 0) + m / ranking.rows.length);
      return sums;
    };
    const now = mean(data.ranking), before = mean(data.previous);
    const rows = [...now].map(([k, m]) => [k, m, before.has(k) ? m - before.get(k) : 0]).sort((a, b) => a[2] - b[2] || a[1] - b[1]).slice(0, this.options.count || 8);
    this.body.innerHTML = table(["KPI", "Marks", "Change"], rows.map(([k, m, d]) => [esc(kpiName(k)), m.toFixed(2), `<span class="${d < 0 ? "down" : ""}">${d.toFixed(2)}</span>`]));
  }
}

class FeedQualityTile extends Tile {
  kpiCodes() { return data.catalog.kpis.map((k) => k.code); }
  update() {
    const by = this.options.by || "department";
    this.title(this.options.title || `Feed quality by ${by}`);
    const late = new Map();
    let total = 0, lateAll = 0;
    for (const [code, byEntity] of data.obs) {
      const kpi = data.kpis.get(code);
      if (!kpi) continue;
      const allowed = durationMs(kpi.frequency);
      const group = by === "kpi" ? kpi.name : by === "department" ? data.departments.get(data.schemes.get(kpi.scheme)?.department)?.name || "—" : null;
      for (const [entity, byPeriod] of byEntity) {
        for (const [period, [, reported]] of byPeriod) {
          total++;
          const start = Date.parse(period.length === 7 ? `${period}-01T00:00:00+05:30` : period.length === 10 ? `${period}T00:00:00+05:30` : `${period}:00+05:30`);
          if (reported - start > 2 * allowed) {
            lateAll++;
            const key = group ?? entityName(entity);
            late.set(key, (late.get(key) || 0) + 1);
          }
        }
      }
    }
    const rows = [...late].sort((a, b) => b[1] - a[1]).slice(0, this.options.count || 6);
    this.body.innerHTML = `<div class="sub">${nf.format(total)} rows · ${nf.format(lateAll)} reported late</div>` +
      table([by, "Late rows"], rows.map(([k, n]) => [esc(k), nf.format(n)]));
  }
}

class AlertsTile extends Tile {
  kpiCodes() { return data.catalog.kpis.filter((k) => k.alert).map((k) => k.code); }
  update() {
    this.title("Alerts");
    const alerts = [];
    for (const kpi of data.catalog.kpis) {
      if (!kpi.alert) continue;
      for (const [entity, byPeriod] of data.obs.get(kpi.code) || []) {
        const p = latestPeriod(byPeriod), v = byPeriod.get(p)[0], level = judge(kpi, v);
        if (level) alerts.push([level, entity, kpi, v, byPeriod.get(p)[1]]);
      }
    }
    alerts.sort((a, b) => (a[0] === b[0] ? b[4] - a[4] : a[0] === "critical" ? -1 : 1));
    const critical = alerts.filter((a) => a[0] === "critical").length;
    this.body.innerHTML = `<div class="sub"><span class="critical">${critical} critical</span> · <span class="warn">${alerts.length - critical} warn</span></div>` +
      table(["Place · KPI", "Value", "Since"], alerts.slice(0, this.options.count || 12).map(([level, e, k, v, r]) =>
        [`<span class="${level}">●</span> ${esc(entityName(e))} · ${esc(k.name)}`, number(v, k.unit), dayFmt.format(r)]));
  }
}

const TILE_TYPES = {kpi: KpiTile, ranking: RankingTile, map: MapTile, trend: TrendTile, breakdown: BreakdownTile,
                    freshness: FreshnessTile, grievance: GrievanceTile, attention: AttentionTile,
                    feed_quality: FeedQualityTile, alerts: AlertsTile};

// --- the screen ----------------------------------------------------------------------------------

const pages = SCREEN.pages.map((spec) => {
  const el = document.createElement("div");
  el.className = "page";
  el.style.gridTemplateRows = `repeat(${SCREEN.rows}, 1fr)`;
  el.style.gridTemplateColumns = `repeat(${SCREEN.cols}, 1fr)`;
  document.getElementById("pages").appendChild(el);
  const tiles = spec.tiles.filter((t) => TILE_TYPES[t.type]).map((t) => new TILE_TYPES[t.type](t, el));
  return {spec, el, tiles};
});
document.getElementById("screen-title").textContent = SCREEN.title;
document.title = `CM Wall · ${SCREEN.id}`;  // the bench places each window by this title
let shown = -1;

function turnPage() {
  // the same rule as the Qt wall's rotation: pages by dwell on the shared clock
  const dwells = SCREEN.pages.map((p) => (p.dwell || 40) * 1000);
  const cycle = dwells.reduce((a, b) => a + b, 0);
  let t = Date.now() % cycle, page = 0;
  while (t >= dwells[page]) t -= dwells[page++];
  if (page === shown) return;
  pages.forEach((p, i) => p.el.classList.toggle("shown", i === page));
  document.getElementById("page-title").textContent = SCREEN.pages[page].title || "";
  shown = page;
  for (const tile of pages[page].tiles) if (tile._chart) tile._chart.resize();
}

function updateAll() {
  for (const p of pages) for (const tile of p.tiles) {
    try { tile.update(); tile.age(); } catch (err) { tile.body.textContent = String(err); }
  }
}

async function poll(first) {
  try {
    let changed = false;
    if (first || Date.now() - (data.catalogAt || 0) >= CATALOG_MS) { changed = (await pollCatalog()) || changed; data.catalogAt = Date.now(); }
    changed = (await pollObservations()) || changed;
    changed = (await pollRanking()) || changed;
    if (changed) updateAll();
    document.getElementById("status").textContent = `store reachable · last poll ${clockFmt.format(Date.now())} IST`;
  } catch (err) {
    document.getElementById("status").textContent = `store unreachable: ${err.message}`;
  }
  setTimeout(poll, POLL_MS);
}

setInterval(() => { document.getElementById("clock").textContent = `${clockFmt.format(Date.now())} IST`; turnPage(); }, 1000);
setInterval(() => { for (const p of pages) for (const tile of p.tiles) tile.age(); }, AGE_MS);
turnPage();
poll(true);
