// The project page, live: progress and notices arrive over /ws as they happen.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const root = document.getElementById("live");
  if (!root) return;
  const project = Number(root.dataset.project);
  const notice = document.getElementById("live-notice");
  const bar = document.getElementById("live-import");
  let pending = null;

  // refresh refetches the project's progress, at most once a second.
  function refresh() {
    if (pending) return;
    pending = setTimeout(() => {
      pending = null;
      fetch(`/api/projects/${project}/stats`, { credentials: "same-origin" })
        .then((r) => r.json())
        .then(show)
        .catch(() => {});
    }, 1000);
  }

  function show(s) {
    const set = (id, v) => { const el = document.getElementById(id); if (el) el.textContent = v; };
    set("task-count", s.tasks);
    set("stat-completed", s.completed);
    set("stat-annotations", s.annotations);
    set("stat-today", s.annotations_today);
    const body = document.querySelector("#annotators tbody");
    if (!body) return;
    body.replaceChildren(...(s.annotators || []).map((a) => {
      const tr = document.createElement("tr");
      for (const v of [a.email, a.total, a.today]) {
        const td = document.createElement("td");
        td.textContent = v;
        tr.append(td);
      }
      return tr;
    }));
  }

  function onEvent(e) {
    const data = e.data || {};
    switch (e.type) {
      case "annotation.created":
      case "progress":
      case "resync":
        refresh();
        break;
      case "import.progress":
        bar.hidden = false;
        bar.value = data.total ? data.done / data.total : 0;
        notice.textContent = `Importing… ${Math.round(100 * bar.value)}%`;
        break;
      case "import.finished":
        bar.hidden = true;
        notice.textContent = data.error ? `An import failed: ${data.error}` : `Import finished: ${data.tasks} tasks added.`;
        refresh();
        break;
      case "model.trained":
        notice.textContent = "A new model version was trained.";
        break;
      case "agreement.updated":
        notice.textContent = "Agreement was updated.";
        break;
    }
  }

  let delay = 1000;
  function connect() {
    const ws = new WebSocket((location.protocol === "https:" ? "wss://" : "ws://") + location.host + "/ws");
    ws.onopen = () => { delay = 1000; ws.send(JSON.stringify({ subscribe: project })); };
    ws.onmessage = (m) => { try { onEvent(JSON.parse(m.data)); } catch (_) { /* ignore */ } };
    ws.onclose = () => { setTimeout(connect, delay); delay = Math.min(delay * 2, 30000); };
  }
  connect();
});
