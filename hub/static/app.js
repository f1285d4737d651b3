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
