// Signons' text editor: a small toolbar over a petition's textarea (bold, italic, link, list,
// paragraph) that wraps the selection in the HTML the sanitizer keeps. Without JavaScript the
// textarea is all there is, and works the same; the server sanitizes whatever arrives either way.
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

  function escapeAttribute(value) {
    return value.replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function list(area) {
    var start = area.selectionStart, end = area.selectionEnd;
    var lines = (area.value.slice(start, end) || "").split("\n").filter(function (l) {
      return l.trim() !== "";
    });
    var items = (lines.length ? lines : [""]).map(function (l) {
      return "  <li>" + l.trim() + "</li>";
    }).join("\n");
    wrap(area, "<ul>\n" + items + "\n</ul>", "", "");
    area.selectionStart = area.selectionEnd;
  }

  function enhance(area) {
    var labels = area.dataset;
    var bar = document.createElement("div");
    bar.className = "editor-toolbar";
    bar.setAttribute("role", "toolbar");
    bar.setAttribute("aria-label", labels.toolbar || "");
    bar.setAttribute("aria-controls", area.id);
    var actions = [
      ["bold", function () { wrap(area, "<strong>", "</strong>", ""); }],
      ["italic", function () { wrap(area, "<em>", "</em>", ""); }],
      ["link", function () {
        var address = window.prompt(labels.linkPrompt || "", "https://");
        if (address && /^(https?:\/\/|mailto:)/i.test(address.trim())) {
          wrap(area, '<a href="' + escapeAttribute(address.trim()) + '">', "</a>", address.trim());
        }
      }],
      ["list", function () { list(area); }],
      ["paragraph", function () { wrap(area, "<p>", "</p>", ""); }]
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
