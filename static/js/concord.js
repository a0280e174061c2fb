// Concord's page behaviour: small, vanilla, and optional — every page works without it.
"use strict";

// csrfToken is the token cookie-authenticated writes must carry.
function csrfToken() {
  const meta = document.querySelector('meta[name="csrf-token"]');
  return meta ? meta.content : "";
}

// concordFetch is fetch with the CSRF header that cookie-authenticated writes need.
window.concordFetch = function (url, opts = {}) {
  opts.headers = Object.assign({ "X-CSRF-Token": csrfToken() }, opts.headers || {});
  opts.credentials = "same-origin";
  return fetch(url, opts);
};

document.addEventListener("DOMContentLoaded", () => {
  // Preset buttons fill the label config.
  for (const b of document.querySelectorAll("button.preset")) {
    b.addEventListener("click", () => {
      const area = document.getElementById("label_config");
      if (area) { area.value = b.dataset.config; area.focus(); }
    });
  }
  // Forms that destroy something ask first.
  for (const f of document.querySelectorAll("form[data-confirm]")) {
    f.addEventListener("submit", (e) => {
      if (!window.confirm(f.dataset.confirm)) e.preventDefault();
    });
  }
});
