// Small glue for htmx: announce failed requests, and move focus to swapped-in content.
document.addEventListener("htmx:responseError", function () {
  var box = document.getElementById("htmx-error");
  if (!box) return;
  box.classList.remove("d-none");
  setTimeout(function () { box.classList.add("d-none"); }, 6000);
});
document.addEventListener("htmx:afterSwap", function (event) {
  var errors = document.getElementById("form-errors");
  if (errors) { errors.focus(); }
});

// Bar widths come as data-width (a percentage): set through the DOM, not an inline style
// attribute, so the Content-Security-Policy needs no 'unsafe-inline' for styles.
function mitraWidths(root) {
  (root || document).querySelectorAll("[data-width]").forEach(function (el) {
    var value = parseFloat(el.getAttribute("data-width"));
    if (!isNaN(value)) { el.style.width = Math.max(0, Math.min(100, value)) + "%"; }
  });
}
document.addEventListener("DOMContentLoaded", function () { mitraWidths(document); });
document.addEventListener("htmx:load", function (event) { mitraWidths(event.target); });

// A tab bar wider than the screen scrolls sideways (mitra.css): bring the active tab into view,
// so that on a phone the section you are in is not the one cut off at the edge.
function mitraActiveTabs(root) {
  (root || document).querySelectorAll(".nav-tabs, .tab-groups").forEach(function (bar) {
    var active = bar.querySelector(".nav-link.active");
    if (!active || bar.scrollWidth <= bar.clientWidth) return;
    var left = active.getBoundingClientRect().left - bar.getBoundingClientRect().left + bar.scrollLeft;
    var right = left + active.offsetWidth;
    if (right > bar.scrollLeft + bar.clientWidth || left < bar.scrollLeft) {
      bar.scrollLeft = Math.max(0, left - (bar.clientWidth - active.offsetWidth) / 2);
    }
  });
}
document.addEventListener("DOMContentLoaded", function () { mitraActiveTabs(document); });
document.addEventListener("htmx:load", function (event) { mitraActiveTabs(event.target); });
