// Audio on a wavesurfer.js v7 waveform drawn from the stored peaks; Labels on Audio: drag on the
// waveform for a region (or [ and ] at the playhead), move and resize it, label keys label it.
import { CL } from "./label.js";

const fmt = (t) => (t || 0).toFixed(2);
// wavesurfer puts its own <style> in its shadow root, which our CSP (style-src 'self') refuses;
// the same rules given as a constructed stylesheet are allowed.
function adoptStyle(container) {
  const root = container.firstElementChild && container.firstElementChild.shadowRoot, st = root && root.querySelector("style");
  if (!st || !("adoptedStyleSheets" in root)) return;
  try { const sh = new CSSStyleSheet(); sh.replaceSync(st.textContent); root.adoptedStyleSheets = [sh]; } catch (e) { /* old browser: unstyled waveform */ }
}
CL.objects.audio = (obj, V, ctls) => {
  const h = CL.h, url = String(V.task.data[obj.value] || ""), m = (V.lt.media || {})[obj.value];
  const labelCtls = ctls.filter((c) => c.type === "labels");
  const wave = h("div", { class: "wave", "aria-label": `${obj.name}: waveform${labelCtls.length ? "; drag to make a region" : ""}` });
  const play = h("button", { type: "button", class: "play", "aria-label": "Play", "aria-keyshortcuts": "Space" }, "▶");
  const time = h("span", { class: "time", text: "0.00 s" });
  const el = h("div", { class: "audio" }, wave, h("div", { class: "audiotools" }, play, time));
  let ws = null, reg = null, ready = false, dead = false, mark = null;
  const obj0 = {
    el,
    update: sync,
    destroy() { dead = true; if (ws) ws.destroy(); },
    playPause: () => ws && ws.playPause(),
    describe: (r) => `${fmt(r.value.start)}–${fmt(r.value.end)} s${transcript(r)}`,
    key(e) {
      if (!ws || !labelCtls.length || (e.key !== "[" && e.key !== "]")) return false;
      const t = CL.round(ws.getCurrentTime(), 3);
      if (e.key === "[") { mark = t; CL.status(`Region starts at ${fmt(t)} s: press ] at its end`); return true; }
      if (mark == null || Math.abs(t - mark) < 0.01) return true;
      add(Math.min(mark, t), Math.max(mark, t));
      mark = null;
      return true;
    },
  };
  const transcript = (r) => {
    const t = V.results.find((x) => x.type === "textarea" && x.id === r.id);
    return t && t.value.text && t.value.text[0] ? ` · “${t.value.text[0]}”` : "";
  };
  function add(start, end) {
    const [ctl, val] = CL.active(labelCtls), id = CL.rid();
    const item = { id, from_name: ctl.name, to_name: obj.name, type: "labels",
      value: { start: CL.round(start, 3), end: CL.round(end, 3), labels: val ? [val] : [] } };
    CL.put(item);
    CL.created(item);
    CL.change();
    if (!val) CL.status("Region made: press a label key to label it");
    return id;
  }
  function sync() {
    if (!reg || !ready) return;
    const have = new Map(reg.getRegions().map((r) => [r.id, r]));
    for (const it of CL.regions(obj.name)) {
      if (it.type !== "labels") continue;
      const color = CL.rgba(CL.color(it), it.id === V.sel ? 0.45 : 0.18);
      const content = (it.value.labels || []).join(", ") || "?";
      const r = have.get(it.id);
      have.delete(it.id);
      if (!r) { const n = reg.addRegion({ id: it.id, start: it.value.start, end: it.value.end, color, content, drag: true, resize: true }); n.c = content; }
      else if (r.color !== color || r.c !== content || Math.abs(r.start - it.value.start) > 1e-3 || Math.abs(r.end - it.value.end) > 1e-3) {
        r.setOptions({ color, start: it.value.start, end: it.value.end, content });
        r.c = content;
      }
    }
    for (const r of have.values()) r.remove();
  }
  if (!window.WaveSurfer || !window.WaveSurfer.Regions) {
    el.replaceChildren(h("audio", { controls: true, src: url, preload: "metadata" }), h("p", { class: "err", text: "The waveform did not load." }));
    return Object.assign(obj0, { playPause: () => {} });
  }
  (async () => {
    let peaks, duration = m && m.duration;
    if (m && m.peaks) {
      try {
        const r = await fetch(m.peaks, { credentials: "same-origin" });
        if (r.ok) { const w = await r.json(); peaks = w.peaks; duration = w.duration || duration; }
      } catch (e) { /* wavesurfer decodes the file itself */ }
    }
    if (dead) return;
    reg = window.WaveSurfer.Regions.create();
    ws = window.WaveSurfer.create({ container: wave, url, peaks, duration, height: 120, normalize: true,
      waveColor: "#8ba3c7", progressColor: "#27467a", cursorColor: "#c62828", cursorWidth: 2, plugins: [reg] });
    adoptStyle(wave);
    if (labelCtls.length) reg.enableDragSelection({ color: "rgba(120,120,120,0.25)" });
    reg.on("region-created", (r) => {
      if (CL.region(r.id)) return; // one of ours, added by sync
      r.remove(); // redrawn by sync from the result, with its own id
      add(r.start, r.end);
    });
    reg.on("region-updated", (r) => {
      const it = CL.region(r.id);
      if (!it) return;
      it.value.start = CL.round(r.start, 3); it.value.end = CL.round(r.end, 3);
      V.sel = it.id;
      CL.change();
    });
    reg.on("region-clicked", (r, e) => { e.stopPropagation(); CL.select(r.id); });
    ws.on("ready", () => { ready = true; sync(); time.textContent = `0.00 / ${fmt(ws.getDuration())} s`; });
    ws.on("timeupdate", (t) => { time.textContent = `${fmt(t)} / ${fmt(ws.getDuration())} s`; });
    ws.on("play", () => { play.textContent = "❚❚"; play.setAttribute("aria-label", "Pause"); });
    ws.on("pause", () => { play.textContent = "▶"; play.setAttribute("aria-label", "Play"); });
    ws.on("error", (e) => CL.status(`Audio: ${e && e.message ? e.message : e}`, true));
    play.addEventListener("click", () => ws.playPause());
  })();
  return obj0;
};
