"""Allowlist sanitizing of rendered persona and skill bodies (nh3, which wraps Ammonia).

The policy keeps what Python-Markdown, pymdown-extensions and Material produce for
ordinary content (heading ids and permalinks, code highlighting, tables, admonitions,
details, task lists, tabs) and drops everything that can run code or restyle the page:
scripts, event handlers, ``javascript:``/``vbscript:``/``data:`` URLs, iframes, forms,
objects, SVG and styles.

Material's own scripts read the page, so a body must not look like Material either:

- ``id``, ``name`` and ``for`` never start with ``__`` (Material's ``__config``,
  ``__search``, ``__drawer``, ``__code_N``...), ``md-`` or the plugin's ``pc-``, and never
  take one of the ids our fragments write. The one exception is what pymdownx.tabbed
  generates (``__tabbed_1_2``), so that tabs keep working.
- Duplicate ids are dropped (the first wins). Material names a code block's copy target
  after the block's nearest ancestor with an id (``#__code_<id>``), so a code block and the
  elements around it lose their ids and Material numbers the blocks itself.
- ``class`` keeps only the classes content needs (:data:`CLASSES`); Material's layout
  classes (``md-dialog``, ``md-consent__overlay``...) could cover the page.
- ``title`` loses ``<``, ``>`` and ``&``: ``content.tooltips`` inserts it as HTML.
- ``data-*`` attributes that Material, Pagefind or our own script interpret are dropped
  (``data-tabs="1:1"`` crashes Material's script for the page).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache, partial

import nh3
from pygments.token import STANDARD_TYPES

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
}
"""Attributes kept per element (``*``: on every element)."""

URL_SCHEMES = frozenset({"http", "https", "mailto"})
"""URL schemes kept in ``href`` and ``src``; relative URLs are always kept."""

ADMONITION_TYPES = """note abstract summary tldr info todo tip hint important success check
    done question help faq warning caution attention failure fail missing danger error bug
    example quote cite"""
"""Material's admonition and details types with their aliases."""

CLASSES = frozenset(
    f"""{ADMONITION_TYPES} admonition admonition-title inline end
    tabbed-set tabbed-alternate tabbed-labels tabbed-content tabbed-block
    highlight highlighttable linenos linenodiv normal special code filename hll
    task-list task-list-item task-list-control task-list-indicator
    headerlink toclink toc toctitle footnote footnote-ref footnote-backref
    keys critic break comment twemoji emojione gemoji grid cards""".split()
) | frozenset(c for c in STANDARD_TYPES.values() if c)
"""Classes kept: what Python-Markdown, pymdown-extensions (admonitions, details, tabs,
highlighting with Pygments' token classes, task lists, footnotes, keys, critic, emoji) and
Material's content grids produce. ``language-*`` and ``key-*`` are kept too."""

_CLASS_PATTERN = re.compile(r"(?:language|key)-[A-Za-z0-9_+#.-]+\Z")

RESERVED_PREFIXES = ("__", "md-", "pc-")
"""Prefixes of Material's ids (``__config``, ``__search``, ``md-...``) and of ours (``pc-``)."""

_LITERAL_ID = re.compile(r'\sid="([^"{}]+)"')


@cache
def fragment_ids() -> frozenset[str]:
    """The ids our fragments write (``related_skills``, ``tools_list``...: every literal
    ``id`` in templates/fragments); a body placed next to them must not take them over."""
    from ..sources.package_files import templates_dir

    folder = templates_dir() / "fragments"
    return frozenset(
        match.group(1)
        for path in sorted(folder.glob("*.html"))
        for match in _LITERAL_ID.finditer(path.read_text(encoding="utf-8"))
    )


_TABBED = re.compile(r"__tabbed_\d+(?:_\d+)?\Z")
"""What pymdownx.tabbed generates for its radio inputs (``id``, ``name``) and labels (``for``)."""

INTERPRETED_DATA = (
    "data-md-",
    "data-tabs",
    "data-clipboard-",
    "data-copy",
    "data-preview",
    "data-pc-",
    "data-pagefind-",
    "data-focus-",
    "data-js-",
)
"""``data-*`` attributes that Material, Pagefind or personas.js act on: dropped even when a
trusting configuration allows them."""

_ALIGN = re.compile(r"text-align:\s*(left|right|center);?\Z")
_INPUT_TYPES = frozenset({"checkbox", "radio"})
_TITLE_MARKUP = str.maketrans("", "", "<>&")


@dataclass(frozen=True)
class Policy:
    """What the sanitizer keeps. The default is the safe policy for untrusted content."""

    tags: frozenset[str] = TAGS
    attributes: Mapping[str, frozenset[str]] = field(default_factory=lambda: dict(ATTRIBUTES))
    url_schemes: frozenset[str] = URL_SCHEMES
    classes: frozenset[str] = CLASSES
    remote_images: bool = False
    """Keep images from other hosts; by default each becomes a link to its address."""

    def extended(
        self,
        tags: Iterable[str],
        attributes: Mapping[str, Iterable[str]],
        classes: Iterable[str] = (),
    ) -> Policy:
        """This policy plus extra tags, attributes and classes (for catalogues that trust
        their authors)."""
        merged = {k: frozenset(v) for k, v in self.attributes.items()}
        for tag, names in attributes.items():
            merged[tag] = merged.get(tag, frozenset()) | frozenset(names)
        return Policy(
            self.tags | frozenset(tags),
            merged,
            self.url_schemes,
            self.classes | frozenset(classes),
            self.remote_images,
        )


def allowed_id(value: str) -> bool:
    """Whether a body may use ``value`` as an ``id``, ``name`` or label ``for``."""
    folded = value.strip().lower()
    if folded.startswith(RESERVED_PREFIXES):
        return bool(_TABBED.match(value))
    return bool(folded) and value not in fragment_ids()


def allowed_class(name: str, classes: frozenset[str]) -> bool:
    """Whether a body may use the class ``name``."""
    return name in classes or bool(_CLASS_PATTERN.match(name))


def _filter(policy: Policy, tag: str, attribute: str, value: str) -> str | None:
    if attribute in ("id", "name", "for"):
        return value if allowed_id(value) else None
    if attribute == "class":
        kept = [c for c in value.split() if allowed_class(c, policy.classes)]
        return " ".join(kept) or None
    if attribute == "title":
        return value.translate(_TITLE_MARKUP)
    if attribute.startswith(INTERPRETED_DATA):
        return None
    if attribute == "style":
        match = _ALIGN.match(value.strip())
        return f"text-align: {match.group(1)}" if match else None
    if tag == "input" and attribute == "type":
        return value if value.lower() in _INPUT_TYPES else None
    return value


_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)([^>]*)>")
_ATTRIBUTE = re.compile(r'\s([^\s="]+)="([^"]*)"')
VOID = frozenset(
    "area base br col embed hr img input keygen link meta param source track wbr".split()
)


def _without_id(tag: str, attributes: str) -> str:
    kept = "".join(m.group(0) for m in _ATTRIBUTE.finditer(attributes) if m.group(1) != "id")
    return f"<{tag}{kept}>"


def unique_ids(html: str) -> str:
    """Drop repeated ids (the first wins) and the ids of code blocks and their ancestors.

    ``html`` must be nh3's output: every attribute written ``name="value"``, no ``<`` or
    ``>`` outside tags, every element closed. One pass over the tags, linear in the
    length, that only notes the tags to rewrite; most bodies have none, and are returned
    as they are.
    """
    seen: set[str] = set()
    stack: list[list] = []
    """The open elements: [tag, its start tag's match if it kept an id, holds code]."""
    edits: dict[re.Match, str] = {}
    """Start tags to write again without their ids (-> the tag's name)."""

    def close() -> str:
        tag, kept, holds_code = stack.pop()
        if holds_code:
            if kept is not None:
                edits[kept] = tag
            if stack:
                stack[-1][2] = True
        return tag

    for match in _TAG.finditer(html):
        closing, tag, attributes = match.groups()
        tag = tag.lower()
        if closing:
            while stack and close() != tag:
                pass
            continue
        value = None
        if 'id="' in attributes:
            value = next(
                (m.group(2) for m in _ATTRIBUTE.finditer(attributes) if m.group(1) == "id"), None
            )
        if value is not None:
            if value in seen or tag == "pre":
                edits[match], value = tag, None
            else:
                seen.add(value)
        if tag == "pre" and stack:
            stack[-1][2] = True
        if tag not in VOID:
            stack.append([tag, match if value is not None else None, False])
    while stack:
        close()
    if not edits:
        return html
    pieces: list[str] = []
    position = 0
    for match in sorted(edits, key=lambda m: m.start()):
        pieces.append(html[position : match.start()])
        pieces.append(_without_id(edits[match], match.group(3)))
        position = match.end()
    pieces.append(html[position:])
    return "".join(pieces)


def sanitize(html: str, policy: Policy | None = None) -> str:
    """Return ``html`` with everything outside the policy removed."""
    policy = policy or Policy()
    clean = nh3.clean(
        html,
        tags=set(policy.tags),
        attributes={k: set(v) for k, v in policy.attributes.items()},
        url_schemes=set(policy.url_schemes),
        attribute_filter=partial(_filter, policy),
        link_rel=None,
        strip_comments=True,
    )
    if not policy.remote_images:
        clean = local_images(clean)
    return unique_ids(clean)


_LINK_OR_IMAGE = re.compile(r"<(/?)(a|img)\b([^>]*)>")
_REMOTE = re.compile(r"\s*(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|\\\\)")


def local_images(html: str) -> str:
    """``html`` (nh3's output) with every image from another host made a link to it.

    A page that loads a third-party image tells that host who reads it and when (a
    tracking pixel): the image becomes a link whose text is its ``alt`` (its address when
    ``alt`` is empty); inside a link, just that text. One pass, linear in the length.
    """
    if "<img" not in html:
        return html
    pieces: list[str] = []
    position, links = 0, 0
    for match in _LINK_OR_IMAGE.finditer(html):
        closing, tag, attributes = match.groups()
        if tag == "a":
            links = max(0, links - 1) if closing else links + 1
            continue
        values = dict(_ATTRIBUTE.findall(attributes))
        source = values.get("src", "")
        if not _REMOTE.match(source):
            continue
        text = values.get("alt", "").strip() or source
        pieces.append(html[position : match.start()])
        pieces.append(text if links else f'<a href="{source}">{text}</a>')
        position = match.end()
    pieces.append(html[position:])
    return "".join(pieces)
