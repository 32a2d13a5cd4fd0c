// Small enhancements of server-rendered forms; every one of them works without script too.
// - select[data-autosubmit]: submits its (GET, filtering) form on change; elements with
//   data-js-hide are hidden, e.g. a button only needed without script.
// - button[data-fragment-target="<id>"]: posts its form in the background (with the button's own
//   name and value) and puts the answer's element of that id in place of the page's one, e.g.
//   "Test connection" showing its result without leaving the form.
// - [data-preview-url][data-preview-target="<id> <id>..."]: while its fields change, fetches the
//   preview (GET with those fields) into the elements of those ids, e.g. a schedule's next runs
//   and the sentence beside the save button.
// - .menu-toggle: on narrow screens, opens and closes the sidebar's navigation.
(function () {
  "use strict";

  document.documentElement.classList.add("js");

  function replaceFrom(target, html) {
    var doc = new DOMParser().parseFromString(html, "text/html");
    var fresh = doc.getElementById(target.id);
    target.innerHTML = fresh ? fresh.innerHTML : "";
  }

  function menuToggle(button) {
    var bar = button.closest(".sidebar");
    button.addEventListener("click", function () {
      var open = bar.classList.toggle("is-open");
      button.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }

  function autosubmit(select) {
    select.addEventListener("change", function () {
      if (select.form) select.form.requestSubmit();
    });
  }

  function fragmentButton(button) {
    button.addEventListener("click", function (event) {
      var form = button.form;
      var target = document.getElementById(button.getAttribute("data-fragment-target"));
      if (!form || !target) return;
      event.preventDefault();
      var body = new FormData(form, button);
      button.disabled = true;
      target.setAttribute("aria-busy", "true");
      fetch(form.getAttribute("action") || window.location.href, {
        method: "POST",
        body: body,
        credentials: "same-origin",
        headers: { "X-Fragment": "1" },
      })
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          replaceFrom(target, html);
        })
        .catch(function () {
          target.textContent = "The server could not be reached. Try again.";
        })
        .then(function () {
          button.disabled = false;
          target.removeAttribute("aria-busy");
        });
    });
  }

  function preview(container) {
    var targets = container
      .getAttribute("data-preview-target")
      .split(/\s+/)
      .map(function (id) {
        return document.getElementById(id);
      })
      .filter(Boolean);
    var url = container.getAttribute("data-preview-url");
    var timer = null;
    var last = null;
    if (!targets.length || !url) return;

    function refresh() {
      var params = new URLSearchParams();
      container.querySelectorAll("input, select, textarea").forEach(function (control) {
        if (control.disabled || !control.name) return;
        if ((control.type === "radio" || control.type === "checkbox") && !control.checked) return;
        params.append(control.name, control.value);
      });
      var query = params.toString();
      if (query === last) return;
      last = query;
      fetch(url + "?" + query, { credentials: "same-origin", headers: { "X-Fragment": "1" } })
        .then(function (response) {
          return response.text();
        })
        .then(function (html) {
          targets.forEach(function (target) {
            replaceFrom(target, html);
          });
        })
        .catch(function () {});
    }

    function later() {
      window.clearTimeout(timer);
      timer = window.setTimeout(refresh, 350);
    }

    container.addEventListener("input", later);
    container.addEventListener("change", later);
  }

  function start() {
    document.querySelectorAll("[data-js-hide]").forEach(function (node) {
      node.hidden = true;
    });
    document.querySelectorAll("select[data-autosubmit]").forEach(autosubmit);
    document.querySelectorAll("button[data-fragment-target]").forEach(fragmentButton);
    document.querySelectorAll("[data-preview-url][data-preview-target]").forEach(preview);
    document.querySelectorAll(".menu-toggle").forEach(menuToggle);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
