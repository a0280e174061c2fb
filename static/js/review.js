// The side-by-side review of a task. The page is drawn by the server and works without this
// script; it adds: every annotator's audio regions on one wavesurfer waveform, and a new
// span's offsets taken from the text selected in the drawing.
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  // The annotator colours of review.css, a0–a7.
  const COLORS = ["#d62728", "#1f77b4", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf", "#8c564b", "#e377c2"];
  const rgba = (hex, a) => { const n = parseInt(hex.slice(1), 16); return `rgba(${n >> 16},${(n >> 8) & 255},${n & 255},${a})`; };

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
