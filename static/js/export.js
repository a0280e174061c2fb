// The export page: polls the background exports still running and reloads
// the page when one finishes, so its download link appears.
(function () {
  "use strict";
  var table = document.getElementById("exports");
  if (!table) return;
  var project = table.dataset.project;
  function poll() {
    var rows = table.querySelectorAll("tr[data-status=queued], tr[data-status=running]");
    if (rows.length === 0) return;
    var pending = Array.prototype.map.call(rows, function (row) {
      return fetch("/api/projects/" + project + "/exports/" + row.dataset.export, { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (e) {
          var bar = row.querySelector("progress");
          bar.max = Math.max(e.rows_total, 1);
          bar.value = e.rows_done;
          bar.nextSibling.textContent = " " + e.rows_done + " of " + e.rows_total + " tasks";
          row.querySelector("td:nth-child(3)").textContent = e.status;
          return e.status === "done" || e.status === "failed";
        });
    });
    Promise.all(pending).then(function (finished) {
      if (finished.some(Boolean)) location.reload();
      else setTimeout(poll, 1000);
    }, function () { setTimeout(poll, 5000); });
  }
  setTimeout(poll, 500);
})();
