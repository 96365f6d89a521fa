// Filters for the comparison page. The page is whole without this script: it only hides what
// the chosen role, profile and level leave out. The radio buttons work by click and by keyboard.
(function () {
  "use strict";
  var form = document.getElementById("filters");
  var status = document.getElementById("filter-status");
  if (!form) { return; }
  form.hidden = false;
  function chosen(name) {
    var input = form.querySelector("input[name='" + name + "']:checked");
    return input ? input.value : "";
  }
  function apply() {
    var role = chosen("role"), profile = chosen("profile"), level = chosen("level");
    document.querySelectorAll("section[data-role]").forEach(function (section) {
      section.hidden = role !== "" && section.getAttribute("data-role") !== role;
    });
    document.querySelectorAll("[data-profile]").forEach(function (cell) {
      cell.hidden = profile !== "" && cell.getAttribute("data-profile") !== profile;
    });
    document.querySelectorAll("tr[data-level]").forEach(function (row) {
      row.hidden = level !== "" && row.getAttribute("data-level") !== level;
    });
    var columns = document.querySelectorAll("section.role:not([hidden]) thead th[data-column]:not([hidden])").length;
    var rows = document.querySelectorAll("section.role:not([hidden]) tbody tr:not([hidden])").length;
    status.textContent = "Showing " + rows + " rule row(s) and " + columns + " implementation column(s).";
  }
  form.addEventListener("change", apply);
  form.addEventListener("submit", function (event) { event.preventDefault(); apply(); });
  apply();
}());
