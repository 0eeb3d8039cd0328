/* mkdocs-personas: the catalogue filter (cards narrowed as you type, facets, sorts, URL
   state). Needs core.js. Text from the catalogue is only ever set with textContent. */
(function () {
  "use strict";

  var PC = window.mkdocsPersonas;
  if (!PC || PC.filter) return;
  var fold = PC.fold;
  var element = PC.element;
  var t = PC.t;

  var FACETS = ["expertise", "kind", "complexity", "collection", "model", "sort", "risk"];
  var POWERFUL = ["agents", "auto-mode", "bypass-permissions", "hooks", "mcp", "network", "reads-differently", "shell"];
  var PAGE = 60;

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }
  /* Cards a keystroke draws before the page paints until a drawing has been measured:
     then a screenful (see fits). */
  var FIRST = 12;

  /* Run fn when the page is idle, within 200 ms. */
  function later(fn) {
    if (window.requestIdleCallback) window.requestIdleCallback(fn, { timeout: 200 });
    else setTimeout(fn, 50);
  }

  /* Run fn when the page is idle after its next painting: an idle callback asked for in
     an event handler can run before the page paints (the main thread waits for the next
     frame), which would put the deferred work back before the results are seen. */
  function afterPaint(fn) {
    requestAnimationFrame(function () { setTimeout(function () { later(fn); }, 0); });
  }

  /* How many cards of `grid` fill the screen from its top, or from `from` (rows as high
     as the lowest card of the first row): read when the page has painted (layout is
     clean then, so reading costs nothing). */
  function fits(grid, from) {
    var cards = grid.children;
    if (!cards.length) return FIRST;
    var first = cards[0].getBoundingClientRect();
    var columns = 1;
    var lowest = first.height;
    while (columns < cards.length) {
      var box = cards[columns].getBoundingClientRect();
      if (box.top !== first.top) break;
      lowest = Math.min(lowest, box.height);
      columns++;
    }
    var top = from === undefined ? first.top : from;
    var rows = Math.ceil(Math.max(0, window.innerHeight - Math.max(top, 0)) / Math.max(lowest, 40));
    return Math.min(PAGE, columns * Math.max(rows, 1));
  }

  /* Cards placed after the screenful wait to be drawn until the page is idle. */
  var LATER = "pc-card--later";
  function drawLater(grid) {
    var waiting = Array.prototype.slice.call(grid.getElementsByClassName(LATER));
    for (var i = 0; i < waiting.length; i++) waiting[i].classList.remove(LATER);
  }

  /* A kept card whose marks changed takes the keywords of its new drawing `fresh` (the
     rest of a card does not depend on the query); `fresh` itself when either has none. */
  function rechip(kept, fresh) {
    var old = kept.querySelector(".pc-chips");
    var chips = fresh.querySelector(".pc-chips");
    if (!old || !chips) return fresh;
    kept.replaceChild(chips, old);
    return kept;
  }

  /* What a result's card shows that depends on the query: which of its keywords hold a
     word (the card marks those and shows them first). Equal marks, equal card. */
  function marks(item, words) {
    var marked = "";
    if (!words.length) return marked;
    for (var k = 0; k < item.keywords.length; k++) {
      for (var w = 0; w < words.length; w++) {
        if (item.keywords[k].indexOf(words[w]) >= 0) {
          marked += k + ",";
          break;
        }
      }
    }
    return marked;
  }

  /* Personas (catalogue.json) and skills (cards.json), each with its folded text, its
     card facts and whether the risk facet hides it. */
  function prepare(data, cards, only) {
    var facts = cards.facts || {};
    var entries = data.personas.map(function (p, i) { return [p, "persona", i]; })
      .concat((cards.skills || []).map(function (s) { return [s, "skill", -1]; }));
    var prepared = entries.filter(function (pair) { return !only || pair[1] === only; }).map(function (pair) {
      var e = pair[0];
      var keywords = (e.keywords || []).concat(e.keywords_derived || []);
      return {
        entry: e,
        kind: pair[1],
        position: pair[2],
        text: fold([e.name, e.title, e.description, e.collection, e.model]
          .concat(e.expertise || [], keywords).join("\n")),
        keywords: keywords.map(fold),
        expertise: (e.expertise || []).map(fold),
        facts: facts[pair[1] + "/" + e.name] || null,
        risky: (e.risk || []).some(function (id) { return POWERFUL.indexOf(id) >= 0; })
      };
    });
    /* Each entry's place in title order, once: sorting results then compares numbers. */
    prepared.map(function (item, i) { return [item.entry.title, i]; }).sort(function (a, b) {
      return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : a[1] - b[1];
    }).forEach(function (pair, place) { prepared[pair[1]].place = place; });
    prepared.byPlace = [];
    prepared.forEach(function (item) { prepared.byPlace[item.place] = item; });
    return prepared;
  }

  /* The entries declaring each label (a keyword or an expertise, folded), by position
     in `prepared`: built once (when the page is idle after loading, or at the first
     query), so a keystroke looks its query up instead of reading every entry's keywords. */
  function declaring(prepared) {
    if (prepared.declaring) return prepared.declaring;
    var labels = new Map();
    prepared.forEach(function (item, i) {
      item.keywords.concat(item.expertise).forEach(function (label) {
        var list = labels.get(label);
        if (!list) labels.set(label, list = []);
        if (list[list.length - 1] !== i) list.push(i);
      });
    });
    return (prepared.declaring = labels);
  }

  function value(form, name) {
    var field = form.elements[name];
    if (!field) return "";
    if (field.type === "checkbox") return field.checked ? field.value : "";
    return field.value.trim();
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
      var field = form.elements[name];
      if (!field) return;
      if (field.type === "checkbox") field.checked = params.get(name) === field.value;
      else field.value = params.get(name) || "";
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
      var given = value(form, name);
      if (given) params.set(name, given); else params.delete(name);
    });
    var query = params.toString();
    history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
  }

  /* Typing writes the URL once it pauses (PAUSE ms, then when the page is idle), not
     before each drawing: in Chromium a new URL is a same-document navigation that also
     fetches the favicon again, a few ms a keystroke. A facet, a clear, Enter or a click
     writes it at once (any pending write first); a write is dropped once the page has
     changed. */
  var PAUSE = 300;
  var pending = null;
  var pause = 0;
  function writeSoon(form) {
    clearTimeout(pause);
    pause = setTimeout(function () { later(flushState); }, PAUSE);
    pending = { form: form, path: location.pathname };
  }
  function flushState() {
    var due = pending;
    pending = null;
    if (due && due.form.isConnected && location.pathname === due.path) writeState(due.form);
  }
  document.addEventListener("click", flushState, true);
  window.addEventListener("pagehide", flushState);
  window.addEventListener("popstate", function () { pending = null; });

  function byTitle(a, b) {
    return a.item.place - b.item.place;
  }

  /* Sorts other than relevance (the default) and title (name), which sort numbers. */
  var SORTS = {
    recent: function (a, b) {
      return ((b.item.facts || {}).updated || 0) - ((a.item.facts || {}).updated || 0) || byTitle(a, b);
    },
    connected: function (a, b) {
      return ((b.item.facts || {}).links || 0) - ((a.item.facts || {}).links || 0) || byTitle(a, b);
    }
  };

  /* Entries matching the form: every word of the query somewhere in the entry, an
     expertise label holding any of the parts given (comma-separated), every other facet
     equal; sorted as asked (by default, an entry declaring the query comes first). */
  function filter(prepared, form, inText) {
    var query = fold(value(form, "filter"));
    var words = query ? query.split(/\s+/) : [];
    var found = words.map(function (w) { return inText ? inText(w) : null; });
    var hits = textHits(prepared, words);
    var facets = {};
    FACETS.forEach(function (name) {
      var given = value(form, name);
      if (given) facets[name] = fold(given);
    });
    var parts = (facets.expertise || "").split(",").map(function (p) { return p.trim(); })
      .filter(Boolean);
    var declared = new Uint8Array(prepared.length);
    if (query) {
      (declaring(prepared).get(query) || []).forEach(function (i) { declared[i] = 1; });
    }
    /* Sorted by relevance (rank, then title) or by title: each result as one number
       (rank and place in title order) and the numbers sorted. */
    var sort = facets.sort && own(SORTS, facets.sort) ? SORTS[facets.sort] : null;
    var byName = facets.sort === "name";
    var n = prepared.length;
    var keys = sort ? null : new Uint32Array(n);
    var count = 0;
    var results = [];
    for (var i = 0; i < prepared.length; i++) {
      var item = prepared[i];
      var e = item.entry;
      if (facets.kind && item.kind !== facets.kind) continue;
      if (facets.complexity && fold(e.complexity) !== facets.complexity) continue;
      if (facets.collection && fold(e.collection) !== facets.collection) continue;
      if (facets.model && fold(e.model) !== facets.model) continue;
      if (facets.risk && item.risky) continue;
      if (parts.length && !parts.some(function (part) {
        return item.expertise.some(function (label) { return label.indexOf(part) >= 0; });
      })) continue;
      var ok = true;
      var inBody = false;
      for (var w = 0; w < words.length && ok; w++) {
        ok = hits[w][i] === 1;
        if (!ok && found[w] && item.position >= 0 && found[w][item.position]) ok = inBody = true;
      }
      if (!ok) continue;
      var rank = declared[i] ? 0 : inBody ? 2 : 1;
      if (sort) results.push({ item: item, rank: rank });
      else keys[count++] = byName ? item.place * 3 + rank : rank * n + item.place;
    }
    if (sort) {
      results.sort(sort);
    } else {
      keys = keys.subarray(0, count).sort();
      results = new Array(count);
      for (var k = 0; k < count; k++) {
        var place = byName ? Math.floor(keys[k] / 3) : keys[k] % n;
        results[k] = { item: prepared.byPlace[place], rank: byName ? keys[k] % 3 : (keys[k] - place) / n };
      }
    }
    return { results: results, words: words, active: words.length > 0 || Object.keys(facets).length > 0 };
  }

  var remembered = new WeakMap();
  var REMEMBER = 16;

  /* For each word, which entries of `prepared` have it as text (1), as a byte array.
     Typing lengthens a word: an entry without a word found inside the new one cannot
     have the new one, so only the entries that had it are read again. The words of the
     last queries are remembered (REMEMBER at most). */
  function textHits(prepared, words) {
    var known = remembered.get(prepared);
    if (!known) remembered.set(prepared, known = new Map());
    return words.map(function (word) {
      var hits = known.get(word);
      if (hits) {
        known.delete(word);
      } else {
        var prior = null;
        var longest = 0;
        known.forEach(function (earlier, shorter) {
          if (shorter.length > longest && word.indexOf(shorter) >= 0) {
            prior = earlier;
            longest = shorter.length;
          }
        });
        hits = new Uint8Array(prepared.length);
        for (var i = 0; i < prepared.length; i++) {
          if ((!prior || prior[i]) && prepared[i].text.indexOf(word) >= 0) hits[i] = 1;
        }
      }
      known.set(word, hits);
      if (known.size > REMEMBER) known.delete(known.keys().next().value);
      return hits;
    });
  }

  /* The personas whose whole file has a word, from the matcher's index (match.json):
     by position (persona i of catalogue.json is entry i of the index), 1 for the entries
     with a posting for one of the word's terms; null when none has. */
  function textFinder(index) {
    var known = new Map();
    return function (word) {
      if (known.has(word)) return known.get(word);
      var has = null;
      if (PC.terms) {
        PC.terms(index, word).forEach(function (pair) {
          if (!Object.prototype.hasOwnProperty.call(index.terms, pair[0])) return;
          var flat = index.terms[pair[0]];
          if (!has) has = new Uint8Array(index.names.length);
          var position = 0;
          for (var i = 0; i < flat.length; i += 3) {
            position += flat[i];
            has[position] = 1;
          }
        });
      }
      if (known.size > 50) known.clear();
      known.set(word, has);
      return has;
    };
  }

  /* Which entries the status counts: the fixed or chosen kind, else what the data holds. */
  function countKind(form, prepared) {
    var chosen = form.getAttribute("data-pc-kind") || value(form, "kind");
    if (chosen) return chosen;
    if (!prepared.held) {
      var kinds = {};
      prepared.forEach(function (item) { kinds[item.kind] = true; });
      prepared.held = kinds.persona && kinds.skill ? "both" : kinds.skill ? "skill" : "persona";
    }
    return prepared.held;
  }

  /* Nothing matches: say so, offer to clear the filters, search the site or ask the matcher. */
  function emptyState(form, strings, clear) {
    var box = element("div", "pc-empty");
    box.appendChild(element("p", "pc-empty__text", t(strings, "filter.empty")));
    var actions = element("p", "pc-empty__actions");
    var reset = element("button", "md-button md-button--primary", t(strings, "filter.clear"));
    reset.type = "button";
    reset.addEventListener("click", clear);
    actions.appendChild(reset);
    var query = value(form, "filter");
    var search = form.getAttribute("data-pc-search");
    if (search) {
      var toSearch = element("a", "md-button", t(strings, "filter.search"));
      toSearch.href = new URL(search + encodeURIComponent(query), location.href).href;
      actions.appendChild(toSearch);
    }
    var matcher = form.getAttribute("data-pc-matcher-page");
    if (matcher) {
      var toMatcher = element("a", "md-button", t(strings, "filter.matcher"));
      toMatcher.href = new URL(matcher, location.href).href + (query ? "?task=" + encodeURIComponent(query) : "");
      actions.appendChild(toMatcher);
    }
    box.appendChild(actions);
    return box;
  }

  /* On phones the facets fold behind a "Filters" button; open when a facet is set. */
  function initToggle(form) {
    var toggle = form.querySelector("[data-pc-toggle]");
    if (!toggle) return;
    form.classList.add("pc-filter--collapsible");
    function set(open) {
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
      form.classList.toggle("pc-filter--open", open);
    }
    set(FACETS.some(function (name) { return name !== "sort" && value(form, name); }));
    toggle.addEventListener("click", function () {
      set(toggle.getAttribute("aria-expanded") !== "true");
    });
  }

  function initFilter(form) {
    if (form.getAttribute("data-pc-ready")) return;
    form.setAttribute("data-pc-ready", "1");
    var strings = PC.strings(form);
    var results = document.querySelector("[data-pc-results]");
    var statics = document.querySelectorAll("[data-pc-static]");
    var status = form.querySelector("[data-pc-status]");
    var base = PC.siteBase(form);
    var shown = PAGE;
    form.hidden = false;
    if (readState(form)) {
      setTimeout(function () {
        closeSiteSearch();
        writeState(form);
      }, 0);
    }
    initToggle(form);
    var cards = form.getAttribute("data-pc-cards");
    Promise.all([
      PC.loadData(form.getAttribute("data-pc-data")),
      cards ? PC.loadData(cards).catch(function () { return {}; }) : Promise.resolve({})
    ]).then(function (loaded) {
      var prepared = prepare(loaded[0], loaded[1], form.getAttribute("data-pc-kind"));
      later(function () { declaring(prepared); });
      function clear() {
        form.reset();
        writeState(form);
        update(false);
        form.elements.filter.focus();
      }
      var drawn = null;
      var drawing = 0;
      var grid = element("div", "pc-cards");
      var cards = new Map();
      var fit = FIRST;
      /* Until results have been drawn, a screenful is measured from the catalogue's own
         cards (the same grid), counted from the top of the list the results replace. */
      var measured = false;
      later(function () {
        var listed = statics.length ? statics[0].querySelector(".pc-cards") : null;
        if (measured || !listed || !listed.children.length || statics[0].hidden) return;
        fit = fits(listed, statics[0].getBoundingClientRect().top);
        measured = true;
      });
      var empty = null;
      var more = null;
      var say = function (text) {
        if (status.textContent !== text) status.textContent = text;
      };
      var totals = {};
      var inText = null;
      var indexUrl = form.getAttribute("data-pc-index");
      /* The matcher's index (words of the whole files) is loaded when the field is first
         focused or a query first typed, whichever comes first; when it arrives, the query
         is drawn again with it. */
      function loadText() {
        if (inText || !indexUrl) return;
        var wanted = indexUrl;
        indexUrl = null;
        PC.loadData(wanted).then(function (index) {
          inText = textFinder(index);
          form.setAttribute("data-pc-text", "1");
          if (!value(form, "filter")) return;
          drawn = null;
          update(true);
        }).catch(function () { /* the filter still reads names, descriptions, keywords */ });
      }
      form.elements.filter.addEventListener("focus", loadText);
      /* keepPage: keep the number of results shown (else the first page); drawAll: place
         every card now ("more"), else a screenful now and the rest when idle. */
      function update(keepPage, drawAll) {
        /* A "change" after "input" (when a field loses focus) changes nothing: redrawing
           then would remove the button being clicked. */
        var state = ["filter"].concat(FACETS).map(function (name) { return value(form, name); }).join("\n");
        if (!keepPage && state === drawn) return;
        drawn = state;
        if (!keepPage) shown = PAGE;
        var started = performance.now();
        if (value(form, "filter")) loadText();
        var found = filter(prepared, form, inText);
        var kind = countKind(form, prepared);
        if (!own(totals, kind)) {
          totals[kind] = prepared.filter(function (item) { return kind === "both" || item.kind === kind; }).length;
        }
        var total = totals[kind];
        if (empty) results.removeChild(empty);
        if (more) results.removeChild(more);
        empty = more = null;
        statics.forEach(function (node) {
          if (node.hidden !== found.active) node.hidden = found.active;
        });
        if (results.hidden === found.active) results.hidden = !found.active;
        var listed = found.active ? found.results.slice(0, shown) : [];
        var token = ++drawing;
        /* The cards of the results in order, each entry's card kept from the last drawing
           when its marks are the same (cards in place are not laid out again). */
        var last = cards;
        cards = new Map();
        var marked = listed.map(function (result) { return marks(result.item, found.words); });
        var keptNode = function (r) {
          var kept = last.get(listed[r].item);
          return kept ? kept[0] : null;
        };
        /* A kept card drawn later (r at or after `now`) keeps its old keywords until the
           page is idle (stale: updated then, or by the next keystroke). */
        var stale = [];
        var place = function (r, now) {
          var item = listed[r].item;
          var kept = last.get(item);
          var node = kept && kept[1] === marked[r] ? kept[0] : null;
          if (!node && kept && r >= now) {
            stale.push(r);
            cards.set(item, kept);
            return kept[0];
          }
          if (!node) {
            node = PC.card(item.entry, base, { strings: strings, facts: item.facts, words: found.words });
            if (kept) node = rechip(kept[0], node);
          }
          cards.set(item, [node, marked[r]]);
          return node;
        };
        var refresh = function () {
          stale.forEach(function (r) {
            var item = listed[r].item;
            var old = cards.get(item)[0];
            var node = rechip(old, PC.card(item.entry, base, { strings: strings, facts: item.facts, words: found.words }));
            if (node !== old) grid.replaceChild(node, old);
            cards.set(item, [node, marked[r]]);
          });
        };
        var wanted = new Set();
        var r;
        for (r = 0; r < listed.length; r++) {
          if (keptNode(r)) wanted.add(keptNode(r));
        }
        for (var child = grid.firstChild; child;) {
          var after = child.nextSibling;
          if (!wanted.has(child)) grid.removeChild(child);
          child = after;
        }
        /* A keystroke places a screenful of cards (fit) before the page paints, and those
           already in place after them, marked to be drawn later (pc-card--later: the
           browser would otherwise draw every card within a few screens of the view
           before painting); the rest follow when the page is idle, unless another
           keystroke came. */
        var now = drawAll ? listed.length : Math.min(listed.length, fit);
        var next = grid.firstChild;
        for (r = 0; r < listed.length; r++) {
          if (r >= now && (!next || keptNode(r) !== next)) break;
          var node = place(r, now);
          node.classList.toggle(LATER, r >= now);
          if (node === next) next = next.nextSibling;
          else grid.insertBefore(node, next);
        }
        while (next) {
          var following = next.nextSibling;
          grid.removeChild(next);
          next = following;
        }
        var from = r;
        if (from < listed.length || (listed.length && !drawAll)) {
          /* After the paint: measure the grid, then place the rows not placed yet. */
          afterPaint(function () {
            if (token !== drawing) return;
            fit = fits(grid);
            measured = true;
            refresh();
            drawLater(grid);
            for (var k = from; k < listed.length; k++) grid.appendChild(place(k));
          });
        }
        if (!listed.length && grid.parentNode === results) results.removeChild(grid);
        if (found.active) {
          if (!found.results.length) {
            empty = emptyState(form, strings, clear);
            results.insertBefore(empty, results.firstChild);
          }
          if (found.results.length && grid.parentNode !== results) results.appendChild(grid);
          if (found.results.length > shown) {
            var rest = found.results.length - shown;
            more = element("button", "md-button",
              t(strings, "filter.more", { count: Math.min(PAGE, rest), rest: rest }));
            more.type = "button";
            more.addEventListener("click", function () { shown += PAGE; update(true, true); });
            results.appendChild(more);
          }
          say(t(strings, "filter.count_" + kind, { count: found.results.length, total: total }));
        } else {
          say(t(strings, "filter.all_" + kind, { total: total }));
        }
        form.setAttribute("data-pc-ms", String(performance.now() - started));
      }
      form.addEventListener("input", function () { writeSoon(form); update(false); });
      form.addEventListener("change", function () {
        pending = null;
        writeState(form);
        update(false);
      });
      form.addEventListener("submit", function (event) { event.preventDefault(); });
      update(false);
      form.setAttribute("data-pc-loaded", "1");
    }).catch(function (error) {
      status.textContent = t(strings, "filter.error");
      form.setAttribute("data-pc-error", String(error));
    });
  }

  PC.filter = filter;
  PC.onPage(function () {
    document.querySelectorAll("[data-pc-filter]").forEach(initFilter);
  });
})();
