// Signons' text editor: a small toolbar over a petition's textarea (bold, italic, link, list,
// heading) that writes the Markdown for the selection. Without JavaScript the textarea is all there
// is, and works the same: the text is Markdown either way, and the server renders and sanitizes
// it; the form's "Preview" button shows the result without JavaScript too.
// Labels come from the page (data-* attributes), so they are in the reader's language.
(function () {
  "use strict";

  function wrap(area, before, after, fallback) {
    var start = area.selectionStart, end = area.selectionEnd;
    var text = area.value.slice(start, end) || fallback;
    area.value = area.value.slice(0, start) + before + text + after + area.value.slice(end);
    area.selectionStart = start + before.length;
    area.selectionEnd = start + before.length + text.length;
    area.focus();
  }

  // Puts `prefix` at the start of every line the selection touches ("- " for a list item, "## "
  // for a heading).
  function prefixLines(area, prefix) {
    var value = area.value;
    var start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    var end = area.selectionEnd;
    var lines = value.slice(start, end).split("\n").map(function (line) {
      return line.indexOf(prefix) === 0 ? line : prefix + line;
    });
    var replaced = lines.join("\n");
    area.value = value.slice(0, start) + replaced + value.slice(end);
    area.selectionStart = start;
    area.selectionEnd = start + replaced.length;
    area.focus();
  }

  function enhance(area) {
    var labels = area.dataset;
    var bar = document.createElement("div");
    bar.className = "editor-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", labels.toolbar || "");
    bar.setAttribute("aria-controls", area.id);
    var actions = [
      ["bold", function () { wrap(area, "**", "**", ""); }],
      ["italic", function () { wrap(area, "*", "*", ""); }],
      ["link", function () {
        var address = window.prompt(labels.linkPrompt || "", "https://");
        if (address && /^(https?:\/\/|mailto:)/i.test(address.trim())) {
          wrap(area, "[", "](" + address.trim().replace(/\)/g, "%29") + ")", address.trim());
        }
      }],
      ["list", function () { prefixLines(area, "- "); }],
      ["heading", function () { prefixLines(area, "## "); }]
    ];
    actions.forEach(function (action) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "editor-" + action[0];
      button.textContent = labels[action[0]] || action[0];
      button.addEventListener("click", action[1]);
      bar.appendChild(button);
    });
    area.parentNode.insertBefore(bar, area);
  }

  document.querySelectorAll("textarea[data-rich]").forEach(enhance);
})();
