"""Living next to other plugins: which are on, and the data of a site opened from disk.

Material's ``offline`` plugin makes a site that works from ``file://``, where a page cannot
``fetch()`` the catalogue's JSON. With it, the build also writes :data:`DATA_SCRIPT`, a
script that puts the same data on ``window.mkdocsPersonasData`` before our other scripts run:
``{"base": <site root URL>, "files": {<site path>: <JSON data>}}``.
"""

from __future__ import annotations

import json
from pathlib import Path

DATA_SCRIPT = "assets/personas/data.js"
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


def data_script(files: dict[str, object]) -> str:
    """The script that hands ``files`` (site path -> data) to the page without a request.

    The data is JSON, a subset of JavaScript; ``<`` is escaped so that the text stays inert
    even if a browser were to read it as HTML.
    """
    data = json.dumps(files, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    data = data.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return (
        "/* mkdocs-personas: the catalogue's data for a site opened from disk. */\n"
        "(function () {\n"
        '  var base = new URL("../../", document.currentScript.src).href;\n'
        f"  window.mkdocsPersonasData = {{ base: base, files: {data} }};\n"
        "})();\n"
    )


def write_data(site_dir: str | Path, names: tuple[str, ...] = DATA_FILES) -> Path:
    """Write :data:`DATA_SCRIPT` from the JSON files the build wrote (those that exist)."""
    site = Path(site_dir)
    files = {
        name: json.loads((site / name).read_text(encoding="utf-8"))
        for name in names
        if (site / name).is_file()
    }
    target = site / DATA_SCRIPT
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(data_script(files), encoding="utf-8")
    return target
