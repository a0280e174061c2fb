// The shared live-events client. A page that shows a project live names it on an
// element, <div data-live-project="7">; this script keeps one websocket to /ws
// subscribed to that project, reconnecting with backoff, and dispatches every event
// on document as a CustomEvent "concord:<type>" (e.g. "concord:annotation.created")
// whose detail is the event: {type, project, id, data}. Page code listens to those.
//
// Parts of a page drawn by the server stay the server's: an element with
// data-live-refresh="annotation.created import.finished …" and hx-trigger="live-refresh"
// is refetched by htmx at most once a second after one of those events, and not
// while the keyboard is inside it.
"use strict";
(() => {
  const named = document.querySelector("[data-live-project]");
  if (!named) return;
  const project = Number(named.dataset.liveProject);

  const pending = new WeakSet();
  function refresh(type) {
    for (const part of document.querySelectorAll("[data-live-refresh]")) {
      if (pending.has(part) || !part.dataset.liveRefresh.split(/\s+/).includes(type)) continue;
      pending.add(part);
      setTimeout(() => fire(part), 1000);
    }
  }
  function fire(part) {
    if (!part.isConnected) return;
    if (part.contains(document.activeElement) && document.activeElement !== document.body) {
      part.addEventListener("focusout", () => fire(part), { once: true });
      return;
    }
    pending.delete(part);
    if (window.htmx) window.htmx.trigger(part, "live-refresh");
  }

  let delay = 1000;
  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    ws.onopen = () => { delay = 1000; ws.send(JSON.stringify({ subscribe: project })); };
    ws.onmessage = (m) => {
      let e;
      try { e = JSON.parse(m.data); } catch { return; }
      if (!e || typeof e.type !== "string") return;
      document.dispatchEvent(new CustomEvent("concord:" + e.type, { detail: e }));
      refresh(e.type);
    };
    ws.onclose = () => { setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); };
  }
  connect();
})();
