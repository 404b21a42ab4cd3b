// Small progressive enhancements; every page works without this file.
document.addEventListener("DOMContentLoaded", () => {
  // Move focus to the first invalid field after a rejected form, so keyboard and
  // screen-reader users land on the message.
  const invalid = document.querySelector("form .is-invalid");
  if (invalid) invalid.focus();
});
