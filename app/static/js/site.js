// Small enhancements; every page works without them.
(function () {
  "use strict";

  // Entry form: the SDGs the WSIS-SDG matrix links to the chosen action lines.
  function suggestSdgs(form) {
    var box = document.getElementById("sdg-suggestions");
    if (!box) { return; }
    var lines = form.querySelectorAll('input[name="action_lines"]');
    function update() {
      var goals = {};
      lines.forEach(function (line) {
        if (line.checked && line.dataset.sdgs) {
          line.dataset.sdgs.split(" ").forEach(function (n) { goals[n] = true; });
        }
      });
      var numbers = Object.keys(goals).map(Number).sort(function (a, b) { return a - b; });
      form.querySelectorAll('input[name="sdgs"]').forEach(function (sdg) {
        sdg.parentElement.classList.toggle("suggested", goals[sdg.value] === true);
      });
      box.textContent = "";
      if (!numbers.length) { return; }
      var text = document.createElement("p");
      text.textContent = box.dataset.template.replace("{goals}", numbers.join(", "));
      var add = document.createElement("button");
      add.type = "button";
      add.className = "secondary";
      add.textContent = box.dataset.addLabel;
      add.addEventListener("click", function () {
        numbers.forEach(function (n) {
          var sdg = form.querySelector('input[name="sdgs"][value="' + n + '"]');
          if (sdg) { sdg.checked = true; }
        });
      });
      text.appendChild(document.createTextNode(" "));
      text.appendChild(add);
      box.appendChild(text);
    }
    lines.forEach(function (line) { line.addEventListener("change", update); });
    update();
  }

  // Entry form: show one language's text fields at a time (all by default).
  function languageTabs(form) {
    var labels = form.dataset.langTabs && JSON.parse(form.dataset.langTabs);
    if (!labels) { return; }
    var bar = document.createElement("div");
    bar.className = "lang-tabs";
    bar.setAttribute("role", "group");
    bar.setAttribute("aria-label", labels.label);
    ["all", "ar", "en", "fr"].forEach(function (code) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "secondary";
      button.textContent = labels[code];
      if (code !== "all") { button.lang = code; }
      button.setAttribute("aria-pressed", code === "all" ? "true" : "false");
      button.addEventListener("click", function () {
        bar.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
        button.setAttribute("aria-pressed", "true");
        form.querySelectorAll(".field[data-lang]").forEach(function (field) {
          if (code === "all" || field.dataset.lang === code) {
            field.removeAttribute("data-hidden-lang");
          } else {
            field.setAttribute("data-hidden-lang", "");
          }
        });
      });
      bar.appendChild(button);
    });
    form.insertBefore(bar, form.firstChild);
  }

  document.querySelectorAll("form.entry-form").forEach(function (form) {
    suggestSdgs(form);
    languageTabs(form);
  });

  // Catalog: a box to find a value in a long facet group; while it holds
  // text, the group's hidden values ("show more") are searched too.
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f\u064b-\u065f\u0670]/g, "")
      .replace(/[\u0622\u0623\u0625\u0671]/g, "\u0627").replace(/\u0649/g, "\u064a")
      .replace(/\u0629/g, "\u0647").toLowerCase();
  }
  function facetFilter(group) {
    var box = document.createElement("input");
    box.type = "search";
    box.className = "facet-filter";
    box.setAttribute("aria-label", group.dataset.filterLabel);
    box.placeholder = group.dataset.filterLabel;
    var none = document.createElement("p");
    none.className = "facet-none";
    none.textContent = group.dataset.noneLabel;
    none.hidden = true;
    var more = group.querySelector("details.more");
    var wasOpen = more && more.open;
    box.addEventListener("input", function () {
      var wanted = fold(box.value.trim());
      var shown = 0;
      group.querySelectorAll("label").forEach(function (label) {
        var match = !wanted || fold(label.textContent).indexOf(wanted) !== -1;
        label.hidden = !match;
        if (match) { shown += 1; }
      });
      if (more) { more.open = wanted ? true : wasOpen; }
      none.hidden = shown !== 0;
    });
    if (more) { more.addEventListener("toggle", function () { if (!box.value) { wasOpen = more.open; } }); }
    var legend = group.querySelector("legend");
    group.insertBefore(none, legend.nextSibling);
    group.insertBefore(box, none);
  }
  document.querySelectorAll("fieldset[data-filter-label]").forEach(facetFilter);

  // On a narrow screen the site's menu and the catalog's filters fold behind
  // their button ("Menu", "Filters (n)"), so the first result is on the first
  // screen; wide, they show (their button is hidden there).
  if (window.matchMedia) {
    var narrow = window.matchMedia("(max-width: 48rem)");
    document.querySelectorAll("details[data-fold-narrow]").forEach(function (panel) {
      var fit = function () { panel.open = !narrow.matches; };
      fit();
      if (narrow.addEventListener) { narrow.addEventListener("change", fit); }
    });
  }

  // Move focus to the error summary so screen readers and keyboards start there.
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }
})();
