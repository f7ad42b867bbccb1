// Shows a form's busy indicator once it is submitted: <form data-busy="id-of-the-indicator">.
// The indicator is an element with the `hidden` attribute inside a live region, so screen
// readers announce it. No inline script: the pages run under a strict Content-Security-Policy.
"use strict";

document.addEventListener("DOMContentLoaded", () => {
  for (const form of document.querySelectorAll("form[data-busy]")) {
    form.addEventListener("submit", () => {
      const busy = document.getElementById(form.dataset.busy);
      if (busy) {
        busy.hidden = false;
      }
      form.setAttribute("aria-busy", "true");
      for (const button of form.querySelectorAll("button[type=submit]")) {
        // Disable after the browser has collected the form data, so it is still sent.
        window.setTimeout(() => { button.disabled = true; }, 0);
      }
    });
  }
});
