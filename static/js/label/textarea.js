// TextArea: one text per task, or (perRegion) one text for each region of its object,
// edited for the selected region and stored with that region's id.
import { CL } from "./label.js";

CL.kinds.textarea = (ctl, V) => {
  const h = CL.h, id = `ta-${ctl.name}-${CL.rid()}`;
  const ta = h("textarea", { id, rows: "2", placeholder: ctl.placeholder || "", "data-region": ctl.per_region ? "" : null });
  const lab = h("label", { for: id, text: CL.caption(ctl) + (ctl.required ? " (required)" : "") });
  const hint = h("p", { class: "hint", text: "Select a region to write its text." });
  const el = h("div", { class: "textarea" }, lab, ta, ctl.per_region ? hint : null);
  let rid = null; // the region the box edits
  ta.addEventListener("input", () => {
    if (ctl.per_region && !rid) return;
    const old = CL.find(ctl.name, ctl.per_region ? rid : undefined);
    if (ta.value === "") CL.del(ctl.name, ctl.per_region ? rid : undefined);
    else CL.put({ id: ctl.per_region ? rid : old ? old.id : CL.rid(), from_name: ctl.name, to_name: ctl.to_name, type: "textarea", value: { text: [ta.value] } });
    CL.change("typing");
  });
  const text = (r) => (r && r.value.text ? r.value.text.join("\n") : "");
  return {
    el,
    update() {
      if (!ctl.per_region) { if (document.activeElement !== ta) ta.value = text(CL.find(ctl.name)); return; }
      const r = CL.region(V.sel);
      const now = r && r.to_name === ctl.to_name ? r.id : null;
      ta.hidden = lab.hidden = !now;
      hint.hidden = !!now;
      if (!r) return (rid = null);
      const v = r.value, where = v.rectanglelabels ? "box" : v.text != null ? `“${v.text}”` : `${(v.start || 0).toFixed(2)}–${(v.end || 0).toFixed(2)} s`;
      lab.textContent = `${CL.caption(ctl)} for ${(v.labels || v.rectanglelabels || []).join(", ") || "the region"} ${where}${ctl.required ? " (required)" : ""}`;
      if (now !== rid) { rid = now; ta.value = text(CL.find(ctl.name, rid)); }
    },
  };
};
