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
