"""Living next to other plugins: which are on, and the data of a site opened from disk.

Material's ``offline`` plugin makes a site that works from ``file://``, where a page cannot
``fetch()`` the catalogue's JSON. With it, the build also writes :data:`DATA_SCRIPT`, a small
script every page loads before ours: it sets ``window.mkdocsPersonasData`` to ``{"base":
<site root URL>, "files": {}}``. Each JSON file's data is in a script of its own,
``assets/personas/data/<site path>.js`` (:data:`DATA_FOLDER`), which adds it to ``files``;
``core.js`` loads it only when a page needs that file (the filter, the matcher), once, and
the browser caches it like any script.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA_SCRIPT = "assets/personas/data.js"
DATA_FOLDER = "assets/personas/data"
"""Where the data scripts of a site opened from disk are: one per JSON file."""
DATA_FILES = ("catalogue.json", "match.json")
"""The JSON files the filter and the matcher load, by site path."""


def enabled(config, name: str) -> bool:
    """Whether the plugin ``name`` (``tags``, ``offline``, ``meta``: Material's, with or
    without its ``material/`` prefix) is configured and not switched off."""
    for key, plugin in config.plugins.items():
        if key in (name, f"material/{name}"):
            options = getattr(plugin, "config", None)
            return bool(getattr(options, "enabled", True))
    return False


def base_script() -> str:
    """:data:`DATA_SCRIPT`: where the site is, and an empty table the data scripts fill."""
    return (
        "/* mkdocs-personas: a site opened from disk; the data scripts are in data/. */\n"
        "(function () {\n"
        '  var base = new URL("../../", document.currentScript.src).href;\n'
        "  var known = window.mkdocsPersonasData || { files: {} };\n"
        "  known.base = base;\n"
        "  window.mkdocsPersonasData = known;\n"
        "})();\n"
    )


def data_script(name: str, data: object) -> str:
    """The script that hands one JSON file's ``data`` (site path ``name``) to the page
    without a request.

    The data is JSON, a subset of JavaScript; ``<`` is escaped so that the text stays inert
    even if a browser were to read it as HTML.
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return (
        "/* mkdocs-personas: data for a site opened from disk. */\n"
        "(window.mkdocsPersonasData = window.mkdocsPersonasData || { files: {} })"
        f".files[{json.dumps(name)}] = {text};\n"
    )


def write_data(site_dir: str | Path, names: tuple[str, ...] = DATA_FILES) -> Path:
    """Write :data:`DATA_SCRIPT` and a data script for each JSON file the build wrote
    (those that exist)."""
    site = Path(site_dir)
    folder = site / DATA_FOLDER
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        if (site / name).is_file():
            data = json.loads((site / name).read_text(encoding="utf-8"))
            target = folder.joinpath(*f"{name}.js".split("/"))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(data_script(name, data), encoding="utf-8")
    target = site / DATA_SCRIPT
    target.write_text(base_script(), encoding="utf-8")
    return target
