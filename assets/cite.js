/* Copy buttons for the record page's citations and badge snippets.
 *
 * Without JavaScript the buttons stay hidden and the text boxes can be selected
 * and copied by hand. With it, a button copies its box. The asynchronous
 * clipboard API is tried first; where it is missing or refuses (pages opened
 * from disk, older browsers, a denied permission), the box's text is selected
 * and copied with document.execCommand("copy"), which works from file:// inside
 * the click. The result is announced in a status region for screen readers.
 */
(function () {
  "use strict";

  var status = document.getElementById("cite-status");
  var buttons = Array.prototype.slice.call(document.querySelectorAll("button[data-copy]"));

  function announce(text) {
    if (!status) return;
    /* A changed text is announced; clearing it first makes a repeated message count as changed. */
    status.textContent = "";
    window.setTimeout(function () { status.textContent = text; }, 30);
  }

  function copyBySelection(field, button) {
    var ok = false;
    field.focus();
    field.select();
    field.setSelectionRange(0, field.value.length);
    try {
      ok = document.execCommand("copy");
    } catch (e) {
      ok = false;
    }
    button.focus();  /* keyboard users stay on the button they pressed */
    return ok;
  }

  function copy(button) {
    var field = document.getElementById(button.dataset.copy);
    if (!field) return;
    var label = button.dataset.copyLabel || "text";
    var done = function (ok) {
      button.dataset.copied = ok ? "true" : "false";
      announce(ok ? "Copied " + label + " to the clipboard." : "Could not copy: the " + label + " text is selected, press Ctrl+C or \u2318C to copy it.");
      if (!ok) {
        field.focus();
        field.select();
      }
    };
    var text = field.value;
    if (navigator.clipboard && navigator.clipboard.writeText && window.isSecureContext && location.protocol !== "file:") {
      navigator.clipboard.writeText(text).then(function () { done(true); }, function () { done(copyBySelection(field, button)); });
    } else {
      done(copyBySelection(field, button));
    }
  }

  buttons.forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
