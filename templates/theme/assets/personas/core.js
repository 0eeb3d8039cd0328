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
     disk (Material's offline plugin) cannot fetch: its data.js put the files on
     window.mkdocsPersonasData ({base, files: {site path: data}}), used first. */
  PC.loadData = function (url) {
    var absolute = new URL(url, location.href).href;
    var offline = window.mkdocsPersonasData;
    if (!dataCache[absolute] && offline && absolute.indexOf(offline.base) === 0) {
      var path = absolute.slice(offline.base.length);
      if (Object.prototype.hasOwnProperty.call(offline.files, path)) {
        dataCache[absolute] = Promise.resolve(offline.files[path]);
      }
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

  /* A new element with a class and text (textContent: never HTML). */
  PC.element = function (tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined) node.textContent = text;
    return node;
  };

  /* A card like the ones the plugin renders, built from data. */
  PC.card = function (persona, base, matched) {
    var element = PC.element;
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
  };

  PC.siteBase = function (root) {
    return new URL(root.getAttribute("data-pc-base") || ".", location.href);
  };

  /* Run fn on every page: on each of Material's instant navigations, else once loaded. */
  PC.onPage = function (fn) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(fn);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", fn);
    } else {
      fn();
    }
  };
})();
