/* mkdocs-personas: page actions, loaded last: the copy button of a persona or skill and
   the Pagefind search page. The filter (filter.js), the task matcher (match.js) and the
   split-index links (links.js) are separate scripts, all on the helpers of core.js. */
(function () {
  "use strict";

  var PC = window.mkdocsPersonas;
  if (!PC || PC.actions) return;
  PC.actions = true;

  /* ---- Copy the raw file ---------------------------------------------------------- */

  function initCopy(button) {
    if (button.getAttribute("data-pc-ready")) return;
    button.setAttribute("data-pc-ready", "1");
    button.hidden = false;
    var status = document.querySelector(".pc-copy-status");
    button.addEventListener("click", function () {
      fetch(new URL(button.getAttribute("data-pc-copy"), location.href).href)
        .then(function (response) {
          if (!response.ok) throw new Error(response.statusText);
          return response.text();
        })
        .then(function (text) { return navigator.clipboard.writeText(text); })
        .then(function () { status.textContent = "Copied the raw file to the clipboard."; })
        .catch(function () { status.textContent = "Could not copy: use the download link."; });
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
    document.querySelectorAll("[data-pc-copy]").forEach(initCopy);
  });
})();
