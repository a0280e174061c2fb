// The project page's live notices: imports, models and agreement, from the events
// that live.js dispatches. The counts and the annotator table are the server's
// (#project-live, refetched by htmx).
"use strict";
(() => {
  const notice = document.getElementById("live-notice");
  const bar = document.getElementById("live-import");
  if (!notice || !bar) return;
  const on = (type, f) => document.addEventListener("concord:" + type, (ev) => f((ev.detail && ev.detail.data) || {}));
  on("import.progress", (d) => {
    bar.hidden = false;
    bar.value = d.total ? d.done / d.total : 0;
    notice.textContent = `Importing… ${Math.round(100 * bar.value)}%`;
  });
  on("import.finished", (d) => {
    bar.hidden = true;
    notice.textContent = d.error ? `An import failed: ${d.error}` : `Import finished: ${d.tasks} tasks added.`;
  });
  on("model.trained", () => { notice.textContent = "A new model version was trained."; });
  on("agreement.updated", () => { notice.textContent = "Agreement was updated."; });
})();
