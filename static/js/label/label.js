// The annotator's workspace: one task at a time, rendered from JSON (doc/labeling.md).
// An ES module: the control modules (choices.js, spans.js, image.js, audio.js,
// textarea.js, rating.js) import CL from it and register their kinds; this file owns
// the task state, the queue (with the next task prefetched), submitting, drafts,
// history and keys. main.js loads it and then the controls.

// CL is what the control modules share with this one: kinds (control type -> widget
// factory), objects (object type -> view factory) and the helpers below.
export const CL = { kinds: {}, objects: {} };
const REGION = { labels: 1, rectanglelabels: 1 };
// PALETTE is Kelly's 20 colours of maximum contrast (without white and black), so that
// twenty labels of a control all differ; beyond twenty, hues spaced by the golden angle.
const PALETTE = ["#e6194b", "#3cb44b", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#9a6324", "#469990", "#800000",
  "#808000", "#000075", "#bfef45", "#dcbeff", "#aaffc3", "#ffd8b1", "#fabed4", "#a9a9a9", "#ffe119", "#fffac8"];
const colorOf = (i) => (i < PALETTE.length ? PALETTE[i] : `hsl(${Math.round((i * 137.508) % 360)}, 65%, 45%)`);

// h builds an element: h("button", {class: "x", onclick: f}, "text", child).
// Text is always set as text, never parsed as HTML.
const h = (CL.h = (tag, props, ...kids) => {
  const el = document.createElement(tag);
  for (const k in props || {}) {
    const v = props[k];
    if (v == null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of kids.flat()) if (c != null && c !== false) el.append(c);
  return el;
});
// caption is what a control is called on screen: the config's Header before it (its
// question), else its name made readable ("topic_tags" -> "Topic tags").
CL.caption = (ctl) => ctl.header || (ctl.name.charAt(0).toUpperCase() + ctl.name.slice(1)).replace(/[_-]+/g, " ");
CL.round = (v, n = 4) => Math.round(v * 10 ** n) / 10 ** n;
CL.rid = () => {
  const a = crypto.getRandomValues(new Uint8Array(10));
  return Array.from(a, (b) => "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-"[b & 63]).join("");
};
// uuid is crypto.randomUUID where the page is a secure context, else the same from getRandomValues.
const uuid = () => {
  if (crypto.randomUUID) return crypto.randomUUID();
  const b = crypto.getRandomValues(new Uint8Array(16));
  b[6] = (b[6] & 15) | 64; b[8] = (b[8] & 63) | 128;
  const x = Array.from(b, (v) => v.toString(16).padStart(2, "0")).join("");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};
CL.rgba = (hex, a) => {
  const m = /^#?([0-9a-f]{6}|[0-9a-f]{3})$/i.exec(hex || "");
  if (!m) return `rgba(120,120,120,${a})`;
  let s = m[1];
  if (s.length === 3) s = s.replace(/./g, "$&$&");
  const n = parseInt(s, 16);
  return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${a})`;
};

let S, root, bar, statusEl, progEl, infoEl, btn = {};
let V = null;          // the task on screen (a view)
let queueV = null;     // the queue's task, kept while going back through history
let nextP = null;      // the prefetched next task: a promise of a labeling task, or null (204)
let hist = null, histMore = true; // my earlier annotations, newest first
let busy = false, autoV = null, autoAt = 0, enterDown = false;
const keys = new Map(); // hotkey -> {ctl, label}

// ----- results -----
CL.find = (from, id) => V.results.find((r) => r.from_name === from && (id === undefined || r.id === id));
CL.put = (item) => {
  const ctl = CL.ctl(item.from_name);
  const byId = REGION[item.type] || (ctl && ctl.per_region);
  const i = V.results.findIndex((r) => r.from_name === item.from_name && (!byId || r.id === item.id));
  if (i >= 0) V.results[i] = item; else V.results.push(item);
};
CL.del = (from, id) => { V.results = V.results.filter((r) => !(r.from_name === from && (id === undefined || r.id === id))); };
CL.regions = (objName) => V.results.filter((r) => REGION[r.type] && r.to_name === objName);
CL.region = (id) => id && V.results.find((r) => r.id === id && REGION[r.type]);
CL.removeRegion = (id) => {
  V.results = V.results.filter((r) => r.id !== id);
  if (V.sel === id) V.sel = null;
  CL.change();
  status("Region removed");
};
CL.select = (id) => { V.sel = id; refresh(); };
// created selects a new region when it still needs something: a label, or its per-region text.
CL.created = (item) => {
  const v = item.value, perRegion = S.config.controls.some((c) => c.per_region && c.to_name === item.to_name);
  if (perRegion || !(v.labels || v.rectanglelabels || []).length) V.sel = item.id;
};
CL.ctl = (name) => S.config.controls.find((c) => c.name === name);
CL.labelOf = (ctl, value) => (ctl && ctl.labels.find((l) => l.value === value)) || { value, background: "#777" };
CL.color = (item) => {
  const ctl = CL.ctl(item.from_name), v = item.value || {};
  const l = (v.labels || v.rectanglelabels || [])[0];
  return l ? CL.labelOf(ctl, l).background : "#777";
};
// change records an edit: everything redraws from V.results, a draft is scheduled, and the
// results before it go on the undo stack. Edits of one kind (group: "typing" in a box,
// "nudge" of a box by the arrows) less than a second apart are one step.
CL.change = (group) => {
  const now = JSON.stringify(V.results), t = performance.now();
  if (now !== V.last) {
    if (!(group && group === V.group && t - V.groupAt < 1000)) V.undo.push(V.last);
    V.redo = [];
    V.last = now;
  }
  V.group = group; V.groupAt = t;
  edited();
};
function edited() { V.dirty = true; clearErrors(); refresh(); draftSoon(); }
// undo (or redo, with redo true) steps back through the task's edits.
function undo(redo) {
  const from = redo ? V.redo : V.undo, to = redo ? V.undo : V.redo;
  if (!from.length) return status(redo ? "Nothing to redo" : "Nothing to undo");
  to.push(V.last);
  V.last = from.pop();
  V.results = JSON.parse(V.last);
  V.group = null;
  if (!CL.region(V.sel)) V.sel = null;
  edited();
  status(redo ? "Redone" : "Undone");
}
CL.status = (msg, bad) => status(msg, bad);
CL.view = () => V;

function refresh() { if (V) for (const w of V.w) w.update && w.update(); }

// ----- network -----
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const fetcher = (url, o) => (window.concordFetch ? window.concordFetch(url, o) : fetch(url, Object.assign(o, { credentials: "same-origin" })));
// api calls the server, retrying on network failure, timeout or a gateway error;
// a write is retried with the same Idempotency-Key, so it never happens twice.
async function api(method, url, body, key) {
  const headers = { Accept: "application/json" };
  if (body !== undefined) headers["Content-Type"] = "application/json";
  if (key) headers["Idempotency-Key"] = key;
  for (let i = 0; ; i++) {
    const ac = new AbortController(), t = setTimeout(() => ac.abort(), 15000);
    try {
      const r = await fetcher(url, { method, headers, signal: ac.signal, body: body === undefined ? undefined : JSON.stringify(body) });
      if (r.status >= 502 && r.status <= 504 && i < 5) throw new Error(`HTTP ${r.status}`);
      return r;
    } catch (e) {
      if (i >= 5) throw e;
      status(`Connection problem, retrying (${i + 1})…`);
      await sleep(400 * 2 ** i);
    } finally { clearTimeout(t); }
  }
}
async function json(r) { try { return await r.json(); } catch (e) { return {}; } }
// getTask reads a task, null when none is left, or { paused } when the annotator is paused.
async function getTask(url) {
  const r = await api("GET", url);
  if (r.status === 204) return null;
  if (!r.ok) {
    const a = await json(r);
    if (r.status === 403 && a.details && a.details.paused) return { paused: a.error };
    throw new Error(a.error || `HTTP ${r.status}`);
  }
  return r.json();
}
const nextURL = () => `/api/projects/${S.project.id}/next`;

// ----- drafts -----
function draftSoon() {
  if (!V || V.lt.annotation || V.draftT) return;
  const v = V;
  v.draftT = setTimeout(() => { v.draftT = 0; saveDraft(v); }, 2500);
}
function saveDraft(v, keepalive) {
  if (v.done || !v.dirty) return;
  clearTimeout(v.draftT); v.draftT = 0;
  fetcher(`/api/tasks/${v.task.id}/draft`, {
    method: "PUT", keepalive, headers: { "Content-Type": "application/json" },
    body: JSON.stringify({ result: clean(v.results) }),
  }).then((r) => { if (r.ok && v === V) status("Draft saved"); }).catch(() => {});
}

// ----- the view of one task -----
function makeView(lt, hi) {
  const ann = lt.annotation, dr = lt.draft && lt.draft.result && lt.draft.result.length ? lt.draft : null;
  const preds = S.project.show_predictions === false ? [] : lt.predictions || [];
  let results = [], pred = null;
  if (ann) results = ann.result || [];
  else if (dr) results = dr.result;
  else if (preds.length && preds[0].result && preds[0].result.length) { pred = preds[0]; results = pred.result; }
  results = JSON.parse(JSON.stringify(results));
  for (const r of results) if (!r.id) r.id = CL.rid();
  return { lt, task: lt.task, hi, pred, results, sel: null, active: {}, w: [], objs: {}, spent: 0, t0: 0, key: null,
    undo: [], redo: [], last: JSON.stringify(results) };
}
function leave() {
  if (!V) return;
  if (!V.away) V.spent += performance.now() - V.t0;
  if (V.draftT) saveDraft(V);
  for (const w of V.w) w.destroy && w.destroy();
}
function mount(v) {
  leave();
  V = v;
  V.t0 = performance.now();
  V.away = document.hidden;
  if (statusEl.classList.contains("bad")) status("");
  btn.submit.disabled = btn.skip.disabled = false;
  V.w = []; V.objs = {};
  root.textContent = "";
  const ann = V.lt.annotation;
  const head = h("div", { class: "task-head" },
    h("span", { class: "task-id", text: `Task #${V.task.id}` }),
    ann && h("span", { class: "note", text: ann.review_state === "rejected" ? `A reviewer sent this back: ${(ann.review_comment || "no comment").replace(/[.!?\s]+$/, "")}. Fix it and submit again.` : ann.was_cancelled ? "You skipped this task. Submitting updates your annotation." : `Your submission of ${new Date(ann.created_at || Date.now()).toLocaleString()}: Ctrl+Enter updates it.` }),
    V.pred && h("span", { class: "note pred", text: `Pre-filled by model ${V.pred.model_version || "?"}${V.pred.score != null ? ` (${Number(V.pred.score).toFixed(2)})` : ""}: Ctrl+Enter accepts, any change edits.` }));
  root.append(head);
  const used = new Set();
  for (const obj of S.config.objects) {
    const ctls = S.config.controls.filter((c) => c.to_name === obj.name);
    const sec = h("section", { class: `obj obj-${obj.type}`, "aria-label": `${obj.name} (${obj.type})` });
    const regionCtls = ctls.filter((c) => c.type === "labels" || c.type === "rectanglelabels");
    for (const c of regionCtls) { sec.append(labelBar(c)); used.add(c); }
    const make = CL.objects[obj.type];
    if (make) {
      const o = make(obj, V, regionCtls);
      V.objs[obj.name] = o; V.w.push(o); sec.append(o.el);
    } else sec.append(h("p", { class: "err", text: `No view for ${obj.type} objects.` }));
    if (regionCtls.length) sec.append(regionList(obj));
    for (const c of ctls) if (!used.has(c)) { sec.append(control(c)); used.add(c); }
    root.append(sec);
  }
  for (const c of S.config.controls) if (!used.has(c)) root.append(control(c));
  showProgress(V.hi != null ? queueProg : V.lt.progress, V.hi != null);
  infoEl.textContent = V.hi != null ? `Earlier task ${V.hi + 1} of ${hist.length}${histMore ? "+" : ""}` : "";
  btn.submit.textContent = ann ? "Update" : "Submit";
  btn.skip.textContent = V.hi != null ? "Forward" : "Skip";
  btn.skip.setAttribute("aria-label", V.hi != null ? "Forward without changes" : "Skip this task");
  refresh();
  root.focus({ preventScroll: true });
  window.scrollTo(0, 0);
}
function control(c) {
  const make = CL.kinds[c.type];
  const wrap = h("div", { class: `ctl ctl-${c.type}`, "data-name": c.name });
  if (!make) { wrap.append(h("p", { class: "err", text: `No control for ${c.type}.` })); return wrap; }
  const w = make(c, V);
  V.w.push(w);
  w.name = c.name;
  wrap.append(w.el, errSlot(c.name));
  return wrap;
}
const errSlot = (name) => h("p", { class: "err", "data-err": name, role: "alert", hidden: true });
const widget = (name) => V.w.find((w) => w.name === name);

// labelBar shows a region control's labels; a click or hotkey labels the selection or picks the label.
function labelBar(c) {
  const el = h("div", { class: "labelbar", role: "group", "aria-label": `${CL.caption(c)}: labels` });
  if (c.header) el.append(h("p", { class: "question", text: c.header }));
  const bs = c.labels.map((l) => {
    const b = h("button", { type: "button", class: "lab", "aria-pressed": "false",
      onmousedown: (e) => e.preventDefault(), // keep the text selection
      onclick: () => pickLabel(c, l) }, h("span", { class: "sw" }), l.value, l.key && h("kbd", { text: l.key }));
    b.firstChild.style.background = l.background;
    return b;
  });
  const mode = h("span", { class: "mode", "aria-live": "polite" });
  el.append(...bs, mode);
  V.w.push({
    update() {
      bs.forEach((b, i) => b.setAttribute("aria-pressed", String(V.active[c.name] === c.labels[i].value)));
      const on = V.active[c.name], sel = CL.region(V.sel);
      mode.classList.toggle("on", !!on);
      mode.textContent = on ? `New regions get “${on}” (Esc: stop)`
        : sel && sel.from_name === c.name ? "A label key relabels the selected region"
          : "Select, then press a label — or pick a label first";
    },
  });
  return h("div", {}, el, errSlot(c.name));
}
// pickLabel is a label's key or button. Both ways of labeling work: select, then label
// (a fresh text selection becomes a span with the label, selected, so that another label
// key right after relabels it); or label, then select (with nothing selected the label
// becomes the one new regions get, shown in the label bar, until picked again or Escape).
function pickLabel(c, l) {
  const sel = CL.region(V.sel), o = V.objs[c.to_name];
  if (o && o.label && o.label(c, l)) {
    status(`Labeled ${l.value}`);
  } else if (sel && sel.from_name === c.name) {
    const k = sel.type === "rectanglelabels" ? "rectanglelabels" : "labels";
    sel.value[k] = [l.value];
    CL.change();
    status(`Relabeled as ${l.value}`);
  } else {
    V.active[c.name] = V.active[c.name] === l.value ? null : l.value;
    for (const k in V.active) if (k !== c.name && CL.ctl(k).to_name === c.to_name) V.active[k] = null;
    refresh();
    status(V.active[c.name] ? `${l.value}: new regions get this label` : "No label picked");
  }
}
CL.active = (ctls) => {
  for (const c of ctls) if (V.active[c.name]) return [c, V.active[c.name]];
  return [ctls[0], null];
};

// regionList lists an object's regions: select, see the label, delete (for keyboards and screen readers).
function regionList(obj) {
  const ul = h("ul", { class: "regions", "aria-label": `Regions on ${obj.name}` });
  const w = {
    update() {
      ul.textContent = "";
      const o = V.objs[obj.name];
      for (const r of CL.regions(obj.name)) {
        const labs = r.value.labels || r.value.rectanglelabels || [];
        const sw = h("span", { class: "sw" });
        sw.style.background = CL.color(r);
        const li = h("li", { class: V.sel === r.id ? "sel" : "" },
          h("button", { type: "button", class: "pick", "aria-pressed": String(V.sel === r.id), onclick: () => CL.select(V.sel === r.id ? null : r.id) },
            sw, h("b", { text: labs.join(", ") || "no label" }), " ", o && o.describe ? o.describe(r) : ""),
          h("button", { type: "button", class: "x", "aria-label": `Delete region ${labs.join(", ")}`, onclick: () => CL.removeRegion(r.id) }, "×"));
        ul.append(li);
      }
      ul.hidden = !ul.childElementCount;
    },
  };
  V.w.push(w);
  return ul;
}

// ----- errors in place -----
function clearErrors() {
  for (const p of root.querySelectorAll(".err[data-err]")) { p.hidden = true; p.textContent = ""; }
  root.querySelectorAll(".invalid").forEach((e) => e.classList.remove("invalid"));
}
function showErrors(list) {
  clearErrors();
  let first = null, rest = [];
  for (const d of list) {
    const p = d.from_name && root.querySelector(`.err[data-err="${CSS.escape(d.from_name)}"]`);
    if (!p) { rest.push(d.error); continue; }
    p.hidden = false;
    p.textContent = (p.textContent ? p.textContent + " · " : "") + d.error;
    p.parentElement.classList.add("invalid");
    first = first || p;
  }
  if (first) first.scrollIntoView({ block: "nearest" });
  status(rest.length ? rest.join(" · ") : "Not saved: see the messages in red", true);
}
// check finds what the server would refuse anyway: unlabeled regions, missing required answers.
function check() {
  const errs = [];
  for (const r of V.results) {
    const v = r.value || {};
    if (REGION[r.type] && !(v.labels || v.rectanglelabels || []).length) errs.push({ from_name: r.from_name, error: "A region has no label: select it and press a label key." });
  }
  for (const c of S.config.controls) {
    if (!c.required) continue;
    if (!c.per_region) { if (!CL.find(c.name)) errs.push({ from_name: c.name, error: "Required." }); continue; }
    for (const r of CL.regions(c.to_name)) if (!CL.find(c.name, r.id)) errs.push({ from_name: c.name, error: "Every region needs this text." });
  }
  return errs;
}
// clean drops empty texts and texts of removed regions.
function clean(results) {
  const ids = new Set(results.filter((r) => REGION[r.type]).map((r) => r.id));
  return results.filter((r) => {
    if (r.type !== "textarea") return true;
    const c = CL.ctl(r.from_name);
    return (r.value.text || []).some((t) => t !== "") && (!c || !c.per_region || ids.has(r.id));
  });
}
const leadTime = () => CL.round((V.spent + (V.away ? 0 : performance.now() - V.t0)) / 1000, 3);

// ----- submit, skip, back, forward -----
async function submit(skipReason) {
  if (!V) return;
  if (busy) return status("Still saving the last task: one moment");
  // A double press must not submit the next task too: a Ctrl+Enter on a task that appeared
  // just now and is unchanged is one; it is said, not silently dropped.
  if (V === autoV && !V.dirty && Date.now() - autoAt < 350) return status("That Ctrl+Enter came as this task appeared: press it again to submit this task");
  const skipping = skipReason !== undefined, ann = V.lt.annotation;
  if (!skipping) { const errs = check(); if (errs.length) return showErrors(errs); }
  busy = true;
  const v = V;
  clearTimeout(v.draftT); v.draftT = 0;
  status(skipping ? "Skipping…" : ann ? "Updating…" : "Submitting…");
  v.key = v.key || uuid();
  const body = { result: skipping ? [] : clean(v.results), lead_time: leadTime() };
  try {
    if (ann && ann.was_cancelled && !skipping) body.was_cancelled = false; // labeling a task I skipped
    const r = ann ? await api("PATCH", `/api/annotations/${ann.id}`, body)
      : await api("POST", `/api/tasks/${v.task.id}/annotations`, Object.assign(body, { was_cancelled: skipping, skip_reason: skipping ? skipReason : "" }), v.key);
    const a = await json(r);
    if (r.status === 403 && a.details && a.details.paused) { v.key = null; busy = false; leave(); V = null; return paused(a.error); }
    if (r.status === 422) { v.key = null; busy = false; return showErrors(Array.isArray(a.details) && a.details.length ? a.details : [{ error: a.error || "refused" }]); }
    if (r.status === 409 && !ann) { // someone (I, in another tab) already labeled it: go on
      status(a.error || "Already annotated", true);
      v.done = true;
      await forward(v);
      busy = false;
      return;
    }
    if (!r.ok) { v.key = null; busy = false; return status(`Not saved: ${a.error || `HTTP ${r.status}`}`, true); }
    v.done = true;
    status(skipping ? "Skipped" : ann ? "Updated" : "Submitted");
    if (!ann) {
      if (hist) hist.unshift({ id: a.id, task_id: v.task.id, was_cancelled: skipping });
      const p = v.lt.progress;
      if (p) v.progress = { done_today: (p.done_today || 0) + 1, done: (p.done || 0) + 1, remaining: Math.max(0, (p.remaining || 0) - 1) };
    } else ann.result = body.result;
    await forward(v);
    autoV = V; autoAt = Date.now();
  } catch (e) {
    status(`Not saved (${e.message}). Ctrl+Enter tries again with the same key.`, true);
  }
  busy = false;
}
// forward shows what comes after v: a newer history entry, the queue's task, or the next task.
async function forward(v) {
  if (v.hi != null) {
    if (v.hi > 0) return openHistory(v.hi - 1);
    if (queueV && !queueV.done) { const q = queueV; queueV = null; return mount(q); }
    queueV = null;
  }
  let lt;
  try { lt = nextP ? await nextP : undefined; } catch (e) { lt = undefined; }
  nextP = null;
  if (lt === undefined || (lt && lt.task && lt.task.id === v.task.id)) lt = await getTask(nextURL());
  show(lt, v.progress);
}
function show(lt, prog) {
  if (!lt) { leave(); V = null; return noMore(prog); }
  if (lt.paused) { leave(); V = null; return paused(lt.paused); }
  const v = makeView(lt);
  const p = lt.progress;
  if (p && prog) { p.done_today = Math.max(p.done_today || 0, prog.done_today); p.remaining = Math.min(p.remaining ?? Infinity, prog.remaining); }
  mount(v);
  prefetch(v);
}
// prefetch asks for the task after v while the annotator works on v.
function prefetch(v) {
  // exclude= asks for a task other than the one on screen; a server that answers with the
  // task I hold anyway gets asked again after the submit.
  const p = (nextP = getTask(`${nextURL()}?exclude=${v.task.id}`).then((lt) => (lt && lt.task && lt.task.id === v.task.id ? undefined : lt)));
  p.catch(() => { if (nextP === p) nextP = null; });
}
function noMore(prog) {
  root.textContent = "";
  root.append(h("div", { class: "done" }, h("h2", { text: "No more tasks" }),
    h("p", { text: "There is nothing left for you to label in this project right now." }),
    h("p", {}, h("a", { href: `/projects/${S.project.id}` }, "Back to the project"))));
  showProgress(prog);
  btn.submit.disabled = btn.skip.disabled = true;
  infoEl.textContent = "";
  root.focus();
  waitForWork();
}
// waitForWork brings the queue back when tasks arrive (an import, tasks added, an
// annotation deleted or sent back: progress), told by the live events of the page's
// project; it asks at most every few seconds however busy the project is.
const workEvents = ["task.created", "import.finished", "progress", "resync"];
let waiting = false;
function waitForWork() {
  if (waiting) return;
  waiting = true;
  let asked = 0, later = 0;
  const again = async () => {
    if (V || busy || later) return;
    const wait = asked + 3000 - Date.now();
    if (wait > 0) { later = setTimeout(() => { later = 0; again(); }, wait); return; }
    asked = Date.now();
    let lt;
    try { lt = await getTask(nextURL()); } catch (e) { return; }
    if (!lt || V) return;
    waiting = false;
    for (const t of workEvents) document.removeEventListener("concord:" + t, again);
    show(lt);
    status("New tasks arrived");
  };
  for (const t of workEvents) document.addEventListener("concord:" + t, again);
}
// paused tells an annotator paused for low gold accuracy why no task comes, instead of a task.
function paused(msg) {
  root.textContent = "";
  root.append(h("div", { class: "done paused", id: "paused", role: "alert" }, h("h2", { text: "Paused" }),
    h("p", { text: msg }),
    h("p", {}, h("a", { href: `/projects/${S.project.id}` }, "Back to the project"))));
  btn.submit.disabled = btn.skip.disabled = true;
  infoEl.textContent = "";
  status(msg, true);
  root.focus();
}
async function openHistory(i) {
  const e = hist[i];
  try {
    const lt = await getTask(`/api/tasks/${e.task_id}/labeling`);
    if (!lt) throw new Error("not found");
    if (V && V.hi == null) queueV = V;
    btn.submit.disabled = btn.skip.disabled = false;
    mount(makeView(lt, i));
  } catch (err) { status(`Cannot open task ${e.task_id}: ${err.message}`, true); }
}
async function back() {
  if (busy) return;
  busy = true;
  try {
    if (!hist) { hist = []; await moreHistory(); }
    const i = V && V.hi != null ? V.hi + 1 : 0;
    if (i >= hist.length && histMore) await moreHistory();
    if (i >= hist.length) status("No earlier tasks");
    else await openHistory(i);
  } catch (e) { status(`History: ${e.message}`, true); }
  busy = false;
}
async function moreHistory() {
  const last = hist[hist.length - 1];
  const r = await api("GET", `/api/projects/${S.project.id}/history${last ? `?before=${last.id}` : ""}`);
  if (!r.ok) throw new Error(`HTTP ${r.status}`);
  const a = (await r.json()).annotations || [];
  for (const x of a) if (!hist.some((y) => y.id === x.id)) hist.push(x);
  histMore = a.length >= 20;
}
function skip() {
  if (!V || busy) return;
  if (V.hi != null) { V.done = true; return forward(V); }
  const d = dialogs.skip, inp = d.querySelector("input");
  inp.value = "";
  d.showModal();
  inp.focus();
}

// ----- bar, dialogs, status -----
function status(msg, bad) {
  statusEl.textContent = msg;
  statusEl.classList.toggle("bad", !!bad);
}
// showProgress shows the queue's progress; an earlier task (history) shows the queue's last.
let queueProg = null;
function showProgress(p, history) {
  if (!history) queueProg = p;
  p = queueProg;
  progEl.textContent = p ? `Done today: ${p.done_today ?? 0} · Remaining: ${p.remaining ?? "?"}${p.remaining_more ? "+" : ""}` : "";
}
const dialogs = {};
function dialog(name, title, ...body) {
  const d = h("dialog", { class: `dlg dlg-${name}`, "aria-label": title },
    h("div", { class: "dlg-head" }, h("h2", { text: title }), h("button", { type: "button", class: "x", "aria-label": "Close", onclick: () => d.close() }, "×")),
    ...body);
  document.body.append(d);
  dialogs[name] = d;
  return d;
}
function buildBar() {
  const b = (name, text, key, f, label) => (btn[name] = h("button", { type: "button", id: `btn-${name}`, class: `b-${name}`, "aria-keyshortcuts": key, "aria-label": label, title: key, onclick: f }, text));
  const title = bar.querySelector("h1");
  progEl = h("span", { id: "progress", class: "progress" });
  infoEl = h("span", { class: "info" });
  statusEl = h("span", { class: "status", role: "status", "aria-live": "polite" });
  bar.textContent = "";
  bar.append(title || h("h1", { class: "label-title", text: S.project.title }), progEl, infoEl, statusEl,
    h("span", { class: "actions" },
      b("back", "← Back", "Control+Backspace", back, "Back to my previous task"),
      b("skip", "Skip", "Control+Space", skip),
      b("submit", "Submit", "Control+Enter", () => submit()),
      S.project.instructions ? b("instructions", "Instructions", "", () => dialogs.instr.showModal()) : null,
      b("help", "?", "?", () => dialogs.help.showModal(), "Keyboard shortcuts")));
  btn.submit.classList.add("primary");
  if (S.project.instructions) dialog("instr", "Instructions", h("div", { class: "instr", text: S.project.instructions }));
  const rows = [["Ctrl+Enter", "Submit (or update) and show the next task"], ["Ctrl+Space", "Skip the task (asks for an optional reason)"],
    ["Ctrl+Backspace", "Back to my previous task"], ["Ctrl+Z", "Undo the last edit of this task"], ["Ctrl+Shift+Z, Ctrl+Y", "Redo"]];
  for (const [k, { ctl, label }] of keys) rows.push([k, `${ctl.type === "choices" ? "Toggle" : "Label with"} “${label.value}” (${ctl.name})`]);
  const types = new Set(S.config.objects.map((o) => o.type)), ctypes = new Set(S.config.controls.map((c) => c.type));
  if (ctypes.has("labels") || ctypes.has("rectanglelabels")) rows.push(["Delete / Backspace", "Remove the selected region"], ["Enter", "Edit the selected region's text (per-region text)"]);
  if (ctypes.has("labels") && types.has("text")) rows.push(["Shift+Arrows", "Select text in the focused text (Tab to it first)"]);
  const fit = ["0", "f"].filter((k) => !keys.has(k)).join(" or ");
  if (types.has("image")) rows.push(["Wheel, + / −", "Zoom the image in, out"], fit && [fit, "Zoom the image to fit"], ["Space+drag, middle drag", "Pan the image"], ["Arrows (Shift: resize)", "Move the selected box"]);
  if (types.has("audio")) rows.push(["Space", "Play / pause the audio"], ["[ then ]", "Start and end a region at the playhead"]);
  rows.push(["Escape", "Deselect; close an overlay"], ["?", "This list"]);
  dialog("help", "Keyboard shortcuts", h("table", { class: "keys" },
    h("tbody", {}, rows.filter(Boolean).map(([k, d]) => h("tr", {}, h("th", {}, h("kbd", { text: k })), h("td", { text: d }))))));
  const inp = h("input", { type: "text", id: "skip-reason", maxlength: "500", autocomplete: "off" });
  const d = dialog("skip", "Skip this task",
    h("form", { onsubmit: (e) => { e.preventDefault(); d.close(); submit(inp.value.trim()); } },
      h("label", { for: "skip-reason", text: "Reason (optional)" }), inp,
      h("p", { class: "acts" }, h("button", { type: "submit", class: "primary" }, "Skip"), h("button", { type: "button", onclick: () => d.close() }, "Cancel"))));
}

// ----- keys -----
function assignKeys() {
  const taken = new Set();
  for (const c of S.config.controls) for (const l of c.labels || []) if (l.hotkey) taken.add(l.hotkey.toLowerCase());
  let n = 1;
  for (const c of S.config.controls) {
    if (!["choices", "labels", "rectanglelabels"].includes(c.type)) continue;
    c.labels.forEach((l, i) => {
      if (!l.background) l.background = colorOf(i);
      let k = l.hotkey && l.hotkey.toLowerCase();
      if (!k) { while (n <= 9 && taken.has(String(n))) n++; if (n <= 9) { k = String(n); taken.add(k); } }
      if (k && !keys.has(k)) { keys.set(k, { ctl: c, label: l }); l.key = k; }
    });
  }
}
const isField = (t) => t && (t.matches("input, textarea, select") || (t.isContentEditable && !t.closest(".text")));
function onKey(e) {
  if (document.querySelector("dialog[open]")) return; // the dialog has the keyboard; Escape closes it
  const ctrl = e.ctrlKey || e.metaKey, t = e.target;
  if (ctrl && e.key === "Enter") { e.preventDefault(); if (!e.repeat) submit(); return; }
  if (ctrl && (e.key === " " || e.code === "Space")) { e.preventDefault(); skip(); return; }
  if (isField(t)) { if (e.key === "Escape") { t.blur(); root.focus(); } return; }
  if (ctrl && e.key === "Backspace") { e.preventDefault(); back(); return; }
  if (ctrl && V && (e.key === "z" || e.key === "Z" || e.key === "y")) { e.preventDefault(); undo(e.key === "y" || e.shiftKey); return; }
  if (ctrl || e.altKey) return;
  if (e.key === "?") { e.preventDefault(); dialogs.help.showModal(); return; }
  if (!V) return;
  if (e.key === "Escape") { V.sel = null; for (const k in V.active) V.active[k] = null; getSelection().removeAllRanges(); refresh(); return; }
  if ((e.key === "Delete" || e.key === "Backspace") && V.sel) { e.preventDefault(); CL.removeRegion(V.sel); return; }
  if (e.key === "Enter" && V.sel && root.querySelector(".ctl-textarea textarea[data-region]:not([hidden])")) {
    e.preventDefault();
    enterDown = true; // the box takes focus on keyup, so that this Enter types no newline in it
    return;
  }
  const k = keys.get(e.key.length === 1 ? e.key.toLowerCase() : e.key);
  if (k) {
    e.preventDefault();
    if (e.repeat) return;
    if (k.ctl.type === "choices") { const w = widget(k.ctl.name); if (w && w.key) w.key(k.label); }
    else pickLabel(k.ctl, k.label);
    return;
  }
  for (const name in V.objs) { const o = V.objs[name]; if (o.key && o.key(e)) { e.preventDefault(); return; } }
}
// Space plays audio, and space+drag pans images: it is "held", and plays on release without a drag.
CL.space = { down: false, used: false };
function onSpace(e) {
  if (e.code !== "Space" || e.ctrlKey || e.metaKey || e.altKey || !V || isField(e.target) || document.querySelector("dialog[open]")) return;
  if (!S.config.objects.some((o) => o.type === "audio" || o.type === "image")) return;
  e.preventDefault();
  if (e.type === "keydown") { if (!e.repeat) { CL.space.down = true; CL.space.used = false; } return; }
  CL.space.down = false;
  if (!CL.space.used) for (const n in V.objs) V.objs[n].playPause && V.objs[n].playPause();
}

function start() {
  const m = document.getElementById("labeling"), s = document.getElementById("labeling-setup");
  if (!m || !s) return;
  S = JSON.parse(s.textContent);
  root = document.getElementById("task-root");
  root.tabIndex = -1;
  bar = m.querySelector(".label-bar") || m.insertBefore(h("header", { class: "label-bar" }), root);
  assignKeys();
  buildBar();
  document.addEventListener("keydown", onKey);
  document.addEventListener("keyup", (e) => {
    if (e.key !== "Enter" || !enterDown) return;
    enterDown = false;
    const ta = root.querySelector(".ctl-textarea textarea[data-region]:not([hidden])");
    if (ta) ta.focus();
  });
  document.addEventListener("keydown", onSpace, true);
  document.addEventListener("keyup", onSpace, true);
  document.addEventListener("visibilitychange", () => {
    if (!V) return;
    if (document.hidden) { if (!V.away) V.spent += performance.now() - V.t0; V.away = true; if (V.draftT) saveDraft(V, true); }
    else { V.t0 = performance.now(); V.away = false; }
  });
  window.addEventListener("pagehide", () => { if (V && V.draftT) saveDraft(V, true); });
  status("Loading…");
  getTask(nextURL()).then((lt) => { show(lt); status(""); }, (e) => status(`Cannot load a task: ${e.message}`, true));
}
// Module scripts run before DOMContentLoaded, in import order: by then main.js has
// loaded every control module.
if (document.readyState === "complete") start();
else document.addEventListener("DOMContentLoaded", start);
