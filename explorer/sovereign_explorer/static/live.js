// Live updates: when the explorer has applied a new block, fetch this page again and
// swap its main content and status line. Without JavaScript the page is complete as
// served; this only saves the reload.
(function () {
  "use strict";
  if (!("EventSource" in window) || !("DOMParser" in window)) return;
  // A sign-in form keeps what is typed in it.
  if (window.location.pathname === "/login") return;
  var pending = false;
  var again = false;
  function refresh() {
    if (pending) { again = true; return; }
    pending = true;
    fetch(window.location.href, { cache: "no-store", credentials: "same-origin" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        if (!html) return;
        var next = new DOMParser().parseFromString(html, "text/html");
        ["live", "status"].forEach(function (id) {
          var fresh = next.getElementById(id);
          var current = document.getElementById(id);
          if (fresh && current) current.replaceWith(document.importNode(fresh, true));
        });
        document.documentElement.setAttribute("data-live-height",
          document.getElementById("status").getAttribute("data-height"));
      })
      .catch(function () { /* the next block retries */ })
      .finally(function () {
        pending = false;
        if (again) { again = false; refresh(); }
      });
  }
  var source = new EventSource("/events");
  source.addEventListener("block", refresh);
  document.documentElement.setAttribute("data-live", "connected");
})();
