// The import page: drag and drop, upload progress, then the background import's progress.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  const form = document.getElementById("import-form");
  if (!form) return;
  const input = document.getElementById("files");
  const drop = document.getElementById("drop");
  const bar = document.getElementById("import-progress");
  const status = document.getElementById("import-status");
  const say = (msg) => { status.textContent = msg; };

  for (const ev of ["dragenter", "dragover"]) {
    drop.addEventListener(ev, (e) => { e.preventDefault(); drop.classList.add("over"); });
  }
  for (const ev of ["dragleave", "drop"]) {
    drop.addEventListener(ev, () => drop.classList.remove("over"));
  }
  drop.addEventListener("drop", (e) => {
    e.preventDefault();
    input.files = e.dataTransfer.files;
    say(`${input.files.length} file(s) ready to import.`);
  });

  form.addEventListener("submit", (e) => {
    e.preventDefault();
    const data = new FormData(form);
    const xhr = new XMLHttpRequest();
    xhr.open("POST", form.dataset.api);
    xhr.setRequestHeader("X-CSRF-Token", document.querySelector('meta[name="csrf-token"]').content);
    bar.hidden = false;
    bar.value = 0;
    xhr.upload.onprogress = (p) => {
      if (p.lengthComputable) { bar.value = p.loaded / p.total; say(`Uploading… ${Math.round(100 * p.loaded / p.total)}%`); }
    };
    xhr.onload = () => {
      let body = {};
      try { body = JSON.parse(xhr.responseText); } catch (_) { /* not JSON */ }
      if (xhr.status === 201) {
        bar.value = 1;
        report(body);
      } else if (xhr.status === 202) {
        say("Uploaded. Importing in the background…");
        poll(body.import_id);
      } else {
        bar.hidden = true;
        say(body.error || `The import failed (HTTP ${xhr.status}).`);
        status.classList.add("error");
      }
    };
    xhr.onerror = () => { say("The upload was interrupted: check the connection and try again."); };
    status.classList.remove("error");
    xhr.send(data);
  });

  function report(r) {
    let msg = `Imported ${r.task_count} tasks, ${r.annotation_count} annotations and ${r.prediction_count} predictions; ${r.duplicates} duplicates skipped.`;
    if (r.skipped_count) msg += ` ${r.skipped_count} invalid records skipped: ` + (r.skipped || []).map((p) => p.file + (p.line ? ` line ${p.line}` : "") + ": " + p.error).join("; ");
    say(msg);
  }

  function poll(id) {
    fetch(`/api/projects/${form.dataset.project}/imports/${id}`, { credentials: "same-origin" })
      .then((r) => r.json())
      .then((im) => {
        bar.value = im.progress || 0;
        if (im.status === "done") { bar.value = 1; report(im); }
        else if (im.status === "failed") { say(im.error); status.classList.add("error"); }
        else { say(`Importing… ${Math.round(100 * (im.progress || 0))}%`); setTimeout(() => poll(id), 1000); }
      })
      .catch(() => setTimeout(() => poll(id), 2000));
  }
});
