// Live preview: reload when the site is rebuilt, show build errors over the page.
// Served only by `sitegen serve`; never part of a built site.
(function () {
  "use strict";
  var first = null;
  var overlay = null;

  function clearOverlay() {
    if (overlay) { overlay.remove(); overlay = null; }
  }

  function showErrors(diagnostics) {
    clearOverlay();
    overlay = document.createElement("div");
    overlay.id = "sitegen-error-overlay";
    overlay.setAttribute("role", "alertdialog");
    overlay.setAttribute("aria-label", "Build errors");
    overlay.style.cssText = "position:fixed;inset:0;z-index:2147483647;overflow:auto;padding:2rem;" +
      "background:rgba(20,20,24,.94);color:#fff;font:14px/1.5 ui-monospace,monospace";
    var title = document.createElement("h2");
    title.textContent = "The last change has errors; the page shows the last good build.";
    title.style.cssText = "font:600 18px/1.4 system-ui,sans-serif;margin:0 0 1rem";
    overlay.appendChild(title);
    diagnostics.forEach(function (d) {
      var row = document.createElement("pre");
      row.className = "sitegen-diagnostic";
      row.style.cssText = "white-space:pre-wrap;margin:0 0 .75rem;color:" + (d.level === "error" ? "#ffb4b4" : "#ffe28a");
      row.textContent = d.path + ":" + d.line + ":" + d.column + ": " + d.level + ": " + d.message + " [" + d.rule + "]" +
        (d.hint ? "\n    hint: " + d.hint : "");
      overlay.appendChild(row);
    });
    var close = document.createElement("button");
    close.type = "button";
    close.textContent = "Hide";
    close.addEventListener("click", clearOverlay);
    overlay.appendChild(close);
    document.body.appendChild(overlay);
  }

  function connect() {
    var source = new EventSource("/__sitegen/events");
    source.addEventListener("state", function (event) {
      var state = JSON.parse(event.data);
      if (first === null) first = state.generation;
      if (state.errors.length) { showErrors(state.errors); return; }
      if (state.generation !== first) { location.reload(); return; }
      clearOverlay();
    });
    source.onerror = function () {
      source.close();
      setTimeout(connect, 1000);
    };
  }
  connect();
})();
