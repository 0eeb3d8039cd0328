/* mkdocs-personas: the catalogue filter, the task matcher and split-index links.
   Text from the catalogue is only ever set with textContent, never parsed as HTML. */
(function () {
  "use strict";

  var dataCache = {};

  /* Fetch a catalogue.json once per URL. */
  function loadData(url) {
    var absolute = new URL(url, location.href).href;
    if (!dataCache[absolute]) {
      dataCache[absolute] = fetch(absolute).then(function (response) {
        if (!response.ok) throw new Error("cannot load " + absolute);
        return response.json();
      });
    }
    return dataCache[absolute];
  }

  function fold(text) {
    return String(text || "").normalize("NFKC").toLowerCase();
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  }

  /* A card like the ones the plugin renders, built from data. */
  function card(persona, base, matched) {
    var article = element("article", "pc-card");
    article.setAttribute("data-name", persona.name);
    var heading = element("h3", "pc-card__title");
    var link = element("a", "", persona.title);
    link.href = new URL(persona.url, base).href;
    heading.appendChild(link);
    article.appendChild(heading);
    if (persona.description) article.appendChild(element("p", "pc-card__text", persona.description));
    var meta = element("p", "pc-card__meta");
    if (persona.complexity) {
      meta.appendChild(element("span", "pc-badge pc-badge--" + persona.complexity,
        persona.complexity + " complexity"));
    }
    if (persona.collection) meta.appendChild(element("span", "pc-collection", persona.collection));
    if (persona.model) meta.appendChild(element("span", "pc-model", "model: " + persona.model));
    article.appendChild(meta);
    var chips = matched && matched.length ? matched : persona.expertise.slice(0, 6);
    if (chips.length) {
      var list = element("ul", "pc-chips pc-chips--small");
      chips.forEach(function (label) {
        var item = element("li");
        item.appendChild(element("span", "md-tag pc-chip" + (matched ? " pc-chip--match" : ""), label));
        list.appendChild(item);
      });
      article.appendChild(list);
    }
    return article;
  }

  function siteBase(root) {
    return new URL(root.getAttribute("data-pc-base") || ".", location.href);
  }

  /* ---- Catalogue filter ------------------------------------------------------------ */

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

  /* ---- Task matcher ---------------------------------------------------------------- */

  var EDGE = /^["'([{<,;:!?]+|["')\]}>,;:!?.]+$/g;

  /* Words of a text with their positions, punctuation at their edges removed; a
     hyphenated word counts as its parts ("Kafka-based" holds "kafka"), and keywords are
     cut the same way ("event-driven" matches "event-driven" and "event driven"). */
  function tokens(text) {
    var found = [];
    var pattern = /\S+/g;
    var match;
    while ((match = pattern.exec(text))) {
      var raw = match[0];
      var lead = raw.length - raw.replace(/^["'([{<,;:!?]+/, "").length;
      var word = raw.replace(EDGE, "");
      var start = match.index + lead;
      var offset = 0;
      word.split("-").forEach(function (part) {
        if (part) {
          found.push({ word: fold(part), start: start + offset, end: start + offset + part.length });
        }
        offset += part.length + 1;
      });
    }
    return found;
  }

  function keywordIndex(data) {
    if (data.keywordIndex) return data.keywordIndex;
    var index = new Map();
    var longest = 1;
    data.personas.forEach(function (p, position) {
      p.keywords.forEach(function (label) {
        var words = tokens(label).map(function (t) { return t.word; });
        if (!words.length) return;
        var key = words.join(" ");
        longest = Math.max(longest, words.length);
        if (!index.has(key)) index.set(key, { label: label, personas: [], size: words.length });
        var entry = index.get(key);
        if (entry.personas.indexOf(position) < 0) entry.personas.push(position);
      });
    });
    data.keywordIndex = { map: index, longest: Math.min(longest, 8) };
    return data.keywordIndex;
  }

  /* Keywords found in a text as whole words (any case, multi-word too), longest first. */
  function findKeywords(text, index) {
    var words = tokens(text);
    var spans = [];
    var taken = new Array(words.length).fill(false);
    for (var size = index.longest; size >= 1; size--) {
      for (var i = 0; i + size <= words.length; i++) {
        var free = true;
        for (var j = i; j < i + size; j++) free = free && !taken[j];
        if (!free) continue;
        var key = words.slice(i, i + size).map(function (t) { return t.word; }).join(" ");
        var entry = index.map.get(key);
        if (!entry) continue;
        for (j = i; j < i + size; j++) taken[j] = true;
        spans.push({ start: words[i].start, end: words[i + size - 1].end, key: key, entry: entry });
      }
    }
    return spans.sort(function (a, b) { return a.start - b.start; });
  }

  function rank(spans, data) {
    var total = data.personas.length;
    var scores = new Map();
    var seen = new Set();
    spans.forEach(function (span) {
      if (seen.has(span.key)) return;
      seen.add(span.key);
      var weight = span.entry.size * Math.log(1 + total / span.entry.personas.length);
      span.entry.personas.forEach(function (position) {
        var score = scores.get(position) || { position: position, score: 0, matched: [] };
        score.score += weight;
        score.matched.push(span.entry.label);
        scores.set(position, score);
      });
    });
    return Array.from(scores.values()).sort(function (a, b) {
      return b.score - a.score || b.matched.length - a.matched.length ||
        (data.personas[a.position].title < data.personas[b.position].title ? -1 : 1);
    });
  }

  function highlight(target, text, spans) {
    target.textContent = "";
    var at = 0;
    spans.forEach(function (span) {
      target.appendChild(document.createTextNode(text.slice(at, span.start)));
      target.appendChild(element("mark", "pc-mark", text.slice(span.start, span.end)));
      at = span.end;
    });
    target.appendChild(document.createTextNode(text.slice(at)));
  }

  function initMatcher(form) {
    if (form.getAttribute("data-pc-ready")) return;
    form.setAttribute("data-pc-ready", "1");
    var task = form.elements.task;
    var output = document.querySelector("[data-pc-match]");
    var marked = output.querySelector("[data-pc-highlight]");
    var list = output.querySelector("[data-pc-ranked]");
    var status = output.querySelector("[data-pc-status]");
    var base = siteBase(form);
    form.hidden = false;
    task.value = new URLSearchParams(location.search).get("task") || "";

    loadData(form.getAttribute("data-pc-data")).then(function (data) {
      var index = keywordIndex(data);
      function update() {
        var text = task.value;
        var spans = findKeywords(text, index);
        var ranked = rank(spans, data).slice(0, 20);
        highlight(marked, text, spans);
        list.textContent = "";
        ranked.forEach(function (r) {
          var item = element("li");
          item.appendChild(card(data.personas[r.position], base, r.matched));
          list.appendChild(item);
        });
        output.hidden = !text.trim();
        status.textContent = text.trim()
          ? spans.length + " keyword" + (spans.length === 1 ? "" : "s") + " found, " +
            ranked.length + " persona" + (ranked.length === 1 ? "" : "s") + " activated"
          : "";
        var params = new URLSearchParams(location.search);
        if (text.trim() && text.length <= 2000) params.set("task", text); else params.delete("task");
        var query = params.toString();
        history.replaceState(history.state, "", location.pathname + (query ? "?" + query : ""));
      }
      task.addEventListener("input", update);
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      update();
      form.setAttribute("data-pc-loaded", "1");
    }).catch(function (error) {
      status.textContent = "The matcher could not load the catalogue data.";
      form.setAttribute("data-pc-error", String(error));
    });
  }

  /* ---- Split indexes --------------------------------------------------------------- */

  /* The A–Z group of a slug, as the plugin computes it (text.letter). */
  function letterOf(slug) {
    var first = slug.charAt(0).normalize("NFKD").charAt(0).toLowerCase();
    if (first >= "a" && first <= "z") return first;
    if (first >= "0" && first <= "9") return "0-9";
    return "other";
  }

  /* An index split by letter keeps old links working: /keywords/#slug moves to the
     letter page that now holds the entry (a letter cut into several pages is looked up
     in the index's parts.json). */
  function followSplitIndex() {
    var index = document.querySelector("[data-pc-letters]");
    if (!index || !location.hash) return;
    var slug = decodeURIComponent(location.hash.slice(1));
    if (document.getElementById(slug)) return;
    var link = index.querySelector('[data-pc-letter="' + letterOf(slug) + '"]');
    if (!link) return;
    var forwarding = index.getAttribute("data-pc-forwarding");
    if (!forwarding || !link.closest("[data-pc-split]")) {
      location.replace(link.href.split("#")[0] + location.hash);
      return;
    }
    loadData(forwarding).then(function (parts) {
      var target = parts[slug] ? new URL(parts[slug], siteRoot(index)).href : link.href;
      location.replace(target.split("#")[0] + location.hash);
    });
  }

  /* The site root, from the forwarding file's address (<root>/<folder>/letters/parts.json). */
  function siteRoot(index) {
    return new URL("../../", new URL(index.getAttribute("data-pc-forwarding"), location.href)).href;
  }

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

  function onPage() {
    followSplitIndex();
    document.querySelectorAll("[data-pc-pagefind]").forEach(initPagefind);
    document.querySelectorAll("[data-pc-copy]").forEach(initCopy);
    document.querySelectorAll("[data-pc-filter]").forEach(initFilter);
    document.querySelectorAll("[data-pc-matcher]").forEach(initMatcher);
  }

  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(onPage);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", onPage);
  } else {
    onPage();
  }
})();
