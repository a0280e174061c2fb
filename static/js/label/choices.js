// Choices: single (toggle buttons, one pressed), single-radio (radio buttons), multiple (toggle buttons).
import { CL } from "./label.js";

CL.kinds.choices = (ctl, V) => {
  const h = CL.h, multi = ctl.choice === "multiple", radio = ctl.choice === "single-radio";
  const el = h("fieldset", { class: "choices" }, h("legend", { text: CL.caption(ctl) + (ctl.required ? " (required)" : "") }));
  const cur = () => { const r = CL.find(ctl.name); return r ? r.value.choices : []; };
  const set = (list) => {
    const old = CL.find(ctl.name);
    const order = ctl.labels.map((l) => l.value);
    list.sort((a, b) => order.indexOf(a) - order.indexOf(b));
    if (!list.length) CL.del(ctl.name);
    else CL.put({ id: old ? old.id : CL.rid(), from_name: ctl.name, to_name: ctl.to_name, type: "choices", value: { choices: list } });
    CL.change();
  };
  const toggle = (v) => {
    const c = cur();
    if (c.includes(v)) set(radio ? c : c.filter((x) => x !== v));
    else set(multi ? c.concat(v) : [v]);
  };
  const group = radio ? `ch-${ctl.name}-${CL.rid()}` : null;
  const items = ctl.labels.map((l) => {
    const kbd = l.key && h("kbd", { text: l.key });
    if (radio) {
      const inp = h("input", { type: "radio", name: group, value: l.value, onchange: () => set([l.value]) });
      return { l, inp, el: h("label", { class: "choice" }, inp, " ", l.value, kbd) };
    }
    const b = h("button", { type: "button", class: "choice", "aria-pressed": "false", onclick: () => toggle(l.value) }, l.value, kbd);
    return { l, el: b };
  });
  el.append(...items.map((i) => i.el));
  return {
    el,
    key: (l) => toggle(l.value),
    update() {
      const c = cur();
      for (const i of items) {
        const on = c.includes(i.l.value);
        if (i.inp) i.inp.checked = on; else i.el.setAttribute("aria-pressed", String(on));
      }
    },
  };
};
