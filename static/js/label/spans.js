// Text, and spans on it: select with the mouse or Shift+arrows, then a label key or click labels it.
// Offsets are UTF-16 code units (JavaScript string indices) of the task's ORIGINAL text: the text
// is drawn as text nodes whose concatenation is exactly that string, and a DOM selection point
// is measured by the length of the text before it, never from markup.
import { CL } from "./label.js";

const low = (c) => c >= 0xdc00 && c <= 0xdfff;
CL.objects.text = (obj, V, ctls) => {
  const h = CL.h, raw = V.task.data[obj.value];
  const T = raw == null ? "" : typeof raw === "string" ? raw : JSON.stringify(raw);
  const el = h("div", { class: "text", lang: "" });
  const spanning = ctls.some((c) => c.type === "labels");
  if (spanning) {
    // Editable only to get a caret and Shift+arrow selection: every edit is refused.
    Object.assign(el, { contentEditable: "true", spellcheck: false });
    el.setAttribute("role", "textbox");
    el.setAttribute("aria-readonly", "true");
    el.setAttribute("aria-multiline", "true");
    el.setAttribute("aria-label", `${obj.name}: select text, then press a label key`);
    for (const ev of ["beforeinput", "paste", "cut", "drop", "dragstart"]) el.addEventListener(ev, (e) => e.preventDefault());
    el.addEventListener("input", draw); // an edit that could not be refused (IME): redraw the original
    el.addEventListener("mouseup", () => setTimeout(autoLabel));
    el.addEventListener("keyup", (e) => { if (e.shiftKey) autoLabel(); });
    el.addEventListener("click", (e) => {
      if (!getSelection().isCollapsed) return;
      const m = e.target.closest && e.target.closest("mark.sp");
      if (m) CL.select(m.dataset.id);
      else if (V.sel && CL.region(V.sel) && CL.region(V.sel).to_name === obj.name) CL.select(null);
    });
  }
  // offset is the UTF-16 offset of a DOM point inside el.
  const offset = (node, off) => {
    if (!el.contains(node)) return el.compareDocumentPosition(node) & Node.DOCUMENT_POSITION_PRECEDING ? 0 : T.length;
    const r = document.createRange();
    r.setStart(el, 0);
    r.setEnd(node, off);
    return r.toString().length;
  };
  // selection returns [start, end) of the selected text, trimmed of white space, or null.
  const selection = () => {
    const s = getSelection();
    if (!s.rangeCount || s.isCollapsed) return null;
    const r = s.getRangeAt(0);
    if (!el.contains(r.startContainer) && !el.contains(r.endContainer)) return null;
    let a = offset(r.startContainer, r.startOffset), b = offset(r.endContainer, r.endOffset);
    while (a < b && /\s/.test(T[a])) a++;
    while (b > a && /\s/.test(T[b - 1])) b--;
    if (a > 0 && low(T.charCodeAt(a))) a--;
    if (b < T.length && low(T.charCodeAt(b))) b++;
    return a < b ? [a, b] : null;
  };
  const add = (ctl, label) => {
    const s = selection();
    if (!s) return false;
    const item = { id: CL.rid(), from_name: ctl.name, to_name: obj.name, type: "labels",
      value: { start: s[0], end: s[1], text: T.slice(s[0], s[1]), labels: [label.value] } };
    CL.put(item);
    V.sel = item.id; // the span just made: another label key relabels it
    getSelection().collapseToEnd();
    CL.change();
    return true;
  };
  function autoLabel() {
    const [ctl, value] = CL.active(ctls);
    if (value) add(ctl, CL.labelOf(ctl, value));
    else if (selection()) CL.status("Press a label key (or click a label) to label the selection");
  }
  // draw splits the text at every span edge; each piece is wrapped in one mark per span covering it, outermost first.
  let drawn = "";
  function draw() {
    const spans = CL.regions(obj.name).filter((r) => r.type === "labels" && r.value.end > r.value.start);
    const key = JSON.stringify([spans, V.sel]);
    if (key === drawn && el.textContent === T) return;
    drawn = key;
    const cuts = new Set([0, T.length]);
    for (const s of spans) { cuts.add(Math.max(0, Math.min(T.length, s.value.start))); cuts.add(Math.max(0, Math.min(T.length, s.value.end))); }
    const at = [...cuts].sort((a, b) => a - b);
    const frag = document.createDocumentFragment();
    for (let i = 0; i + 1 < at.length; i++) {
      const a = at[i], b = at[i + 1];
      let node = document.createTextNode(T.slice(a, b));
      const over = spans.filter((s) => s.value.start <= a && s.value.end >= b)
        .sort((x, y) => y.value.start - x.value.start || x.value.end - y.value.end); // innermost first
      over.forEach((s, depth) => {
        const m = h("mark", { class: "sp" + (s.id === V.sel ? " sel" : ""), "data-id": s.id });
        m.style.setProperty("--c", CL.rgba(CL.color(s), 0.28));
        m.style.setProperty("--b", CL.color(s));
        m.style.paddingBottom = `${depth * 3}px`;
        if (s.value.end === b) { m.classList.add("end"); m.dataset.l = (s.value.labels || []).join(", ") || "?"; }
        m.append(node);
        node = m;
      });
      frag.append(node);
    }
    const keep = caret();
    el.replaceChildren(frag);
    if (keep) { const a = point(keep[0]), f = point(keep[1]); getSelection().setBaseAndExtent(a[0], a[1], f[0], f[1]); }
  }
  // caret returns the selection's anchor and focus as offsets when it is in el; point turns an offset back into a DOM point.
  function caret() {
    const s = getSelection();
    return s.rangeCount && el.contains(s.anchorNode) && el.contains(s.focusNode) ? [offset(s.anchorNode, s.anchorOffset), offset(s.focusNode, s.focusOffset)] : null;
  }
  function point(o) {
    const w = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    let n, last = null;
    while ((n = w.nextNode())) { if (o <= n.data.length) return [n, o]; o -= n.data.length; last = n; }
    return last ? [last, last.data.length] : [el, 0];
  }
  return {
    el,
    update: draw,
    label: (ctl, l) => ctl.type === "labels" && add(ctl, l),
    describe: (r) => `“${r.value.text != null ? r.value.text : T.slice(r.value.start, r.value.end)}” ${r.value.start}–${r.value.end}`,
  };
};
