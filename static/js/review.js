// The side-by-side review of a task. The page is drawn by the server and works without this
// script; it adds: box labels and timeline text of a fixed on-screen size whatever the
// image's scale, every annotator's audio regions on one wavesurfer waveform, a new span's
// offsets taken from the text selected in the drawing, and keyboard review (the keys are
// listed on the page, under "Keyboard").
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The annotator colours of review.css, a0–a7.
  const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
  const rgba = (hex, a) => { const n = parseInt(hex.slice(1), 16); return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${a})`; };

  // Box labels: the drawing is in image pixels, so an attribute size would be 25 screen
  // pixels on a 28×28 digit blown up and 3 on a 4,000×3,000 photo shrunk. Each label is laid
  // out again in screen pixels: LABEL_PX text on a chip of its annotator's colour, above its
  // box (inside its top edge when there is no room), moved down past the labels placed before
  // it so none hides another, and kept inside the image.
  const SVGNS = "http://www.w3.org/2000/svg", LABEL_PX = 13;
  function layoutBoxes(svg) {
    const ctm = svg.getScreenCTM();
    if (!ctm || !ctm.a) return;
    const u = 1 / ctm.a; // image pixels per screen pixel
    svg.style.setProperty("--u", String(u));
    svg.classList.add("scaled");
    const vb = svg.viewBox.baseVal, pad = 3 * u, line = (LABEL_PX + 6) * u;
    const placed = [];
    for (const g of svg.querySelectorAll(".bx:not(.lbl)")) {
      const box = g.querySelector("rect");
      // Labels go on a layer above every box, so no box's stroke covers another's label.
      let lg = g.nextLabel;
      if (!lg) {
        const t = g.querySelector("text");
        if (!box || !t) continue;
        lg = g.nextLabel = document.createElementNS(SVGNS, "g");
        lg.setAttribute("class", `${g.getAttribute("class")} lbl`);
        const chip = document.createElementNS(SVGNS, "rect");
        chip.setAttribute("class", "chip");
        lg.append(chip, t);
        svg.append(lg);
      }
      const chip = lg.querySelector("rect.chip"), t = lg.querySelector("text");
      const w = t.getComputedTextLength() + 2 * pad;
      const bx = Number(box.getAttribute("x")), by = Number(box.getAttribute("y"));
      const x = Math.max(vb.x, Math.min(bx, vb.x + vb.width - w));
      let y = by - line >= vb.y ? by - line : by;
      for (let moved = true; moved;) {
        moved = false;
        for (const p of placed) {
          if (x < p.x + p.w && p.x < x + w && y < p.y + line && p.y < y + line) { y = p.y + line; moved = true; }
        }
      }
      placed.push({ x, y, w });
      chip.setAttribute("x", x); chip.setAttribute("y", y);
      chip.setAttribute("width", w); chip.setAttribute("height", line);
      t.setAttribute("x", x + pad); t.setAttribute("y", y + line / 2);
    }
  }
  // The timeline's text keeps 12 screen pixels, as long as it fits its lane.
  function layoutLanes(svg) {
    const ctm = svg.getScreenCTM();
    if (!ctm || !ctm.a) return;
    svg.style.setProperty("--u", String(Math.min(1 / ctm.a, 20 / 12)));
    svg.classList.add("scaled");
  }
  const layout = () => {
    for (const svg of document.querySelectorAll("svg.rv-image")) layoutBoxes(svg);
    for (const svg of document.querySelectorAll("svg.rv-lanes")) layoutLanes(svg);
  };
  layout();
  let pending = 0;
  window.addEventListener("resize", () => { cancelAnimationFrame(pending); pending = requestAnimationFrame(layout); });

  // Keyboard review: j/k select an annotation, a accepts it, A accepts it and goes to the
  // next task, r opens its reject comment (Ctrl+Enter sends), f fixes it, n goes to the next
  // task, q back to the queue, ? shows the keys.
  const cards = [...document.querySelectorAll(".rv-card")];
  let sel = Math.max(0, cards.findIndex((c) => { const s = c.querySelector(".state"); return s && s.textContent === "not reviewed"; }));
  function select(i, scroll) {
    if (!cards.length) return;
    sel = (i + cards.length) % cards.length;
    cards.forEach((c, j) => { c.classList.toggle("sel", j === sel); if (j === sel) c.setAttribute("aria-current", "true"); else c.removeAttribute("aria-current"); });
    if (scroll) cards[sel].scrollIntoView({ block: "nearest" });
  }
  select(sel, false);
  document.addEventListener("keydown", (e) => {
    if (e.ctrlKey || e.metaKey || e.altKey || e.defaultPrevented) return;
    if (e.target.closest && e.target.closest("input, textarea, select, [contenteditable]")) return; // typing
    const card = cards[sel];
    const press = (selector) => {
      const el = card && card.querySelector(selector);
      if (el) { e.preventDefault(); el.click(); }
    };
    const go = (id) => {
      const a = document.getElementById(id);
      if (a) { e.preventDefault(); location.href = a.href; }
    };
    switch (e.key) {
      case "j": e.preventDefault(); select(sel + 1, true); break;
      case "k": e.preventDefault(); select(sel - 1, true); break;
      case "a": press('button[value="accept"]'); break;
      case "A": press('button[value="accept_next"]'); break;
      case "f": press('a[href*="fix="]'); break;
      case "r": {
        const d = card && card.querySelector("details.reject");
        if (d) { e.preventDefault(); d.open = true; d.querySelector("textarea").focus(); }
        break;
      }
      case "n": go("next-task"); break;
      case "q": go("back-to-queue"); break;
      case "?": { const k = document.getElementById("review-keys"); if (k) { e.preventDefault(); k.open = !k.open; } break; }
    }
  });
  for (const ta of document.querySelectorAll("details.reject textarea")) {
    ta.addEventListener("keydown", (e) => {
      if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) { e.preventDefault(); ta.form.requestSubmit(ta.form.querySelector('button[value="reject"]')); }
    });
  }

  // wavesurfer puts a <style> in its shadow root, which the CSP refuses; adopt the same rules instead.
  function adoptStyle(container) {
    const root = container.firstElementChild && container.firstElementChild.shadowRoot, st = root && root.querySelector("style");
    if (!st || !("adoptedStyleSheets" in root)) return;
    try { const sh = new CSSStyleSheet(); sh.replaceSync(st.textContent); root.adoptedStyleSheets = [sh]; } catch (e) { /* unstyled */ }
  }
  for (const wave of document.querySelectorAll(".rv-wave")) {
    if (!window.WaveSurfer || !window.WaveSurfer.Regions || !wave.dataset.src) continue;
    const data = document.getElementById(wave.dataset.regions);
    const regions = data ? JSON.parse(data.textContent) || [] : [];
    (async () => {
      let peaks, duration = Number(wave.dataset.duration) || undefined;
      if (wave.dataset.peaks) {
        try {
          const r = await fetch(wave.dataset.peaks, { credentials: "same-origin" });
          if (r.ok) { const w = await r.json(); peaks = w.peaks; duration = w.duration || duration; }
        } catch (e) { /* wavesurfer decodes the file itself */ }
      }
      const reg = window.WaveSurfer.Regions.create();
      const ws = window.WaveSurfer.create({ container: wave, url: wave.dataset.src, peaks, duration, height: 110, normalize: true,
        waveColor: "#8ba3c7", progressColor: "#27467a", cursorColor: "#c62828", plugins: [reg], interact: true });
      adoptStyle(wave);
      const play = document.createElement("button");
      play.type = "button";
      play.textContent = "Play / pause";
      play.addEventListener("click", () => ws.playPause());
      wave.after(play);
      ws.on("ready", () => {
        for (const r of regions) {
          const c = COLORS[(r.N - 1) % COLORS.length];
          reg.addRegion({ start: r.Start, end: r.End, color: rgba(c, r.Differs ? 0.35 : 0.18), content: `A${r.N} ${r.Label}${r.Differs ? " ≠" : ""}`, drag: false, resize: false });
        }
      });
    })();
  }

  // A new span's offsets from the selection in the drawn text (UTF-16 offsets, as results use).
  for (const fs of document.querySelectorAll('.fix-region[data-kind="span"]')) {
    const start = fs.querySelector('input[name$=".start"]'), end = fs.querySelector('input[name$=".end"]');
    const text = document.querySelector(`.rv-text[data-object="${CSS.escape(fs.dataset.object)}"]`);
    if (!start || !end || !text) continue;
    const b = document.createElement("button");
    b.type = "button";
    b.className = "take";
    b.textContent = "Use the text selected above";
    b.addEventListener("mousedown", (e) => e.preventDefault()); // keep the selection
    b.addEventListener("click", () => {
      const s = getSelection();
      if (!s.rangeCount || s.isCollapsed) return;
      const r = s.getRangeAt(0);
      if (!text.contains(r.startContainer) || !text.contains(r.endContainer)) return;
      const off = (node, o) => { const x = document.createRange(); x.setStart(text, 0); x.setEnd(node, o); return x.toString().length; };
      start.value = off(r.startContainer, r.startOffset);
      end.value = off(r.endContainer, r.endOffset);
    });
    fs.querySelector(".inline").append(b);
  }
});
