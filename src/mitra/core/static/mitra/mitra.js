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
