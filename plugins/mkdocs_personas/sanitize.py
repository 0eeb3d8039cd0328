"""Allowlist sanitizing of rendered persona and skill bodies (nh3, which wraps Ammonia).

The policy keeps what Python-Markdown, pymdown-extensions and Material produce for
ordinary content (heading ids and permalinks, code highlighting, tables, admonitions,
details, task lists, tabs) and drops everything that can run code or restyle the page:
scripts, event handlers, ``javascript:``/``vbscript:``/``data:`` URLs, iframes, forms,
objects, SVG and styles.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import nh3

TAGS = frozenset(
    """a abbr b blockquote br caption code col colgroup dd del details div dl dt em figcaption
    figure h1 h2 h3 h4 h5 h6 hr i img input ins kbd label li mark ol p pre q s samp small
    span strong sub summary sup table tbody td tfoot th thead tr u ul var""".split()
)
"""Elements kept; anything else is removed (its text stays, except for scripts and styles)."""

ATTRIBUTES: Mapping[str, frozenset[str]] = {
    "*": frozenset({"class", "id", "title", "lang", "dir"}),
    "a": frozenset({"href"}),
    "img": frozenset({"src", "alt", "width", "height", "loading"}),
    "td": frozenset({"colspan", "rowspan", "align", "style"}),
    "th": frozenset({"colspan", "rowspan", "align", "style"}),
    "ol": frozenset({"start", "type"}),
    "li": frozenset({"value"}),
    "input": frozenset({"type", "checked", "disabled", "name"}),
    "label": frozenset({"for"}),
    "details": frozenset({"open"}),
    "div": frozenset({"data-tabs"}),
}
"""Attributes kept per element (``*``: on every element)."""

URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""URL schemes kept in ``href`` and ``src``; relative URLs are always kept."""

_ALIGN = re.compile(r"text-align:\s*(left|right|center);?\Z")
_INPUT_TYPES = frozenset({"checkbox", "radio"})


@dataclass(frozen=True)
class Policy:
    """What the sanitizer keeps. The default is the safe policy for untrusted content."""

    tags: frozenset[str] = TAGS
    attributes: Mapping[str, frozenset[str]] = field(default_factory=lambda: dict(ATTRIBUTES))
    url_schemes: frozenset[str] = URL_SCHEMES

    def extended(self, tags: Iterable[str], attributes: Mapping[str, Iterable[str]]) -> Policy:
        """This policy plus extra tags and attributes (for catalogues that trust their authors)."""
        merged = {k: frozenset(v) for k, v in self.attributes.items()}
        for tag, names in attributes.items():
            merged[tag] = merged.get(tag, frozenset()) | frozenset(names)
        return Policy(self.tags | frozenset(tags), merged, self.url_schemes)


def _filter(tag: str, attribute: str, value: str) -> str | None:
    if attribute == "style":
        match = _ALIGN.match(value.strip())
        return f"text-align: {match.group(1)}" if match else None
    if tag == "input" and attribute == "type":
        return value if value.lower() in _INPUT_TYPES else None
    return value


def sanitize(html: str, policy: Policy | None = None) -> str:
    """Return ``html`` with everything outside the policy removed."""
    policy = policy or Policy()
    return nh3.clean(
        html,
        tags=set(policy.tags),
        attributes={k: set(v) for k, v in policy.attributes.items()},
        url_schemes=set(policy.url_schemes),
        attribute_filter=_filter,
        link_rel=None,
        strip_comments=True,
    )
