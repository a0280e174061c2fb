// The quality dashboard, live: when the project's agreement is recomputed or an annotation
// arrives, the page is fetched again and its #quality-live part replaced (at most every 2 s).
"use strict";
document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("quality-live");
  if (!root) return;
  const project = Number(root.dataset.project);
  const notice = document.getElementById("quality-notice");
  let pending = null;

  function refresh(why) {
    if (pending) return;
    pending = setTimeout(async () => {
      pending = null;
      // Do not pull the controls from under a keyboard: wait until focus leaves them.
      if (root.contains(document.activeElement) && document.activeElement !== document.body) {
        root.addEventListener("focusout", () => refresh(why), { once: true });
        return;
      }
      try {
        const r = await fetch(location.href, { credentials: "same-origin" });
        if (!r.ok) return;
        const doc = new DOMParser().parseFromString(await r.text(), "text/html");
        const fresh = doc.getElementById("quality-live");
        if (!fresh) return;
        root.replaceChildren(...Array.from(fresh.childNodes, (n) => document.importNode(n, true)));
        notice.textContent = `Updated ${new Date().toLocaleTimeString()}: ${why}.`;
      } catch (e) { /* the next event tries again */ }
    }, 2000);
  }

  let delay = 1000;
  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    ws.onopen = () => { delay = 1000; ws.send(JSON.stringify({ subscribe: project })); };
    ws.onmessage = (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch (_) { return; }
      if (e.type === "agreement.updated") refresh("agreement recomputed");
      else if (e.type === "annotation.created") refresh("new annotations");
      else if (e.type === "resync") refresh("reconnected");
    };
    ws.onclose = () => { setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); };
  }
  connect();
});
