// Meetings: a print button for letters and summaries (the page prints without it too).
document.addEventListener("click", (event) => {
  if (event.target.closest("[data-print]")) window.print();
});
