// The SQL workbench: CodeMirror 5 on the statement's textarea (SQL highlighting, completion of
// the tables the viewer may read and their columns), Ctrl-Enter runs, an error's spot is marked.
(function () {
  "use strict";
  var root = document.getElementById("workbench");
  if (!root || typeof window.CodeMirror === "undefined") {
    return;
  }
  var form = document.getElementById("sql-form");
  var textarea = document.getElementById("sql-text");
  // {"raw.events": ["col", ...]} as sql-hint's nested {raw: {events: [...]}}
  var flat = JSON.parse(root.dataset.schema || "{}");
  var tables = {};
  Object.keys(flat).forEach(function (name) {
    var dot = name.indexOf(".");
    var namespace = name.substring(0, dot);
    tables[namespace] = tables[namespace] || {};
    tables[namespace][name.substring(dot + 1)] = flat[name];
  });
  function run() {
    editor.save();
    if (typeof form.requestSubmit === "function") {
      form.requestSubmit();
    } else {
      window.htmx.trigger(form, "submit");
    }
  }
  var editor = window.CodeMirror.fromTextArea(textarea, {
    mode: "text/x-sql",
    lineNumbers: true,
    matchBrackets: true,
    indentWithTabs: false,
    // the editor's own input is labelled like the text area it replaces
    screenReaderLabel: "SQL statement",
    extraKeys: {
      "Ctrl-Enter": run,
      "Cmd-Enter": run,
      "Ctrl-Space": "autocomplete",
      // Tab and Shift-Tab move the focus on, as everywhere else: no keyboard trap in the editor
      "Tab": false,
      "Shift-Tab": false
    },
    hintOptions: { tables: tables, completeSingle: false }
  });
  window.tributaryEditor = editor; // for tests and the browser console
  editor.on("change", function () { editor.save(); });
  var marks = [];
  function clearMarks() {
    marks.forEach(function (mark) { mark.clear(); });
    marks = [];
  }
  form.addEventListener("submit", function () {
    editor.save();
    clearMarks();
  });
  // the CSV download sends the editor's statement
  document.getElementById("sql-download").addEventListener("submit", function () {
    document.getElementById("sql-download-text").value = editor.getValue();
  });
  // an error that names its spot: mark it in the editor and put the cursor there
  document.body.addEventListener("htmx:afterSwap", function (event) {
    var error = event.target.querySelector ? event.target.querySelector("[data-error-line]") : null;
    if (!error) {
      return;
    }
    var line = parseInt(error.dataset.errorLine, 10);
    if (!(line > 0)) {
      return;
    }
    var column = parseInt(error.dataset.errorColumn, 10) || 0;
    var length = Math.max(1, parseInt(error.dataset.errorLength, 10) || 1);
    var from = { line: line - 1, ch: column };
    var to = { line: line - 1, ch: column + length };
    clearMarks();
    marks.push(editor.markText(from, to, { className: "sql-error-mark", title: error.textContent.trim() }));
    editor.setCursor(from);
    editor.scrollIntoView(from, 40);
    editor.focus();
  });
  // "Edit" in the history puts that statement in the editor
  document.body.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest(".load-sql") : null;
    if (button) {
      editor.setValue(button.dataset.sql || "");
      editor.focus();
    }
  });
})();
