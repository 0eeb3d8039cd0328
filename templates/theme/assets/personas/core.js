/* mkdocs-personas: helpers shared by the catalogue filter, the task matcher and the links
   (loaded first; the other scripts find them on window.mkdocsPersonas).
   Text from the catalogue is only ever set with textContent, never parsed as HTML. */
(function () {
  "use strict";

  var PC = (window.mkdocsPersonas = window.mkdocsPersonas || {});
  if (PC.core) return;
  PC.core = true;

  var dataCache = {};

  /* Fetch a JSON data file (catalogue.json, match.json) once per URL. A site opened from
     disk (Material's offline plugin) cannot fetch: its data.js says where the site is
     (window.mkdocsPersonasData = {base, files}), and each file's data is in a script,
     assets/personas/data/<site path>.js, added to the page the first time it is needed. */
  PC.loadData = function (url) {
    var absolute = new URL(url, location.href).href;
    var offline = window.mkdocsPersonasData;
    if (!dataCache[absolute] && offline && offline.base && absolute.indexOf(offline.base) === 0) {
      var path = absolute.slice(offline.base.length);
      var has = function () { return Object.prototype.hasOwnProperty.call(offline.files, path); };
      dataCache[absolute] = has() ? Promise.resolve(offline.files[path]) : new Promise(function (resolve, reject) {
        var script = document.createElement("script");
        script.src = offline.base + "assets/personas/data/" + path + ".js";
        script.onload = function () {
          if (has()) resolve(offline.files[path]); else reject(new Error("cannot load " + absolute));
        };
        script.onerror = function () { reject(new Error("cannot load " + absolute)); };
        document.head.appendChild(script);
      });
    }
    if (!dataCache[absolute]) {
      dataCache[absolute] = fetch(absolute).then(function (response) {
        if (!response.ok) throw new Error("cannot load " + absolute);
        return response.json();
      });
    }
    return dataCache[absolute];
  };

  PC.fold = function (text) {
    return String(text || "").normalize("NFKC").toLowerCase();
  };

  var stringTables = {};

  /* The interface strings of the page's language, without their "js." prefix: the
     data-pc-strings attribute (JSON) of `node` or its closest holder, else the page's first. */
  PC.strings = function (node) {
    var holder = node && node.closest ? node.closest("[data-pc-strings]") : null;
    holder = holder || document.querySelector("[data-pc-strings]");
    var raw = holder ? holder.getAttribute("data-pc-strings") || "" : "";
    if (!Object.prototype.hasOwnProperty.call(stringTables, raw)) {
      try {
        stringTables[raw] = raw ? JSON.parse(raw) : {};
      } catch (error) {
        stringTables[raw] = {};
      }
    }
    return stringTables[raw];
  };

  /* One string of a table with its {name} placeholders filled (the key when missing). */
  PC.t = function (table, key, values) {
    var text = table && Object.prototype.hasOwnProperty.call(table, key) ? table[key] : key;
    return String(text).replace(/\{([A-Za-z_][A-Za-z0-9_]*)\}/g, function (whole, name) {
      return values && Object.prototype.hasOwnProperty.call(values, name) ? String(values[name]) : whole;
    });
  };

  /* The key of a count's form: "<key>_one" for the counts the language writes in the
     singular (the table's "plural.singular": "1" in English, "0 1" in French), else
     "<key>_many"; as strings.plural_key does for the built pages. */
  PC.n = function (table, key, count) {
    var singular = String((table && table["plural.singular"]) || "1").split(" ");
    return key + (singular.indexOf(String(count)) >= 0 ? "_one" : "_many");
  };

  /* `text` on one line, cut at a word boundary to at most `limit` characters with an
     ellipsis, as the plugin's summary filter does (examples.summary). */
  PC.summary = function (text, limit) {
    text = String(text || "").split(/\s+/).filter(Boolean).join(" ");
    if (text.length <= limit) return text;
    var cut = text.slice(0, Math.max(limit - 1, 1));
    var space = cut.lastIndexOf(" ");
    if (space > Math.floor(limit / 2)) cut = cut.slice(0, space);
    return cut.replace(/[ ,;:.\-\u2013\u2014]+$/, "") + "\u2026";
  };

  /* A new element with a class and text (textContent: never HTML). */
  PC.element = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  var CARD_KEYWORDS = 4;

  /* A card like the ones the plugin renders (fragments/card.html), built from data.
     options: strings (the page's table), facts (cards.json: keywords, counts, raw file),
     words (the filter's folded words: keywords holding one come first, marked). */
  PC.card = function (entry, base, options) {
    options = options || {};
    var t = options.strings || {};
    var facts = options.facts || null;
    var words = options.words || [];
    var element = PC.element;
    var kind = entry.kind || "persona";
    var article = element("article", "pc-card");
    article.setAttribute("data-name", entry.name);
    article.setAttribute("data-kind", kind);
    var heading = element("h3", "pc-card__title");
    var link = element("a", "", entry.title);
    link.href = new URL(entry.url, base).href;
    heading.appendChild(link);
    article.appendChild(heading);
    if (entry.description) {
      article.appendChild(element("p", "pc-card__text", PC.summary(entry.description, 140)));
    }
    var all = (entry.keywords || []).concat(entry.keywords_derived || []);
    var seen = {};
    var matched = [];
    var rest = [];
    all.forEach(function (label) {
      var key = PC.fold(label);
      if (seen[key]) return;
      seen[key] = true;
      var hit = words.some(function (w) { return key.indexOf(w) >= 0; });
      (hit ? matched : rest).push(label);
    });
    var top = facts && facts.keywords ? facts.keywords : rest;
    var shown = matched.concat(top.filter(function (label) { return matched.indexOf(label) < 0; }))
      .slice(0, Math.max(CARD_KEYWORDS, matched.length));
    if (shown.length) {
      var list = element("ul", "pc-chips pc-chips--small");
      shown.forEach(function (label) {
        var item = element("li");
        var hit = matched.indexOf(label) >= 0;
        item.appendChild(element("span", "md-tag pc-chip" + (hit ? " pc-chip--match" : ""), label));
        list.appendChild(item);
      });
      article.appendChild(list);
    }
    var meta = element("p", "pc-card__meta");
    if (entry.complexity) {
      meta.appendChild(element("span", "pc-badge", PC.t(t, "card.complexity", { value: entry.complexity })));
    }
    if (entry.model) meta.appendChild(element("span", "pc-model", PC.t(t, "card.model", { model: entry.model })));
    if (facts && kind === "persona") {
      if (facts.skills) {
        meta.appendChild(element("span", "pc-count-fact",
          PC.t(t, PC.n(t, "card.skills", facts.skills), { count: facts.skills })));
      }
      meta.appendChild(element("span", "pc-count-fact", facts.tools === null ? PC.t(t, "card.tools_all") :
        PC.t(t, PC.n(t, "card.tools", facts.tools), { count: facts.tools })));
    }
    if (facts && facts.raw) {
      var copy = element("button", "pc-card__copy", PC.t(t, "card.copy"));
      copy.type = "button";
      copy.setAttribute("data-pc-copy", new URL(facts.raw, base).href);
      copy.setAttribute("aria-label", PC.t(t, "card.copy_label", { title: entry.title }));
      meta.appendChild(copy);
    }
    article.appendChild(meta);
    return article;
  };

  PC.siteBase = function (root) {
    return new URL(root.getAttribute("data-pc-base") || ".", location.href);
  };

  /* Run fn on every page: on each of Material's instant navigations, else once loaded. */
  PC.onPage = function (fn) {
    /* From disk (file://) Material's document$ never emits with navigation.instant (it
       cannot fetch pages there), and every link is a full page load: run on load. */
    var fromDisk = location.protocol === "file:";
    if (!fromDisk && window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(fn);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  };
})();
