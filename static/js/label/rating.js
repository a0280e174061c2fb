// Rating: 1..max_rating stars as toggle buttons; pressing the chosen one again clears it.
import { CL } from "./label.js";

CL.kinds.rating = (ctl) => {
  const h = CL.h, max = ctl.max_rating || 5;
  const el = h("fieldset", { class: "rating" }, h("legend", { text: CL.caption(ctl) + (ctl.required ? " (required)" : "") }));
  const cur = () => { const r = CL.find(ctl.name); return r ? r.value.rating : 0; };
  const bs = [];
  for (let i = 1; i <= max; i++) {
    bs.push(h("button", { type: "button", class: "star", "aria-label": `${i} of ${max}`, "aria-pressed": "false",
      onclick: () => {
        const old = CL.find(ctl.name);
        if (cur() === i) CL.del(ctl.name);
        else CL.put({ id: old ? old.id : CL.rid(), from_name: ctl.name, to_name: ctl.to_name, type: "rating", value: { rating: i } });
        CL.change();
      } }, "★"));
  }
  el.append(...bs);
  return { el, update: () => { const c = cur(); bs.forEach((b, i) => { b.setAttribute("aria-pressed", String(i + 1 === c)); b.classList.toggle("on", i < c); }); } };
};
