// The CM Wall control page: log in with the control token, hold the lease, press controls.
// Served by the wall itself (no CDN, no framework). Every text from the wall is set with
// textContent: names and titles are plain text, never markup.
"use strict";

(function () {
  const POLL_MS = 1000;
  const GROUP_TITLES = {
    pages: "Pages", show: "Layout", crisis: "Crisis", wall: "Wall",
    presentation: "Delegation", drill: "Drill-down",
  };
  const store = window.sessionStorage;  // this tab only: gone when the tab closes
  let token = store.getItem("cmwall.token") || "";
  let lease = store.getItem("cmwall.lease") || "";
  let name = store.getItem("cmwall.name") || "";
  let lastHolder = null;  // who held the wall when last seen by this tablet
  let timer = null;

  const $ = (id) => document.getElementById(id);

  function show(view) {
    for (const id of ["login-view", "holder-view", "control-view"]) $(id).hidden = id !== view;
  }

  function clock(epochSeconds) {
    return new Date(epochSeconds * 1000).toLocaleTimeString([], { hour: "2-digit", minute: "2-digit" });
  }

  function duration(seconds) {
    const s = Math.max(0, Math.round(seconds));
    return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
  }

  async function call(method, path, body) {
    const headers = { "Authorization": `Bearer ${token}` };
    if (lease) headers["X-Control-Lease"] = lease;
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const response = await fetch(path, {
      method, headers, cache: "no-store",
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    let reply = {};
    try { reply = await response.json(); } catch (err) { reply = {}; }
    return { status: response.status, reply };
  }

  function forget(message) {
    token = ""; lease = "";
    store.removeItem("cmwall.token"); store.removeItem("cmwall.lease");
    $("lease-line").textContent = "";
    $("login-error").textContent = message || "";
    show("login-view");
    stopPolling();
  }

  function link(ok, text) {
    const line = $("link-line");
    line.textContent = text;
    line.classList.toggle("bad", !ok);
  }

  // --- the lease ---------------------------------------------------------------------

  async function takeLease(takeOver) {
    const { status, reply } = await call("POST", "/v1/control/lease", { name, take_over: takeOver });
    if (status === 401) return forget("The control token is wrong.");
    if (status === 200) {
      lease = reply.key;
      store.setItem("cmwall.lease", lease);
      $("confirm-box").hidden = true;
      await refresh();
      return;
    }
    if (status === 409) return showHolder(reply.lease);
    link(false, (reply && reply.error) || `The wall answered ${status}`);
  }

  function showHolder(holder) {
    show("holder-view");
    lastHolder = holder;
    if (!holder) { $("holder-name").textContent = "nobody"; return; }
    $("holder-name").textContent = holder.name;
    $("holder-since").textContent = `since ${clock(holder.since)} · last command ${duration(holder.idle_s)} ago`;
    $("holder-lapse").textContent = holder.lapsed
      ? "Their control has lapsed: you may take over."
      : `You can take over without asking in ${duration(holder.lapses_in_s)}, or now by confirming.`;
    $("confirm-text").textContent = `Take control of the wall from ${holder.name}?`;
    $("lease-line").textContent = `Controlled by ${holder.name}`;
  }

  // --- what the wall shows -----------------------------------------------------------

  async function refresh() {
    let answer;
    try {
      answer = await call("GET", "/v1/control/state");
    } catch (err) {
      link(false, "The wall does not answer");
      return;
    }
    const { status, reply } = answer;
    if (status === 401) return forget("The control token is wrong.");
    if (status !== 200) { link(false, (reply && reply.error) || `The wall answered ${status}`); return; }
    link(true, "");
    if (reply.you_hold) {
      show("control-view");
      const holder = reply.lease;
      $("lease-line").textContent = `You (${holder.name}) control the wall since ${clock(holder.since)}`;
      render(reply);
    } else if (reply.lease) {
      showHolder(reply.lease);  // even lapsed: taking the wall is always a tap of this tablet's user
    } else {
      await takeLease(false);  // nobody holds the wall
    }
  }

  function button(label, onPress, attributes) {
    const b = document.createElement("button");
    b.type = "button";
    b.textContent = label;
    for (const [key, value] of Object.entries(attributes || {})) b.setAttribute(key, value);
    b.addEventListener("click", onPress);
    return b;
  }

  let builtFor = "";  // the shape the buttons were built for: rebuilt only when it changes,
                      // so a finger on a button is never lifted from one that was replaced

  function render(reply) {
    const wall = reply.wall;
    $("status-layout").textContent = wall.layout;
    const language = (wall.languages || []).find((l) => l.code === wall.language);
    $("status-language").textContent = language ? language.name : wall.language;
    $("status-rotation").textContent = !wall.rotating ? "off in this layout"
      : wall.paused ? "paused"
      : wall.next_turn_in_s == null ? "running" : `running · next page in ${duration(wall.next_turn_in_s)}`;
    $("status-crisis").textContent = wall.crisis_showing
      ? (wall.crisis_unacknowledged ? "crisis layout · not acknowledged" : "crisis layout")
      : (wall.crisis_active ? "crisis rule firing" : "none");

    const controls = reply.controls || [];
    const drill = wall.drill || null;
    const drillShape = drill ? [drill.entity, drill.children.map((c) => c.code)] : null;
    const shape = JSON.stringify([(wall.screens || []).map((s) => [s.id, s.title, s.pages]), wall.languages, controls,
      drillShape]);
    if (shape !== builtFor) {
      build(wall, controls);
      builtFor = shape;
    }
    const pages = new Map((wall.screens || []).map((s) => [s.id, s.page]));
    for (const b of document.querySelectorAll("button[data-screen]")) {
      mark(b, pages.get(b.dataset.screen) === Number(b.dataset.page));
    }
    for (const b of document.querySelectorAll("button[data-language]")) mark(b, b.dataset.language === wall.language);
    for (const b of document.querySelectorAll("button[data-entity]")) mark(b, Boolean(drill) && b.dataset.entity === drill.selected);
    const where = document.getElementById("drill-where");
    if (where && drill) where.textContent = drill.active ? `Showing: ${drill.name}` : `Rotation · places of ${drill.name}:`;
    const byAction = new Map(controls.map((c) => [c.action, c]));
    for (const b of document.querySelectorAll("button[data-action]")) {
      const control = byAction.get(b.dataset.action);
      if (!control || !control.when) continue;
      const on = Boolean(wall[control.when]);
      const label = on && control.on_label ? control.on_label : control.label;
      if (b.textContent !== label) b.textContent = label;
      b.setAttribute("aria-pressed", String(on));
    }
  }

  function mark(b, current) {
    b.setAttribute("aria-pressed", String(current));
    b.classList.toggle("current", current);
  }

  function build(wall, controls) {
    const screens = $("screens");
    screens.replaceChildren();
    for (const screen of wall.screens || []) {
      const heading = document.createElement("h2");
      heading.textContent = `Screen: ${screen.title}`;
      const row = document.createElement("div");
      row.className = "row pages";
      screen.pages.forEach((title, index) => {
        row.appendChild(button(`${index + 1}. ${title}`, () => command({ page: { screen: screen.id, index } }),
          { "data-screen": screen.id, "data-page": String(index) }));
      });
      screens.append(heading, row);
    }

    const languages = $("languages");
    languages.replaceChildren();
    for (const entry of wall.languages || []) {
      languages.appendChild(button(entry.name, () => command({ language: entry.code }),
        { "data-language": entry.code, "lang": entry.code }));
    }

    const groups = new Map();
    for (const control of controls) {
      if (!groups.has(control.group)) groups.set(control.group, []);
      groups.get(control.group).push(control);
    }
    const holder = $("controls");
    holder.replaceChildren();
    for (const [group, list] of groups) {
      const card = document.createElement("div");
      card.className = "card";
      const heading = document.createElement("h2");
      heading.textContent = GROUP_TITLES[group] || group;
      const row = document.createElement("div");
      row.className = "row";
      for (const control of list) {
        row.appendChild(button(control.label, () => command({ action: control.action }),
          { "data-action": control.action }));
      }
      card.append(heading, row);
      if (group === "drill" && wall.drill) card.append(...drillChildren(wall.drill));
      holder.appendChild(card);
    }
  }

  function drillChildren(drill) {
    // The places under the one shown (the state's, from the rotation): a tap opens one.
    const where = document.createElement("p");
    where.id = "drill-where";
    const row = document.createElement("div");
    row.className = "row drill-children";
    for (const child of drill.children) {
      row.appendChild(button(`${child.name} · ${child.level}`, () => command({ entity: child.code }),
        { "data-entity": child.code }));
    }
    return [where, row];
  }

  async function command(body) {
    const { status, reply } = await call("POST", "/v1/control/command", { ...body, lease });
    if (status === 401) return forget("The control token is wrong.");
    if (status === 409) { showHolder(reply.lease); return; }
    if (status >= 300) { link(false, reply.error || `The wall answered ${status}`); return; }
    window.setTimeout(refresh, 150);  // performed on the wall's next turn of its event loop
  }

  // --- start -------------------------------------------------------------------------

  function startPolling() {
    stopPolling();
    timer = window.setInterval(refresh, POLL_MS);
  }

  function stopPolling() {
    if (timer !== null) window.clearInterval(timer);
    timer = null;
  }

  $("login-form").addEventListener("submit", async (event) => {
    event.preventDefault();
    token = $("token").value.trim();
    name = $("name").value.trim();
    $("token").value = "";
    store.setItem("cmwall.token", token);
    store.setItem("cmwall.name", name);
    $("login-error").textContent = "";
    lease = ""; store.removeItem("cmwall.lease");
    await takeLease(false);
    startPolling();
  });
  $("take-over").addEventListener("click", () => {
    if (lastHolder && lastHolder.lapsed) takeLease(false);  // idle long enough: no need to ask
    else $("confirm-box").hidden = false;
  });
  $("cancel-take-over").addEventListener("click", () => { $("confirm-box").hidden = true; });
  $("confirm-take-over").addEventListener("click", () => takeLease(true));
  $("holder-logout").addEventListener("click", () => forget(""));
  $("release").addEventListener("click", async () => {
    await call("POST", "/v1/control/release", { lease });
    forget("You handed over control.");
  });

  $("name").value = name;
  if (token) { refresh(); startPolling(); } else { show("login-view"); }
})();
