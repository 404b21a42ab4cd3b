// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the first invalid field after a rejected form, so keyboard and
  // screen-reader users land on the message.
  const invalid = document.querySelector("form .is-invalid");
  if (invalid) invalid.focus();
});

// Show and hide a collapsed block (the narrow-screen navigation) with its toggle button.
// This stands in for Bootstrap's script, of which the portal used only the collapse.
document.addEventListener("click", (event) => {
  const toggle = event.target.closest("[data-bs-toggle='collapse']");
  if (!toggle) return;
  const target = document.querySelector(toggle.dataset.bsTarget || toggle.getAttribute("href"));
  if (!target) return;
  event.preventDefault();
  const open = target.classList.toggle("show");
  toggle.setAttribute("aria-expanded", String(open));
  toggle.classList.toggle("collapsed", !open);
});

// The database is stopped or locked (a 503): htmx swaps nothing, so the form stays on the
// screen as typed. Say so above it, once, in the portal's words (docs/outages.md).
document.addEventListener("htmx:responseError", (event) => {
  const form = event.detail.elt; // a form sent with hx-post (not a hint checked while typing)
  if (event.detail.xhr.status !== 503 || form.tagName !== "FORM") return;
  if (form.previousElementSibling?.classList.contains("js-not-saved")) return;
  const note = document.createElement("div");
  note.className = "alert alert-warning js-not-saved";
  note.setAttribute("role", "alert");
  note.textContent =
    "We could not save this just now — nothing has been saved, and your text is still here; " +
    "please try again in a minute.";
  form.before(note);
});
