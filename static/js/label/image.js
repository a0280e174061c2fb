// Image, fitted to its stage, with zoom (wheel, + and -, 0 to fit) and pan (Space+drag or middle drag);
// RectangleLabels: drag to draw a box, drag it to move, its handles to resize, label keys to relabel.
// Boxes are kept in percent of the image, with the image's original size.
import { CL } from "./label.js";

const clamp = (v, a, b) => Math.max(a, Math.min(b, v));
const HANDLES = ["nw", "n", "ne", "e", "se", "s", "sw", "w"];
CL.objects.image = (obj, V, ctls) => {
  const h = CL.h, src = String(V.task.data[obj.value] || ""), m = (V.lt.media || {})[obj.value];
  let W = m && m.width, H = m && m.height;
  const drawing = ctls.some((c) => c.type === "rectanglelabels");
  const img = h("img", { src, alt: `${obj.name}`, draggable: "false" });
  const boxes = h("div", { class: "boxes" });
  const layer = h("div", { class: "layer" }, img, boxes);
  const stage = h("div", { class: "stage" + (drawing ? " draw" : ""), tabindex: "0", role: "group",
    "aria-label": `${obj.name}: image${drawing ? "; drag to draw a box" : ""}. Wheel or + and − zoom, Space+drag pans.` }, layer);
  const zoomOut = h("button", { type: "button", "aria-label": "Zoom out", onclick: () => zoomBy(1 / 1.25) }, "−");
  const zoomFit = h("button", { type: "button", "aria-label": "Fit the image", onclick: fit }, "Fit");
  const zoomIn = h("button", { type: "button", "aria-label": "Zoom in", onclick: () => zoomBy(1.25) }, "+");
  const zoomTxt = h("span", { class: "zoom", "aria-live": "off" });
  const el = h("div", { class: "image" }, stage, h("div", { class: "imgtools" }, zoomOut, zoomFit, zoomIn, zoomTxt,
    h("span", { class: "dim" })));
  let s = 1, base = 1, tx = 0, ty = 0, fitted = true, drag = null;

  function apply() {
    if (!W) return;
    Object.assign(layer.style, { width: `${W * s}px`, height: `${H * s}px`, left: `${tx}px`, top: `${ty}px` });
    zoomTxt.textContent = `${Math.round((s / base) * 100)}%`;
    img.classList.toggle("px", s > 2);
    el.querySelector(".dim").textContent = `${W}×${H}px`;
  }
  function fit() {
    if (!W || !stage.clientWidth) return;
    const sw = stage.clientWidth, sh = stage.clientHeight;
    s = base = Math.min(sw / W, sh / H);
    tx = (sw - W * s) / 2; ty = (sh - H * s) / 2;
    fitted = true;
    apply();
  }
  function zoomAt(px, py, f) {
    const ns = clamp(s * f, base / 2, Math.max(base * 40, 8));
    tx = px - ((px - tx) / s) * ns; ty = py - ((py - ty) / s) * ns;
    s = ns; fitted = false;
    apply();
  }
  const zoomBy = (f) => zoomAt(stage.clientWidth / 2, stage.clientHeight / 2, f);
  img.addEventListener("load", () => { if (!W) { W = img.naturalWidth; H = img.naturalHeight; } fit(); });
  img.addEventListener("error", () => CL.status(`The image ${src} did not load`, true));
  const ro = new ResizeObserver(() => { if (fitted) fit(); });
  ro.observe(stage);
  stage.addEventListener("wheel", (e) => {
    e.preventDefault();
    const r = stage.getBoundingClientRect();
    zoomAt(e.clientX - r.left, e.clientY - r.top, Math.exp(-e.deltaY * (e.deltaMode ? 0.05 : 0.002)));
  }, { passive: false });
  stage.addEventListener("mousedown", (e) => { if (e.button === 1) e.preventDefault(); }); // no autoscroll

  const pct = (e) => {
    const r = layer.getBoundingClientRect();
    return { x: clamp(((e.clientX - r.left) / r.width) * 100, 0, 100), y: clamp(((e.clientY - r.top) / r.height) * 100, 0, 100) };
  };
  stage.addEventListener("pointerdown", (e) => {
    if (!W) return;
    if (e.button === 1 || (e.button === 0 && CL.space.down)) {
      CL.space.used = true;
      drag = { mode: "pan", cx: e.clientX, cy: e.clientY, tx, ty };
    } else if (e.button === 0) {
      const t = e.target, be = t.closest(".box"), p = pct(e);
      stage.focus({ preventScroll: true });
      if (be && CL.region(be.dataset.id)) {
        const r = CL.region(be.dataset.id);
        if (V.sel !== r.id) CL.select(r.id);
        drag = { mode: t.dataset.h || "move", r, p0: p, v0: Object.assign({}, r.value) };
      } else if (drawing) {
        const [ctl, val] = CL.active(ctls.filter((c) => c.type === "rectanglelabels"));
        drag = { mode: "new", p0: p, cx: e.clientX, cy: e.clientY, r: { id: CL.rid(), from_name: ctl.name, to_name: obj.name, type: "rectanglelabels",
          original_width: W, original_height: H, image_rotation: 0,
          value: { x: p.x, y: p.y, width: 0, height: 0, rotation: 0, rectanglelabels: val ? [val] : [] } } };
      } else if (V.sel) CL.select(null);
      else return;
    } else return;
    e.preventDefault();
    stage.setPointerCapture(e.pointerId);
    stage.classList.toggle("panning", drag.mode === "pan");
  });
  stage.addEventListener("pointermove", (e) => {
    if (!drag) return;
    if (drag.mode === "pan") {
      tx = drag.tx + e.clientX - drag.cx; ty = drag.ty + e.clientY - drag.cy; fitted = false;
      return apply();
    }
    const p = pct(e), v = drag.r.value, v0 = drag.v0;
    if (drag.mode === "new") {
      if (!drag.live) {
        if (Math.hypot(e.clientX - drag.cx, e.clientY - drag.cy) < 4) return;
        drag.live = true;
        CL.put(drag.r);
        V.sel = drag.r.id; // selected while drawn; end() keeps it selected only if it still needs something
      }
      Object.assign(v, { x: Math.min(drag.p0.x, p.x), y: Math.min(drag.p0.y, p.y), width: Math.abs(p.x - drag.p0.x), height: Math.abs(p.y - drag.p0.y) });
    } else if (drag.mode === "move") {
      v.x = clamp(v0.x + p.x - drag.p0.x, 0, 100 - v0.width);
      v.y = clamp(v0.y + p.y - drag.p0.y, 0, 100 - v0.height);
    } else {
      let L = v0.x, T = v0.y, R = v0.x + v0.width, B = v0.y + v0.height;
      if (drag.mode.includes("n")) T = p.y;
      if (drag.mode.includes("s")) B = p.y;
      if (drag.mode.includes("w")) L = p.x;
      if (drag.mode.includes("e")) R = p.x;
      Object.assign(v, { x: Math.min(L, R), y: Math.min(T, B), width: Math.abs(R - L), height: Math.abs(B - T) });
    }
    drag.moved = true;
    draw();
  });
  const end = () => {
    const d = drag;
    drag = null;
    stage.classList.remove("panning");
    if (!d || d.mode === "pan") return;
    if (d.mode === "new" && !d.live) return CL.select(null); // a click on the image: deselect
    if (!d.moved) return;
    const v = d.r.value;
    for (const k of ["x", "y", "width", "height"]) v[k] = CL.round(v[k]);
    v.width = Math.min(v.width, CL.round(100 - v.x)); v.height = Math.min(v.height, CL.round(100 - v.y));
    if (v.width < 0.2 || v.height < 0.2) { CL.removeRegion(d.r.id); return; }
    if (d.mode === "new") {
      V.sel = null;
      CL.created(d.r);
      if (!v.rectanglelabels.length) CL.status("Box drawn: press a label key to label it");
    }
    CL.change();
  };
  stage.addEventListener("pointerup", end);
  stage.addEventListener("pointercancel", end);

  function draw() {
    const list = CL.regions(obj.name).filter((r) => r.type === "rectanglelabels");
    boxes.replaceChildren(...list.map((r) => {
      const v = r.value, c = CL.color(r), sel = r.id === V.sel;
      const b = h("div", { class: "box" + (sel ? " sel" : ""), "data-id": r.id },
        h("span", { class: "tag", text: (v.rectanglelabels || []).join(", ") || "no label" }),
        sel && HANDLES.map((k) => h("div", { class: `hd hd-${k}`, "data-h": k })));
      Object.assign(b.style, { left: `${v.x}%`, top: `${v.y}%`, width: `${v.width}%`, height: `${v.height}%` });
      b.style.setProperty("--c", c);
      b.style.setProperty("--f", CL.rgba(c, sel ? 0.25 : 0.1));
      return b;
    }));
  }
  return {
    el,
    update: draw,
    destroy: () => ro.disconnect(),
    describe: (r) => { const v = r.value; return `${v.x.toFixed(1)}%, ${v.y.toFixed(1)}% · ${v.width.toFixed(1)}×${v.height.toFixed(1)}%`; },
    key(e) {
      if (e.key === "+" || e.key === "=") return zoomBy(1.25), true;
      if (e.key === "-" || e.key === "_") return zoomBy(0.8), true;
      if (e.key === "0" || e.key === "f") return fit(), true; // whichever is not a label's hotkey (those come first)
      const r = CL.region(V.sel), d = { ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1] }[e.key];
      if (!r || !d || r.to_name !== obj.name || !W) return false;
      const v = r.value, dx = (d[0] * 100) / W, dy = (d[1] * 100) / H;
      if (e.shiftKey) { v.width = CL.round(clamp(v.width + dx, 0.2, 100 - v.x)); v.height = CL.round(clamp(v.height + dy, 0.2, 100 - v.y)); }
      else { v.x = CL.round(clamp(v.x + dx, 0, 100 - v.width)); v.y = CL.round(clamp(v.y + dy, 0, 100 - v.height)); }
      CL.change("nudge");
      return true;
    },
  };
};
