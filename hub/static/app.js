// Behaviour for the hub's pages. Loaded as a file: the Content-Security-Policy forbids inline script.
"use strict";

// A double click or an impatient second click must not send a form twice.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!(form instanceof HTMLFormElement) || !form.hasAttribute("data-submit-once")) {
    return;
  }
  if (form.getAttribute("data-sent") === "yes") {
    event.preventDefault();
    return;
  }
  form.setAttribute("data-sent", "yes");
  form.querySelectorAll("button[type=submit]").forEach(function (button) {
    button.disabled = true;
    button.setAttribute("aria-busy", "true");
  });
});

// Coming back with the browser's Back button shows the page as it was left: make it usable again.
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-sent]").forEach(function (form) {
    form.removeAttribute("data-sent");
    form.querySelectorAll("button[type=submit]").forEach(function (button) {
      button.disabled = false;
      button.removeAttribute("aria-busy");
    });
  });
});

document.addEventListener("click", function (event) {
  var target = event.target instanceof Element ? event.target.closest("[data-print]") : null;
  if (target) {
    window.print();
  }
});

// Triage as the person types: after a pause, ask the hub which category, kind and structure
// the text suggests, show it next to the category list, and offer to select that category.
// The API limits anonymous callers; on 429 (or any failure) the hint simply stops.
(function () {
  var MIN_CHARS = 12;
  var PAUSE_MS = 400;
  var MAX_CHARS = 5000;

  function labelFor(list, attribute, code) {
    var items = list.querySelectorAll("[" + attribute + "]");
    for (var i = 0; i < items.length; i += 1) {
      if (items[i].getAttribute(attribute) === code) {
        return items[i].textContent.trim();
      }
    }
    return code;
  }

  function optionLabel(select, code) {
    for (var i = 0; i < select.options.length; i += 1) {
      if (select.options[i].value === code) {
        return select.options[i].textContent.trim();
      }
    }
    return null;
  }

  function watch(hint) {
    var text = document.getElementById(hint.getAttribute("data-text"));
    var select = document.getElementById(hint.getAttribute("data-select"));
    var line = hint.querySelector("[data-triage-line]");
    var use = hint.querySelector("[data-triage-use]");
    if (!text || !select || !line || !use || !window.fetch) {
      return;
    }
    var timer = null;
    var stopped = false;
    var asked = "";
    var latest = 0;
    var suggested = null;

    function hide() {
      line.hidden = true;
      suggested = null;
    }

    function show(result) {
      var category = optionLabel(select, result.category);
      hint.querySelector("[data-triage-category]").textContent = category || result.category;
      hint.querySelector("[data-triage-kind]").textContent = labelFor(hint, "data-kind", result.kind);
      hint.querySelector("[data-triage-structure]").textContent =
        labelFor(hint, "data-structure", result.structure);
      suggested = category === null ? null : result.category;
      use.hidden = suggested === null;
      line.hidden = false;
    }

    function ask() {
      var value = text.value.trim().slice(0, MAX_CHARS);
      if (value.length < MIN_CHARS) {
        asked = "";
        hide();
        return;
      }
      if (stopped || value === asked) {
        return;
      }
      asked = value;
      latest += 1;
      var mine = latest;
      fetch("/api/v1/triage", {
        method: "POST",
        credentials: "same-origin",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify({ text: value })
      })
        .then(function (response) {
          if (response.status === 429) {
            stopped = true;
          }
          return response.ok ? response.json() : null;
        })
        .then(function (result) {
          if (result && mine === latest) {
            show(result);
          }
        })
        .catch(function () {
          // No suggestion: the person chooses the category themselves.
        });
    }

    text.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, PAUSE_MS);
    });
    use.addEventListener("click", function () {
      if (suggested !== null) {
        select.value = suggested;
        select.dispatchEvent(new Event("change", { bubbles: true }));
        select.focus();
      }
    });
    ask(); // a refused form comes back with its text: suggest at once
  }

  document.querySelectorAll("[data-triage]").forEach(watch);
})();
