// Conditional sections of forms generated from a ui_spec (registry/schema/forms.py).
// A node with data-show-when="<field name>" shows only while that field holds one of
// data-show-values (a JSON list; any value when absent), or none of them with data-show-negate.
// Hidden nodes' controls are disabled, so they are neither submitted nor checked by the browser;
// the server drops what does not apply either way.
(function () {
  "use strict";

  function currentValues(form, name) {
    var found = form.elements.namedItem(name);
    if (!found) return [];
    var controls = typeof found.length === "number" && !found.tagName ? Array.from(found) : [found];
    var values = [];
    controls.forEach(function (control) {
      if (control.type === "checkbox" && controls.length === 1) {
        values.push(control.checked ? "true" : "false");
      } else if (control.type === "checkbox" || control.type === "radio") {
        if (control.checked) values.push(control.value);
      } else if (control.tagName === "SELECT" && control.multiple) {
        Array.from(control.selectedOptions).forEach(function (o) { values.push(o.value); });
      } else if (control.value !== "") {
        values.push(control.value);
      }
    });
    return values;
  }

  function update(container) {
    var form = container.closest("form") || container;
    container.querySelectorAll("[data-show-when]").forEach(function (node) {
      var current = currentValues(form, node.dataset.showWhen);
      var wanted = node.dataset.showValues ? JSON.parse(node.dataset.showValues) : null;
      var match = wanted === null
        ? current.length > 0
        : current.some(function (v) { return wanted.indexOf(v) !== -1; });
      if (node.hasAttribute("data-show-negate")) match = !match;
      node.hidden = !match;
    });
    container.querySelectorAll("input, select, textarea").forEach(function (control) {
      if (control.hasAttribute("data-readonly")) return;
      control.disabled = control.closest("[hidden]") !== null;
    });
  }

  function start() {
    document.querySelectorAll("[data-schema-form]").forEach(function (container) {
      var form = container.closest("form") || container;
      form.addEventListener("change", function () { update(container); });
      form.addEventListener("input", function () { update(container); });
      update(container);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
