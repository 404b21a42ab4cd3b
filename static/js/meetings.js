// Meetings: small enhancements; every page works without this file.
document.addEventListener("click", (event) => {
  // A print button for letters and summaries.
  if (event.target.closest("[data-print]")) window.print();
});

// In a next-step form, show only the owner field that matches "who does it".
const OWNER_FIELDS = { staff: "owner_staff", parent: "owner_parent", child: "owner_child", agency: "owner_agency" };

function syncOwners(root) {
  root.querySelectorAll("select[name='owner_kind']").forEach((select) => {
    const form = select.closest("form");
    Object.entries(OWNER_FIELDS).forEach(([kind, name]) => {
      const wrapper = form.querySelector(`#div_id_${name}`);
      if (wrapper) wrapper.hidden = Boolean(select.value) && select.value !== kind;
    });
  });
}

document.addEventListener("DOMContentLoaded", () => syncOwners(document));
document.addEventListener("change", (event) => {
  if (event.target.matches("select[name='owner_kind']")) syncOwners(event.target.closest("form"));
});
document.addEventListener("htmx:afterSwap", (event) => syncOwners(event.target));
