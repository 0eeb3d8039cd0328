/* mkdocs-personas: the catalogue filter (cards narrowed as you type, facets, URL state).
   Needs core.js. Text from the catalogue is only ever set with textContent. */
(function () {
  "use strict";

  var PC = window.mkdocsPersonas;
  if (!PC || PC.filter) return;
  var fold = PC.fold;
  var element = PC.element;
  var card = PC.card;
  var siteBase = PC.siteBase;
  var loadData = PC.loadData;

  var FACETS = ["expertise", "complexity", "collection", "model"];
  var PAGE = 60;

  function prepare(data) {
    if (data.prepared) return data.prepared;
    data.prepared = data.personas.map(function (p) {
      return {
        persona: p,
        text: fold([p.name, p.title, p.description, p.collection, p.model]
          .concat(p.expertise, p.keywords).join("\n")),
        keywords: p.keywords.map(fold),
        expertise: p.expertise.map(fold)
      };
    });
    return data.prepared;
  }

  /* The query lives in ?filter= (Material owns ?q=: it opens site search with it and
     removes it from the URL when search closes). A link written ?q=kafka still opens
     the catalogue filtered: Material's search is closed again and q becomes filter
     (a non-empty filter wins). Returns whether the URL held ?q=. */
  function readState(form) {
    var params = new URLSearchParams(location.search);
    var fromSearch = params.has("q");
    form.elements.filter.value = params.get("filter") || params.get("q") || "";
    FACETS.forEach(function (name) {
      if (form.elements[name]) form.elements[name].value = params.get(name) || "";
    });
    return fromSearch;
  }

  /* Close the site search that Material opened for ?q= (it then drops q from the URL). */
  function closeSiteSearch() {
    var toggle = document.getElementById("__search");
    var input = document.querySelector("[data-md-component=search-query]");
    if (input) {
      input.value = "";
      input.blur();
    }
    if (toggle && toggle.checked) {
      toggle.checked = false;
      toggle.dispatchEvent(new Event("change"));
    }
  }

  function writeState(form) {
    var params = new URLSearchParams(location.search);
    params.delete("q");
    ["filter"].concat(FACETS).forEach(function (name) {
      var field = form.elements[name];
      var value = field ? field.value.trim() : "";
      if (value) params.set(name, value); else params.delete(name);
    });
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  /* Personas matching the form: every word of the query somewhere in the persona, and
     every facet equal; a persona declaring the query as a keyword comes first. */
  function filter(prepared, form) {
    var query = fold(form.elements.filter.value).trim();
    var words = query ? query.split(/\s+/) : [];
    var facets = {};
    FACETS.forEach(function (name) {
      var field = form.elements[name];
      if (field && field.value.trim()) facets[name] = fold(field.value.trim());
    });
    var results = [];
    for (var i = 0; i < prepared.length; i++) {
      var item = prepared[i];
      var p = item.persona;
      if (facets.complexity && fold(p.complexity) !== facets.complexity) continue;
      if (facets.collection && fold(p.collection) !== facets.collection) continue;
      if (facets.model && fold(p.model) !== facets.model) continue;
      if (facets.expertise && item.expertise.indexOf(facets.expertise) < 0) continue;
      var ok = true;
      for (var w = 0; w < words.length && ok; w++) ok = item.text.indexOf(words[w]) >= 0;
      if (!ok) continue;
      var declared = query && (item.keywords.indexOf(query) >= 0 || item.expertise.indexOf(query) >= 0);
      results.push({ item: item, rank: declared ? 0 : 1 });
    }
    results.sort(function (a, b) {
      return a.rank - b.rank || (a.item.persona.title < b.item.persona.title ? -1 : 1);
    });
    return { results: results, active: words.length > 0 || Object.keys(facets).length > 0 };
  }

  function initFilter(form) {
    if (form.getAttribute("data-pc-ready")) return;
    form.setAttribute("data-pc-ready", "1");
    var results = document.querySelector("[data-pc-results]");
    var statics = document.querySelectorAll("[data-pc-static]");
    var status = form.querySelector("[data-pc-status]");
    var base = siteBase(form);
    var shown = PAGE;
    form.hidden = false;
    if (readState(form)) {
      setTimeout(function () {
        closeSiteSearch();
        writeState(form);
      }, 0);
    }

    loadData(form.getAttribute("data-pc-data")).then(function (data) {
      var prepared = prepare(data);
      function update(keepPage) {
        if (!keepPage) shown = PAGE;
        var started = performance.now();
        var found = filter(prepared, form);
        results.textContent = "";
        statics.forEach(function (node) { node.hidden = found.active; });
        results.hidden = !found.active;
        if (found.active) {
          var grid = element("div", "pc-cards");
          found.results.slice(0, shown).forEach(function (r) {
            grid.appendChild(card(r.item.persona, base));
          });
          results.appendChild(grid);
          if (found.results.length > shown) {
            var more = element("button", "md-button", "Show " +
              Math.min(PAGE, found.results.length - shown) + " more of " +
              (found.results.length - shown));
            more.type = "button";
            more.addEventListener("click", function () { shown += PAGE; update(true); });
            results.appendChild(more);
          }
          status.textContent = found.results.length + " of " + prepared.length +
            " personas match";
        } else {
          status.textContent = "All " + prepared.length + " personas";
        }
        form.setAttribute("data-pc-ms", String(performance.now() - started));
      }
      form.addEventListener("input", function () { writeState(form); update(false); });
      form.addEventListener("change", function () { writeState(form); update(false); });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      update(false);
      form.setAttribute("data-pc-loaded", "1");
    }).catch(function (error) {
      status.textContent = "The filter could not load the catalogue data.";
      form.setAttribute("data-pc-error", String(error));
    });
  }

  PC.filter = filter;
  PC.onPage(function () {
    document.querySelectorAll("[data-pc-filter]").forEach(initFilter);
  });
})();
