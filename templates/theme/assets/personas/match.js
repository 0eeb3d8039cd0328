/* mkdocs-personas: the task matcher. `rank(index, task, top)` follows docs/matching.md
   exactly, over the index the build writes (match.json): the same normalisation, stems,
   synonyms and integer points as the Python side (`personas match`), so both give the same
   order. Needs core.js. Text from the catalogue is only ever set with textContent. */
(function () {
  "use strict";

  var PC = window.mkdocsPersonas;
  if (!PC || PC.rank) return;
  var element = PC.element;

  /* ---- Ranking (docs/matching.md, sections 1 and 4) ------------------------------ */

  /* A task is read up to this many characters (code points), before and after NFKC: a
     pasted 60 KB text must not freeze the page. `personas match` cuts the same way. */
  var MAX_TASK = 4000;
  var MAX_PHRASE = 3;
  var SCALE = 1000;
  var RELATED = 2;
  /* Python's \s (str.isspace), for the phrase breaks: JavaScript's differs slightly. */
  var SPACE = "\\t\\n\\v\\f\\r \\x1c-\\x1f\\x85\\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029" +
    "\\u202f\\u205f\\u3000";
  var BREAK = new RegExp("[,;:!?()\\[\\]{}|\"\\n\\u2013\\u2014]|\\.(?=[" + SPACE + "]|$)", "g");
  var TOKEN = /[\p{L}\p{N}]+(?:[./_-][\p{L}\p{N}]+)*[+#]*/gu;
  var PART = /[./_-]/;
  var PARTS = /[./_-]/g;
  var LETTERS = /^\p{L}+$/u;
  var SURROGATE = /[\uD800-\uDFFF]/;
  var SUFFIXES = [
    ["ization", "ize"], ["isation", "ize"], ["izing", "ize"], ["ising", "ize"],
    ["ized", "ize"], ["ised", "ize"], ["ise", "ize"], ["ysing", "yze"], ["yzing", "yze"],
    ["ysed", "yze"], ["yzed", "yze"], ["yse", "yze"], ["ability", "able"],
    ["ibility", "ible"], ["ency", "ent"], ["ancy", "ant"], ["ation", "ate"], ["ing", ""],
    ["ed", ""]
  ];

  function own(object, key) {
    return Object.prototype.hasOwnProperty.call(object, key);
  }

  /* Compare two strings by code point, as Python does (JavaScript's < compares UTF-16
     units, which orders characters beyond U+FFFF differently). */
  function compare(a, b) {
    if (a === b) return 0;
    if (!SURROGATE.test(a) && !SURROGATE.test(b)) return a < b ? -1 : 1;
    var left = Array.from(a);
    var right = Array.from(b);
    for (var i = 0; i < left.length && i < right.length; i++) {
      if (left[i] !== right[i]) return left[i].codePointAt(0) - right[i].codePointAt(0);
    }
    return left.length - right.length;
  }

  /* The first `limit` code points of a text. */
  function cut(text, limit) {
    if (text.length <= limit) return text;
    var count = 0;
    var end = 0;
    for (var c of text) {
      if (count++ === limit) break;
      end += c.length;
    }
    return text.slice(0, end);
  }

  /* What of a task is read: MAX_TASK code points, NFKC-normalised, cut again. */
  function readTask(task) {
    return cut(cut(String(task || ""), MAX_TASK).normalize("NFKC"), MAX_TASK);
  }

  var stems = new Map();

  /* A word's form for matching (docs/matching.md, 1.4): plurals and common word forms. */
  function stem(word) {
    var known = stems.get(word);
    if (known !== undefined) return known;
    var result = word;
    if (LETTERS.test(word)) {
      var chars = SURROGATE.test(word) ? Array.from(word) : null;
      var size = chars ? chars.length : word.length;
      var endsWith = function (suffix) { return result.slice(-suffix.length) === suffix; };
      if (size > 4 && endsWith("ies")) {
        result = result.slice(0, -3) + "y";
        size -= 2;
      } else if (size > 3 && endsWith("s") && !endsWith("ss") &&
                 !(size > 4 && (endsWith("us") || endsWith("is")))) {
        result = result.slice(0, -1);
        size -= 1;
      }
      for (var i = 0; i < SUFFIXES.length; i++) {
        var suffix = SUFFIXES[i][0];
        var replacement = SUFFIXES[i][1];
        if (endsWith(suffix) && size - suffix.length >= 3) {
          result = result.slice(0, -suffix.length) + replacement;
          size += replacement.length - suffix.length;
          if (!replacement) {
            var tail = Array.from(result.slice(-4));
            var last = tail[tail.length - 1];
            if (last === tail[tail.length - 2] && "aeioulsz".indexOf(last) < 0) {
              result = result.slice(0, -last.length);
              size -= 1;
            }
          }
          break;
        }
      }
      if (size > 3 && endsWith("e")) result = result.slice(0, -1);
    }
    if (stems.size > 50000) stems.clear();
    stems.set(word, result);
    return result;
  }

  /* The words of an NFKC text by phrase (1.2, 1.3): {lower, stem, start, end}. */
  function words(text) {
    var breaks = [];
    var match;
    BREAK.lastIndex = 0;
    while ((match = BREAK.exec(text))) breaks.push(match.index);
    breaks.push(text.length);
    var phrases = [];
    var phrase = [];
    var following = 0;
    TOKEN.lastIndex = 0;
    while ((match = TOKEN.exec(text))) {
      var position = match.index;
      if (position > breaks[following]) {
        while (breaks[following] < position) following++;
        if (phrase.length) {
          phrases.push(phrase);
          phrase = [];
        }
      }
      var found = match[0];
      var parts = PART.test(found) ? found.split(PARTS) : [found];
      for (var i = 0; i < parts.length; i++) {
        var lower = parts[i].toLowerCase();
        phrase.push({ lower: lower, stem: stem(lower), start: position, end: position + parts[i].length });
        position += parts[i].length + 1;
      }
    }
    if (phrase.length) phrases.push(phrase);
    return phrases;
  }

  var analyzers = new WeakMap();

  /* The index's stop words, synonyms, word forms and code words, ready to look up. */
  function analyzer(index) {
    var known = analyzers.get(index);
    if (!known) {
      var synonyms = new Map();
      Object.keys(index.synonyms).forEach(function (k) { synonyms.set(k, index.synonyms[k]); });
      var forms = new Map();
      Object.keys(index.forms || {}).forEach(function (k) { forms.set(k, index.forms[k]); });
      known = {
        stopwords: new Set(index.stopwords),
        synonyms: synonyms,
        forms: forms,
        code: new Set(index.code || []),
        goAfter: new Set((index.go || {}).after || []),
        goBefore: new Set((index.go || {}).before || [])
      };
      analyzers.set(index, known);
    }
    return known;
  }

  /* Whether a text is about code: one of its words' stems (after word forms) is a code
     word. Then "go" is the language. */
  function aboutCode(a, found) {
    return found.some(function (phrase) {
      return phrase.some(function (w) { return a.code.has(a.forms.get(w.stem) || w.stem); });
    });
  }

  /* The terms of a task (1.5, 1.6) in order: {term, spelling, start, end}, and the NFKC
     text their positions refer to. */
  function spans(index, task) {
    var a = analyzer(index);
    var normal = String(task).normalize("NFKC");
    var result = [];
    var found = words(normal);
    var code = null;
    found.forEach(function (phrase) {
      var size = phrase.length;
      var stemsOf = [];
      var stops = [];
      for (var w = 0; w < size; w++) {
        var word = phrase[w];
        if (word.lower === "go") {
          if (code === null) code = aboutCode(a, found);
          var language = size === 1 || (w > 0 && normal.charAt(word.start) === "G") ||
            (code && (w + 1 === size || !a.goAfter.has(phrase[w + 1].lower)) &&
             (w + 1 < size || w === 0 || a.goBefore.has(phrase[w - 1].lower)));
          stemsOf.push(language ? "golang" : "go");
          stops.push(!language);
        } else {
          stemsOf.push(a.forms.get(word.stem) || word.stem);
          stops.push(a.stopwords.has(word.lower));
        }
      }
      for (var i = 0; i < size; i++) {
        if (stops[i]) continue;
        var first = phrase[i];
        var key = stemsOf[i];
        for (var n = 1; n <= Math.min(MAX_PHRASE, size - i); n++) {
          var j = i + n - 1;
          if (n > 1) key = key + " " + stemsOf[j];
          if (stops[j]) continue;
          var canonical = a.synonyms.get(key);
          result.push({
            term: canonical || key,
            spelling: normal.slice(first.start, phrase[j].end),
            start: first.start,
            end: phrase[j].end
          });
        }
      }
    });
    return { text: normal, spans: result };
  }

  /* (term, spelling) pairs of a task, as the shared vectors list them. */
  function terms(index, task) {
    return spans(index, task).spans.map(function (s) { return [s.term, s.spelling]; });
  }

  /* The index with each entry's keyword spellings: the site's match.json leaves them
     out, and they are those of catalogue.json (declared, then derived ones not declared). */
  function withLabels(index, personas) {
    if (index.keywords) return index;
    var labels = personas.map(function (p) {
      var declared = p.keywords || [];
      return declared.concat((p.keywords_derived || []).filter(function (k) {
        return declared.indexOf(k) < 0;
      }));
    });
    return Object.assign({}, index, { keywords: labels });
  }

  /* Whether entry p ranks before entry q: more points, then name, then kind. */
  function before(index, points, p, q) {
    return points[p] > points[q] || (points[p] === points[q] &&
      (compare(index.names[p], index.names[q]) ||
       compare(index.kinds[p], index.kinds[q])) < 0);
  }

  var FIELDS = ["name", "title", "description", "expertise", "headings", "body"];
  var scratches = new WeakMap();

  /* Each index's points by entry and the entries touched, allocated once: a keystroke
     adds up postings without building a map of thousands of entries. */
  function scratch(index) {
    var known = scratches.get(index);
    if (!known) {
      var size = index.names.length;
      known = { points: new Float64Array(size), touched: new Int32Array(size) };
      scratches.set(index, known);
    }
    return known;
  }

  /* The answer to a task (section 4): {results, total, terms}. results are the `top`
     entries, each {name, kind, score, points, position, matches: [{term, task, keyword,
     field, points}], copies: [names folded into it]}; total counts every entry with
     points, copies folded; terms counts the task's distinct terms found in the index.
     Postings hold each entry as the difference from the one before. */
  function search(index, task, top) {
    var read = spans(index, task);
    var spelled = new Map();
    read.spans.forEach(function (s) { if (!spelled.has(s.term)) spelled.set(s.term, s); });
    /* Related words (section 4): a word of the task also looks for the terms it is
       related to, at points divided by RELATED, unless the task says them itself. */
    var related = new Map();
    var table = index.related || {};
    spelled.forEach(function (s, term) {
      if (!own(table, term)) return;
      table[term].forEach(function (pair) {
        if (!spelled.has(pair[0]) && !related.has(pair[0])) related.set(pair[0], { written: pair[1], span: s });
      });
    });
    var postings = [];
    spelled.forEach(function (s, term) {
      if (own(index.terms, term)) postings.push([term, index.terms[term], 1]);
    });
    related.forEach(function (r, term) {
      if (own(index.terms, term)) postings.push([term, index.terms[term], RELATED]);
    });
    var work = scratch(index);
    var points = work.points;
    var touched = work.touched;
    var count = 0;
    for (var t = 0; t < postings.length; t++) {
      var flat = postings[t][1];
      var divisor = postings[t][2];
      var position = 0;
      for (var i = 0; i < flat.length; i += 3) {
        position += flat[i];
        var gained = divisor === 1 ? flat[i + 1] : Math.floor(flat[i + 1] / divisor);
        if (gained === 0) continue;
        if (points[position] === 0) touched[count++] = position;
        points[position] += gained;
      }
    }
    /* Copies (section 4): of each group, only the member that ranks first is ranked. */
    var groupOf = groups(index);
    var folded = 0;
    if (groupOf) {
      var best = new Map();
      for (var c = 0; c < count; c++) {
        var e = touched[c];
        if (!groupOf.has(e)) continue;
        var g = groupOf.get(e);
        folded++;
        if (!best.has(g) || before(index, points, e, best.get(g))) best.set(g, e);
      }
      folded -= best.size;  /* every member with points but the first of its group */
    }
    var order = [];
    for (var k = 0; k < count && top > 0; k++) {
      var p = touched[k];
      if (groupOf && groupOf.has(p) && best.get(groupOf.get(p)) !== p) continue;
      if (order.length === top && !before(index, points, p, order[top - 1])) continue;
      var low = 0;
      var high = order.length;
      while (low < high) {
        var middle = (low + high) >> 1;
        if (before(index, points, order[middle], p)) low = middle + 1; else high = middle;
      }
      order.splice(low, 0, p);
      if (order.length > top) order.pop();
    }
    var scored = order.map(function (q) { return points[q]; });
    for (var z = 0; z < count; z++) points[touched[z]] = 0;
    var matched = new Map();
    order.forEach(function (p) { matched.set(p, []); });
    postings.forEach(function (pair) {
      var divisor = pair[2];
      var link = divisor === 1 ? null : related.get(pair[0]);
      var s = link ? link.span : spelled.get(pair[0]);
      var flat = pair[1];
      var position = 0;
      for (var i = 0; i < flat.length; i += 3) {
        position += flat[i];
        var found = matched.get(position);
        if (!found) continue;
        var gained = divisor === 1 ? flat[i + 1] : Math.floor(flat[i + 1] / divisor);
        if (gained === 0) continue;
        var where = flat[i + 2];
        var match = {
          term: pair[0],
          task: s.spelling,
          keyword: where >= 0 ? index.keywords[position][where] : null,
          field: where >= 0 ? "keywords" : FIELDS[-1 - where],
          points: gained
        };
        if (link) match.related = link.written;
        found.push({ match: match, start: s.start, end: s.end });
      }
    });
    var results = order.map(function (p, at) {
      var copies = groupOf && groupOf.has(p) ? index.copies[groupOf.get(p)].filter(function (q) {
        return q !== p;
      }).map(function (q) { return index.names[q]; }) : [];
      return {
        name: index.names[p],
        kind: index.kinds[p],
        score: scored[at] / SCALE,
        points: scored[at],
        position: p,
        matches: reasons(matched.get(p)),
        spans: matched.get(p),
        copies: copies
      };
    });
    return { results: results, total: count - folded, terms: postings.length };
  }

  var groupMaps = new WeakMap();

  /* Each entry of a copy group of the index -> the group's number (null: no copies). */
  function groups(index) {
    if (!index.copies || !index.copies.length) return null;
    var known = groupMaps.get(index);
    if (!known) {
      known = new Map();
      index.copies.forEach(function (members, g) {
        members.forEach(function (p) { known.set(p, g); });
      });
      groupMaps.set(index, known);
    }
    return known;
  }

  /* The `top` results of `search`. */
  function rank(index, task, top) {
    return search(index, task, top).results;
  }

  /* Matches most points first (then by term), leaving out those whose words lie within
     another match's words ("CI" within "CI/CD"): their points still count. */
  function reasons(found) {
    return found.filter(function (m) {
      return !found.some(function (o) {
        return o.start <= m.start && m.end <= o.end && (o.start !== m.start || o.end !== m.end);
      });
    }).map(function (m) { return m.match; }).sort(function (a, b) {
      return b.points - a.points || compare(a.term, b.term);
    });
  }

  PC.MAX_TASK = MAX_TASK;
  PC.readTask = readTask;
  PC.terms = terms;
  PC.rank = rank;
  PC.search = search;

  /* ---- The /match/ page ------------------------------------------------------------ */

  var SHOWN = 20;
  var LONGEST_LABEL = 80;

  /* A count in words: the table's "<key>_one" or "<key>_many" string, chosen by the
     language's singular counts (PC.n: French writes 0 in the singular too). */
  function plural(strings, key, count) {
    return PC.t(strings, PC.n(strings, key, count), { count: count });
  }

  /* A label as shown: cut at LONGEST_LABEL characters (a hostile keyword stays short). */
  function shortLabel(text) {
    var shown = cut(text, LONGEST_LABEL);
    return shown === text ? text : shown + "…";
  }

  /* Spans of the task to mark: the terms the shown results matched, longest first, none
     overlapping; a term some result matched as a keyword is marked as a keyword. */
  function marks(ranked) {
    var byTerm = new Map();
    ranked.forEach(function (r) {
      var listed = new Set(r.matches.map(function (m) { return m.term; }));
      r.spans.forEach(function (s) {
        if (!listed.has(s.match.term)) return;
        var known = byTerm.get(s.match.term);
        var keyword = s.match.keyword !== null;
        if (!known) byTerm.set(s.match.term, { start: s.start, end: s.end, keyword: keyword });
        else known.keyword = known.keyword || keyword;
      });
    });
    var candidates = Array.from(byTerm.values()).sort(function (a, b) {
      return (b.end - b.start) - (a.end - a.start) || a.start - b.start;
    });
    var taken = [];
    candidates.forEach(function (c) {
      var free = taken.every(function (t) { return c.end <= t.start || t.end <= c.start; });
      if (free) taken.push(c);
    });
    return taken.sort(function (a, b) { return a.start - b.start; });
  }

  function highlight(target, text, spans) {
    target.textContent = "";
    var at = 0;
    spans.forEach(function (span) {
      target.appendChild(document.createTextNode(text.slice(at, span.start)));
      var mark = element("mark", "pc-mark" + (span.keyword ? "" : " pc-mark--text"),
        text.slice(span.start, span.end));
      target.appendChild(mark);
      at = span.end;
    });
    target.appendChild(document.createTextNode(text.slice(at)));
  }

  /* One reason: the task's words, what they matched (a declared or derived keyword, or
     the name, title or description), and the points they gave. */
  function reason(match, persona, strings) {
    var kind = match.keyword === null ? "text" :
      persona && persona.keywords.indexOf(match.keyword) >= 0 ? "declared" : "derived";
    var item = element("li", "pc-reason pc-reason--" + kind);
    item.appendChild(element("q", "pc-reason__task", shortLabel(match.task)));
    if (match.related) {
      item.appendChild(element("span", "pc-reason__related",
        PC.t(strings, "match.related", { word: shortLabel(match.related) })));
    }
    if (kind === "text") {
      var where = "match.in_" + (match.field || "text");
      var said = PC.t(strings, where);
      item.appendChild(document.createTextNode(said === where ? PC.t(strings, "match.in_text") : said));
    } else {
      item.appendChild(document.createTextNode(PC.t(strings, "match." + kind)));
      item.appendChild(element("span", "pc-reason__keyword", shortLabel(match.keyword)));
    }
    item.appendChild(element("span", "pc-reason__points", "+" + (match.points / SCALE).toFixed(3)));
    return item;
  }

  /* A result: the persona's card with its score and its reasons. */
  function result(r, persona, base, strings, byName) {
    var article = element("article", "pc-card pc-result");
    article.setAttribute("data-name", r.name);
    var heading = element("h3", "pc-card__title");
    var link = element("a", "", persona ? persona.title : r.name);
    link.href = new URL(persona ? persona.url : r.kind + "s/" + r.name + "/", base).href;
    heading.appendChild(link);
    article.appendChild(heading);
    var meta = element("p", "pc-card__meta");
    meta.appendChild(element("span", "pc-score", PC.t(strings, "match.score", { score: r.score.toFixed(3) })));
    if (persona && persona.collection) meta.appendChild(element("span", "pc-collection", persona.collection));
    if (persona && persona.model) {
      meta.appendChild(element("span", "pc-model", PC.t(strings, "card.model", { model: persona.model })));
    }
    article.appendChild(meta);
    if (r.copies && r.copies.length) {
      /* The same agent under other names (a plugin shipping another's agent): folded here. */
      var copies = element("p", "pc-copies", PC.t(strings, "match.copies"));
      r.copies.forEach(function (name, at) {
        var copy = byName.get(name);
        if (at) copies.appendChild(document.createTextNode(", "));
        if (!copy) {  /* not in catalogue.json: named, not linked */
          copies.appendChild(document.createTextNode(name));
          return;
        }
        var to = element("a", "", name);
        to.href = new URL(copy.url, base).href;
        copies.appendChild(to);
      });
      article.appendChild(copies);
    }
    if (persona && persona.description) {
      article.appendChild(element("p", "pc-card__text", PC.summary(persona.description, 200)));
    }
    var why = element("ul", "pc-reasons");
    why.setAttribute("aria-label", PC.t(strings, "match.why"));
    r.matches.forEach(function (m) { why.appendChild(reason(m, persona, strings)); });
    article.appendChild(why);
    return article;
  }

  /* The matcher of /match/, or a lazy one (the home's task box, data-pc-lazy): it loads
     the data on first use, ranks in place, keeps the URL as it is and, without
     JavaScript or on submit, opens /match/ with the task. */
  function initMatcher(form) {
    if (form.getAttribute("data-pc-ready")) return;
    form.setAttribute("data-pc-ready", "1");
    var lazy = form.hasAttribute("data-pc-lazy");
    var root = form.closest("[data-pc-match-root]") || document;
    var strings = PC.strings(form);
    var task = form.elements.task;
    var output = root.querySelector("[data-pc-match]");
    var view = root.querySelector("[data-pc-task-view]");
    var marked = root.querySelector("[data-pc-highlight]");
    var list = root.querySelector("[data-pc-ranked]");
    var note = root.querySelector("[data-pc-cut]");
    var status = form.querySelector("[data-pc-status]");
    var more = root.querySelector("[data-pc-more]");
    var base = PC.siteBase(form);
    var top = parseInt(form.getAttribute("data-pc-top"), 10) || SHOWN;
    form.hidden = false;
    if (!lazy) task.value = new URLSearchParams(location.search).get("task") || "";
    if (lazy) {
      var start = function () {
        task.removeEventListener("focus", start);
        task.removeEventListener("input", start);
        load();
      };
      task.addEventListener("focus", start);
      task.addEventListener("input", start);
      if (task.value) load();
    } else {
      load();
    }

    function load() {
    Promise.all([
      PC.loadData(form.getAttribute("data-pc-data")),
      PC.loadData(form.getAttribute("data-pc-index"))
    ]).then(function (loaded) {
      var byName = new Map();
      loaded[0].personas.forEach(function (p) { byName.set(p.name, p); });
      var index = withLabels(loaded[1], loaded[0].personas);
      var shown = null;
      function update() {
        var started = performance.now();
        var text = task.value;
        var first = cut(text, MAX_TASK);
        var normal = first.normalize("NFKC");
        var read = cut(normal, MAX_TASK);
        var answer = search(index, read, top);
        var ranked = answer.results;
        if (marked) highlight(marked, read.normalize("NFKC"), marks(ranked));
        if (note) note.hidden = first === text && read === normal;
        /* Most keystrokes leave the ranking as it was (a word half typed): keep the cards. */
        var drawn = JSON.stringify(ranked.map(function (r) {
          return [r.name, r.points, r.matches, r.copies];
        }));
        if (drawn !== shown) {
          shown = drawn;
          list.textContent = "";
          ranked.forEach(function (r) {
            var item = element("li");
            item.appendChild(result(r, byName.get(r.name), base, strings, byName));
            list.appendChild(item);
          });
        }
        var given = text.trim() !== "";
        output.hidden = !given;
        if (view) view.hidden = !given;
        var told = ranked.length ? PC.t(strings, "match.ranked", {
          personas: plural(strings, "match.personas", answer.total),
          terms: plural(strings, "match.terms", answer.terms)
        }) : PC.t(strings, "match.none");
        if (ranked.length && answer.total > ranked.length) {
          told += " (" + PC.t(strings, "match.shown", { count: ranked.length }) + ")";
        }
        status.textContent = given ? told : "";
        form.setAttribute("data-pc-total", String(given ? answer.total : 0));
        if (more) {
          more.hidden = !given || answer.total <= ranked.length;
          more.href = new URL(form.getAttribute("action"), location.href).href +
            "?task=" + encodeURIComponent(text.length <= 2000 ? text : cut(text, 2000));
        }
        if (!lazy) {
          var params = new URLSearchParams(location.search);
          if (given && text.length <= 2000) params.set("task", text); else params.delete("task");
          var query = params.toString();
          history.replaceState(history.state, "", location.pathname + (query ? "?" + query : "") + location.hash);
        }
        form.setAttribute("data-pc-ms", String(performance.now() - started));
      }
      task.addEventListener("input", update);
      if (!lazy) form.addEventListener("submit", function (event) { event.preventDefault(); });
      update();
      form.setAttribute("data-pc-loaded", "1");
    }).catch(function (error) {
      status.textContent = PC.t(strings, "match.error");
      form.setAttribute("data-pc-error", String(error));
    });
    }
  }

  PC.onPage(function () {
    document.querySelectorAll("[data-pc-matcher]").forEach(initMatcher);
  });
})();
