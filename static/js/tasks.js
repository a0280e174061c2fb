// The task table's keyboard: j/k move between rows, Enter opens the task,
// x checks it, / goes to the search box. The page works without it.
(function () {
  const table = document.getElementById("task-table");
  const search = document.getElementById("task-search");
  if (!table) return;
  const rows = () => Array.from(table.querySelectorAll("tbody tr"));
  let at = -1;
  function move(i) {
    const rs = rows();
    if (rs.length === 0) return;
    at = Math.max(0, Math.min(rs.length - 1, i));
    rs.forEach((r, k) => r.classList.toggle("current", k === at));
    rs[at].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", (e) => {
    const t = e.target;
    if (t && (t.tagName === "INPUT" || t.tagName === "SELECT" || t.tagName === "TEXTAREA")) return;
    if (e.ctrlKey || e.metaKey || e.altKey) return;
    const rs = rows();
    if (e.key === "j") move(at + 1);
    else if (e.key === "k") move(at - 1);
    else if (e.key === "Enter" && at >= 0) rs[at].querySelector("a.open").click();
    else if (e.key === "x" && at >= 0) {
      const box = rs[at].querySelector("input[type=checkbox]");
      box.checked = !box.checked;
    } else if (e.key === "/" && search) search.focus();
    else return;
    e.preventDefault();
  });
})();
