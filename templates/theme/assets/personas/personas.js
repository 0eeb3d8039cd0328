/* mkdocs-personas: page actions, loaded last: the copy button of a persona or skill and
   the Pagefind search page. The filter (filter.js), the task matcher (match.js) and the
   split-index links (links.js) are separate scripts, all on the helpers of core.js. */
(function () {
  "use strict";

  var PC = window.mkdocsPersonas;
  if (!PC || PC.actions) return;
  PC.actions = true;

  /* ---- Copy the raw file (a persona's page, and every card) ------------------------ */

  /* One listener for every copy button, those of cards drawn later included. */
  document.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("[data-pc-copy]") : null;
    if (!button) return;
    var strings = PC.strings(button);
    var status = document.querySelector(".pc-copy-status");
    function say(key) { if (status) status.textContent = PC.t(strings, key); }
    fetch(new URL(button.getAttribute("data-pc-copy"), location.href).href)
      .then(function (response) {
        if (!response.ok) throw new Error(response.statusText);
        return response.text();
      })
      .then(function (text) { return navigator.clipboard.writeText(text); })
      .then(function () { say("copy.done"); })
      .catch(function () { say("copy.failed"); });
  });

  /* ---- In-page filter of an A–Z index ------------------------------------------- */

  function initIndexFilter(box) {
    if (box.getAttribute("data-pc-ready")) return;
    box.setAttribute("data-pc-ready", "1");
    box.hidden = false;
    var strings = PC.strings(box);
    var input = box.querySelector("input");
    var status = box.querySelector("[data-pc-status]");
    var terms = Array.prototype.slice.call(document.querySelectorAll(".pc-term"));
    var folded = terms.map(function (term) { return PC.fold(term.textContent); });
    var letters = document.querySelectorAll(".pc-letter");
    input.addEventListener("input", function () {
      var words = PC.fold(input.value).trim().split(/\s+/).filter(Boolean);
      var count = 0;
      terms.forEach(function (term, i) {
        var show = words.every(function (w) { return folded[i].indexOf(w) >= 0; });
        term.hidden = !show;
        if (show) count++;
      });
      letters.forEach(function (section) {
        section.hidden = !section.querySelector(".pc-term:not([hidden])");
      });
      status.textContent = words.length ? PC.t(strings, "index.count", { count: count, total: terms.length }) : "";
    });
  }

  /* ---- Pagefind search page ------------------------------------------------------- */

  var pagefindLoading = null;

  function loadPagefind(base) {
    if (!pagefindLoading) {
      pagefindLoading = new Promise(function (resolve, reject) {
        var style = document.createElement("link");
        style.rel = "stylesheet";
        style.href = base + "pagefind-ui.css";
        document.head.appendChild(style);
        var script = document.createElement("script");
        script.src = base + "pagefind-ui.js";
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      });
    }
    return pagefindLoading;
  }

  function initPagefind(root) {
    if (root.getAttribute("data-pc-ready")) return;
    root.setAttribute("data-pc-ready", "1");
    var base = new URL(root.getAttribute("data-pc-pagefind"), location.href).href;
    loadPagefind(base).then(function () {
      new window.PagefindUI({ element: root, showSubResults: true, resetStyles: false,
        bundlePath: base });
      var query = new URLSearchParams(location.search).get("query");
      var input = root.querySelector("input");
      if (query && input) {
        input.value = query;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
      root.setAttribute("data-pc-loaded", "1");
    });
  }

  PC.onPage(function () {
    document.querySelectorAll("[data-pc-pagefind]").forEach(initPagefind);
    document.querySelectorAll("[data-pc-copy]").forEach(function (button) { button.hidden = false; });
    document.querySelectorAll("[data-pc-index-filter]").forEach(initIndexFilter);
  });
})();
