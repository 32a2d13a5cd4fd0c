// Live regions: an element with an id and data-live-url is refreshed from that URL, which answers
// with server-rendered HTML holding an element of the same id. It polls every
// data-live-interval ms while data-live-active="true" (the fragment says whether work is under
// way), every data-live-idle ms otherwise (0 or absent: it stops). The focused control keeps the
// focus when it is still there. Without script the page shows the state it was loaded with.
(function () {
  "use strict";

  function number(region, name, fallback) {
    var value = parseInt(region.getAttribute(name), 10);
    return isNaN(value) ? fallback : value;
  }

  function swap(region, fresh) {
    region.setAttribute("data-live-active", fresh.getAttribute("data-live-active") || "false");
    if (fresh.innerHTML === region.innerHTML) return;
    var focused = document.activeElement;
    var focusId = focused && focused.id && region.contains(focused) ? focused.id : null;
    region.innerHTML = fresh.innerHTML;
    if (focusId) {
      var again = document.getElementById(focusId);
      if (again) again.focus();
    }
  }

  function watch(region) {
    var failures = 0;

    function nextDelay() {
      var active = region.getAttribute("data-live-active") === "true";
      var delay = active
        ? number(region, "data-live-interval", 1000)
        : number(region, "data-live-idle", 0);
      if (delay <= 0) return 0;
      return failures ? Math.min(30000, delay * Math.pow(2, failures)) : delay;
    }

    function schedule() {
      var delay = nextDelay();
      if (delay > 0) window.setTimeout(poll, delay);
    }

    function poll() {
      if (document.hidden) {
        document.addEventListener("visibilitychange", poll, { once: true });
        return;
      }
      fetch(region.getAttribute("data-live-url"), {
        credentials: "same-origin",
        headers: { "X-Fragment": "1" },
      })
        .then(function (response) {
          if (!response.ok) throw new Error("HTTP " + response.status);
          return response.text();
        })
        .then(function (html) {
          var doc = new DOMParser().parseFromString(html, "text/html");
          var fresh = doc.getElementById(region.id);
          if (!fresh) throw new Error("fragment without #" + region.id);
          swap(region, fresh);
          failures = 0;
        })
        .catch(function () {
          failures += 1;
        })
        .then(schedule);
    }

    schedule();
  }

  function start() {
    document.querySelectorAll("[data-live-url][id]").forEach(watch);
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
