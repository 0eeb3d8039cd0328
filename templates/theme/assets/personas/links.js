/* mkdocs-personas: links into an A–Z index split by letter keep working.
   Needs core.js. */
(function () {
  "use strict";

  var PC = window.mkdocsPersonas;
  if (!PC || PC.links) return;
  PC.links = true;
  var loadData = PC.loadData;

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

  PC.onPage(followSplitIndex);
})();
