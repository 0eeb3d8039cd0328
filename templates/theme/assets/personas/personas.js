/* mkdocs-personas: client-side behaviour. Text from the catalogue is only ever set with
   textContent, never parsed as HTML. */
(function () {
  "use strict";

  /* The A–Z group of a slug, as the plugin computes it (text.letter). */
  function letterOf(slug) {
    var first = slug.charAt(0).normalize("NFKD").charAt(0).toLowerCase();
    if (first >= "a" && first <= "z") return first;
    if (first >= "0" && first <= "9") return "0-9";
    return "other";
  }

  /* An index split by letter keeps old links working: /keywords/#slug moves to the
     letter page that now holds the entry. */
  function followSplitIndex() {
    var index = document.querySelector("[data-pc-letters]");
    if (!index || !location.hash) return;
    var slug = decodeURIComponent(location.hash.slice(1));
    if (document.getElementById(slug)) return;
    var link = index.querySelector('[data-pc-letter="' + letterOf(slug) + '"]');
    if (link) location.replace(link.href.split("#")[0] + location.hash);
  }

  function onPage(callback) {
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(callback);
    } else if (document.readyState === "loading") {
      document.addEventListener("DOMContentLoaded", callback);
    } else {
      callback();
    }
  }

  onPage(followSplitIndex);
})();
