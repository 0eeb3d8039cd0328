"""Benchmark mkdocs-personas against plain Material building the same persona files.

    python benchmarks/run.py                       # N = 1,000 and 10,000
    python benchmarks/run.py --sizes 1000 --runs 5 --skip-browser

For each N, a synthetic catalogue (benchmarks/generate.py, fixed seed) is built (a) as
plain Material pages with no plugin and (b) as the catalogue, alternating runs, each a
fresh `mkdocs build` process into an empty folder. Then: 5,000 personas built with
relations on and off, `personas validate` of 10,000 files, an edit under `mkdocs serve
--dirty` timed to the browser's reload (and the served site compared with a clean
build), the catalogue filter's and the task matcher's cost per keystroke and the bytes a search query
downloads with Material's backend and with Pagefind, in headless Chromium. Results go
to benchmarks/RESULTS.md and benchmarks/out/results.json; `--only PART ...` measures
some parts again.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from datetime import datetime, timezone
from importlib.metadata import version
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(REPO / "tests"))

from generate import generate  # noqa: E402

from helpers import stop_serve  # noqa: E402

ENV = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "SOURCE_DATE_EPOCH": "1700000000"}


def run_build(project: Path, site: Path, config: str = "mkdocs.yml") -> tuple[float, int]:
    """One `mkdocs build` in its own process: (wall seconds, peak RSS in MiB)."""
    if site.exists():
        shutil.rmtree(site)
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "build", "-q", "-f", config, "-d", str(site)],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise SystemExit(f"build failed in {project}")
    return wall, usage.ru_maxrss // 1024


def site_figures(site: Path) -> dict:
    pages = list(site.rglob("*.html"))
    largest = max(pages, key=lambda p: p.stat().st_size)
    index = site / "search" / "search_index.json"
    return {
        "pages": len(pages),
        "site_mb": round(sum(p.stat().st_size for p in site.rglob("*") if p.is_file()) / 2**20, 1),
        "search_index_mb": round(index.stat().st_size / 2**20, 1) if index.exists() else 0,
        "largest_page_kb": round(largest.stat().st_size / 1024),
        "largest_page": largest.relative_to(site).as_posix(),
    }


def bench_builds(n: int, runs: int, out: Path) -> dict:
    project = out / str(n)
    if not (project / "mkdocs.yml").exists():
        generate(project, n, plain=True)
    times: dict[str, list[float]] = {"plain": [], "catalogue": []}
    memory: dict[str, int] = {"plain": 0, "catalogue": 0}
    for run in range(runs):
        for variant, folder in (("plain", project / "plain"), ("catalogue", project)):
            wall, rss = run_build(folder, out / f"site-{n}-{variant}")
            times[variant].append(wall)
            memory[variant] = max(memory[variant], rss)
            print(f"N={n} run {run + 1}/{runs} {variant}: {wall:.1f} s, {rss} MiB", flush=True)
    result = {}
    for variant in times:
        figures = site_figures(out / f"site-{n}-{variant}")
        median = statistics.median(times[variant])
        result[variant] = {
            "median_s": round(median, 2),
            "runs_s": [round(t, 2) for t in times[variant]],
            "peak_mib": memory[variant],
            "ms_per_page": round(1000 * median / figures["pages"], 2),
            **figures,
        }
    result["ratio"] = round(result["catalogue"]["median_s"] / result["plain"]["median_s"], 2)
    return result


BUNDLES_N = 1000
"""Catalogue size of the skill-bundle benchmark: N personas and N/5 skills, each skill
folder with references, a script, a template and an SVG."""


def bench_bundles(runs: int, out: Path) -> dict:
    """Plain Material and the catalogue on the same agent and skill files with bundles."""
    project = out / f"bundles-{BUNDLES_N}"
    if not (project / "mkdocs.yml").exists():
        generate(project, BUNDLES_N, plain=True, bundles=True)
    times: dict[str, list[float]] = {"plain": [], "catalogue": []}
    for run in range(runs):
        for variant, folder in (("plain", project / "plain"), ("catalogue", project)):
            wall, _ = run_build(folder, out / f"site-bundles-{variant}")
            times[variant].append(wall)
            print(f"bundles run {run + 1}/{runs} {variant}: {wall:.1f} s", flush=True)
    files = sum(1 for p in (project / "skills").rglob("*") if p.is_file())
    result = {
        variant: {"median_s": round(statistics.median(t), 2), "runs_s": [round(x, 2) for x in t]}
        for variant, t in times.items()
    }
    result["ratio"] = round(result["catalogue"]["median_s"] / result["plain"]["median_s"], 2)
    result["skill_files"] = files
    return result


RELATIONS_N = 5000
"""Catalogue size at which relations are timed on and off (Hugo: 37 s for 5,000 pages
with related content)."""


def bench_relations(runs: int, out: Path) -> dict:
    """The catalogue of 5,000 personas built with relations on and off, alternating."""
    project = out / str(RELATIONS_N)
    if not (project / "mkdocs.yml").exists():
        generate(project, RELATIONS_N)
    (project / "mkdocs-no-relations.yml").write_text(
        (project / "mkdocs.yml")
        .read_text(encoding="utf-8")
        .replace(
            "  - personas\n", "  - personas:\n      suggest_skills: 0\n      related_personas: 0\n"
        ),
        encoding="utf-8",
    )
    times: dict[str, list[float]] = {"on": [], "off": []}
    for run in range(runs):
        for variant, config in (("off", "mkdocs-no-relations.yml"), ("on", "mkdocs.yml")):
            wall, _ = run_build(project, out / f"site-{RELATIONS_N}-relations-{variant}", config)
            times[variant].append(wall)
            print(
                f"N={RELATIONS_N} relations {variant} run {run + 1}/{runs}: {wall:.1f} s",
                flush=True,
            )
    on, off = statistics.median(times["on"]), statistics.median(times["off"])
    return {
        "personas": RELATIONS_N,
        "on_s": round(on, 2),
        "off_s": round(off, 2),
        "runs_on_s": [round(t, 2) for t in times["on"]],
        "runs_off_s": [round(t, 2) for t in times["off"]],
        "ratio": round(on / off, 2),
    }


def bench_validate(out: Path, runs: int) -> dict:
    """`personas validate` of exactly 10,000 files (8,334 personas and 1,666 skills)."""
    project = out / "validate-10000"
    if not (project / "mkdocs.yml").exists():
        generate(project, 8334)
    files = len(list(project.rglob("*.md"))) - len(list((project / "docs").rglob("*.md")))
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run(
            [sys.executable, "-m", "mkdocs_personas.cli", "validate"],
            cwd=project,
            env=ENV,
            capture_output=True,
            check=True,
        )
        times.append(time.perf_counter() - started)
    return {
        "files": files,
        "median_s": round(statistics.median(times), 2),
        "runs_s": [round(t, 2) for t in times],
    }


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def fetch(url: str) -> bytes | None:
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.read()
    except OSError:
        return None


@contextmanager
def mkdocs_serve(project: Path):
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "mkdocs", "serve", "--dirty", "--dev-addr", f"127.0.0.1:{port}"],
        cwd=project,
        env=ENV,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 300
        while fetch(base) is None:
            if time.monotonic() > deadline or process.poll() is not None:
                raise SystemExit("mkdocs serve did not start")
            time.sleep(0.5)
        yield base
    finally:
        stop_serve(process)


_LIVERELOAD = re.compile(
    rb"<script[^>]*>[^<]*livereload[^<]*</script>|<script src=\"[^\"]*livereload[^\"]*\"></script>"
)


IDLE_BEFORE_EDIT = 3.0
"""Seconds between a page's load and the next edit: an author reads before saving again,
and meanwhile the browser finishes loading Material's search index for the new page."""


def bench_serve(n: int, out: Path, browser) -> dict:
    """Edit one persona under `mkdocs serve --dirty`; time until the browser shows it."""
    project = out / f"serve-{n}"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(out / str(n), project, ignore=shutil.ignore_patterns("plain"))
    files = sorted((project / "personas").rglob("*.md"))
    delays = []
    with mkdocs_serve(project) as base:
        page = browser.new_page()
        for number, path in enumerate(files[10:15]):
            url = base + f"personas/{path.stem}/"
            page.goto(url)
            page.wait_for_load_state("load")
            time.sleep(IDLE_BEFORE_EDIT)
            marker = f"Benchmark edit {number}"
            text = path.read_text(encoding="utf-8")
            started = time.perf_counter()
            path.write_text(text + f"\n{marker}\n", encoding="utf-8")
            page.wait_for_function(f"document.body.innerText.includes({marker!r})", timeout=60_000)
            delays.append(time.perf_counter() - started)
            print(f"serve: edit {number + 1} shown after {delays[-1]:.2f} s", flush=True)
        page.close()
        clean = out / f"serve-{n}-clean"
        if clean.exists():
            shutil.rmtree(clean)
        code = (
            "from mkdocs.config import load_config; from mkdocs.commands.build import build;"
            f"c = load_config('mkdocs.yml', site_dir={str(clean)!r}); c.site_url = {base!r};"
            f"c.plugins.on_startup(command='serve', dirty=False); build(c, serve_url={base!r})"
        )
        subprocess.run(
            [sys.executable, "-c", code], cwd=project, env=ENV, check=True, capture_output=True
        )
        different = []
        compared = 0
        for path in sorted(clean.rglob("*")):
            if not path.is_file():
                continue
            relative = path.relative_to(clean).as_posix()
            served = fetch(base + relative)
            expected = path.read_bytes()
            if relative.endswith(".html") and served is not None:
                served = _LIVERELOAD.sub(b"", served)
            compared += 1
            if served != expected:
                different.append(relative)
    return {
        "personas": n,
        "reload_s": [round(d, 2) for d in delays],
        "median_reload_s": round(statistics.median(delays), 2),
        "files_compared": compared,
        "files_different": different[:20],
    }


@contextmanager
def static_server(site: Path):
    sys.path.insert(0, str(REPO / "tests"))
    from browser import serve_site

    with serve_site(site) as base:
        yield base


def search_bytes(
    browser, base: str, url: str, query: str, input_selector: str, prefix: str
) -> dict:
    """Bytes downloaded by the search backend for one query (uncompressed and gzipped)."""
    page = browser.new_page()
    responses = []
    page.on("response", lambda r: responses.append(r) if prefix in r.url else None)
    page.goto(base + url)
    page.wait_for_load_state("networkidle")
    page.locator(input_selector).first.click()
    page.locator(input_selector).first.press_sequentially(query)
    page.wait_for_timeout(3000)
    page.wait_for_load_state("networkidle")
    raw = gz = 0
    for response in responses:
        try:
            body = response.body()
        except Exception:
            continue
        raw += len(body)
        gz += len(gzip.compress(body))
    page.close()
    return {"requests": len(responses), "kb": round(raw / 1024), "gzip_kb": round(gz / 1024)}


def bench_search(n: int, out: Path, browser) -> dict:
    material_site = out / f"site-{n}-catalogue"
    project = out / f"pagefind-{n}"
    if project.exists():
        shutil.rmtree(project)
    shutil.copytree(out / str(n), project, ignore=shutil.ignore_patterns("plain"))
    config = (project / "mkdocs.yml").read_text()
    config = config.replace("  - search\n  - personas\n", "  - personas:\n      search: pagefind\n")
    (project / "mkdocs.yml").write_text(config)
    wall, rss = run_build(project, out / f"site-{n}-pagefind")
    result = {"pagefind_build_s": round(wall, 1), "pagefind_peak_mib": rss}
    with static_server(material_site) as base:
        result["material"] = search_bytes(
            browser, base, "", "kafka", "input.md-search__input", "/search"
        )
    with static_server(out / f"site-{n}-pagefind") as base:
        result["pagefind"] = search_bytes(
            browser, base, "find/", "kafka", ".pagefind-ui__search-input", "/pagefind/"
        )
    return result


def bench_keystrokes(n: int, out: Path, browser) -> dict:
    """Cost of one keystroke in the catalogue filter: input to the next frame."""
    with static_server(out / f"site-{n}-catalogue") as base:
        page = browser.new_page()
        page.goto(base + "catalogue/")
        page.wait_for_selector("[data-pc-filter][data-pc-loaded]", timeout=60_000)
        costs = []
        for char in "kafka streams" * 3:  # the field is emptied before each pass
            if char == "k" and costs:
                page.fill("#pc-filter", "")
                page.wait_for_timeout(300)
            costs.append(
                page.evaluate(
                    """async (char) => {
                  const input = document.querySelector('#pc-filter');
                  const started = performance.now();
                  input.value += char;
                  input.dispatchEvent(new Event('input', {bubbles: true}));
                  await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
                  return performance.now() - started;
                }""",
                    char,
                )
            )
        page.close()
    return {
        "personas": n,
        "median_ms": round(statistics.median(costs), 1),
        "p90_ms": p90(costs),
        "max_ms": round(max(costs), 1),
        "keystrokes": len(costs),
        "load_1min": round(os.getloadavg()[0], 2),  # the machine is shared: say how busy
    }


def p90(costs: list[float]) -> float:
    """The 90th percentile (nearest rank below) of keystroke costs, in ms."""
    return round(sorted(costs)[int(0.9 * (len(costs) - 1))], 1)


MATCH_TASK = "Design a Kafka-based event sourcing pipeline with a schema registry on k8s"
"""Typed into the task matcher one character at a time."""


def match_keystrokes(page, task: str = MATCH_TASK) -> list[float]:
    """Cost of each keystroke of ``task`` in an open /match/ page: input to the next frame."""
    page.evaluate("document.querySelector('#pc-task').value = ''")
    return [
        page.evaluate(
            """async (char) => {
          const input = document.querySelector('#pc-task');
          const started = performance.now();
          input.value += char;
          input.dispatchEvent(new Event('input', {bubbles: true}));
          await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
          return performance.now() - started;
        }""",
            char,
        )
        for char in task
    ]


def bench_match_keystrokes(n: int, out: Path, browser) -> dict:
    """Cost of one keystroke in the task matcher (ranking and drawing the results)."""
    site = out / f"site-{n}-catalogue"
    with static_server(site) as base:
        page = browser.new_page()
        page.goto(base + "match/")
        page.wait_for_selector("[data-pc-matcher][data-pc-loaded]", timeout=120_000)
        costs = match_keystrokes(page)
        page.close()
    return {
        "personas": n,
        "median_ms": round(statistics.median(costs), 1),
        "p90_ms": p90(costs),
        "max_ms": round(max(costs), 1),
        "keystrokes": len(costs),
        "match_json_mb": round((site / "match.json").stat().st_size / 2**20, 1),
        "catalogue_json_mb": round((site / "catalogue.json").stat().st_size / 2**20, 1),
    }


def profile(n: int, out: Path) -> str:
    """pyinstrument's call tree of the catalogue build of N personas, calls of 0.15 s or more."""
    project = out / str(n)
    site = out / f"site-{n}-profile"
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pyinstrument",
            "-r",
            "text",
            "--no-unicode",
            "--show-regex",
            ".*/(mkdocs|mkdocs_personas|material|markdown)/.*",
            "-m",
            "mkdocs",
            "build",
            "-q",
            "-d",
            str(site),
        ],
        cwd=project,
        env=ENV,
        capture_output=True,
        text=True,
        check=False,
    )
    kept = []
    for line in result.stdout.splitlines():
        match = re.match(r"[\s|`-]*(\d+\.\d+) ", line)
        if match and float(match.group(1)) >= 0.15:
            kept.append(line.rstrip())
    return "\n".join(kept)


PHASES = r"""
import functools, json, os, sys, time
import markdown
import mkdocs.commands.build as build
from mkdocs.config import load_config
import material.plugins.search.plugin as search
spent = {}
def timed(owner, name, label):
    original = getattr(owner, name)
    @functools.wraps(original)
    def wrapper(*args, **kwargs):
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent[label] = spent.get(label, 0) + time.perf_counter() - started
    setattr(owner, name, wrapper)
timed(markdown.Markdown, "convert", "Markdown to HTML")
timed(search.SearchIndex, "add_entry_from_context", "search indexing")
timed(build, "_build_page", "theme templates and writing pages")
try:
    import mkdocs_personas.site.plugin as plugin, mkdocs_personas.site.pages.site as pages
    timed(plugin.Reader, "load", "personas: reading and validation")
    timed(plugin, "relate", "personas: relations")
    timed(pages.Site, "__init__", "personas: planning pages")
    timed(pages.Site, "searchable", "personas: bodies and index pages")
    timed(pages.Site, "content", "personas: entry headers and relations")
    timed(plugin, "write_exports", "personas: data files and raw sources")
except ImportError:
    pass
config = load_config("mkdocs.yml", site_dir=sys.argv[1])
config.plugins.on_startup(command="build", dirty=False)
started = time.perf_counter()
build.build(config)
total = time.perf_counter() - started
pages = "theme templates and writing pages"
for inner in ("search indexing", "personas: entry headers and relations"):
    spent[pages] -= spent.get(inner, 0)
spent["the rest (files, navigation, static files, hooks)"] = total - sum(spent.values())
spent["total"] = total
print(json.dumps(spent))
"""


def phases(n: int, out: Path) -> dict:
    """Seconds spent in each phase of one in-process build, plain and catalogue."""
    result = {}
    for variant, folder in (("plain", out / str(n) / "plain"), ("catalogue", out / str(n))):
        site = out / f"site-{n}-phases-{variant}"
        if site.exists():
            shutil.rmtree(site)
        run = subprocess.run(
            [sys.executable, "-c", PHASES, str(site)],
            cwd=folder,
            env=ENV,
            capture_output=True,
            text=True,
            check=True,
        )
        result[variant] = json.loads(run.stdout.strip().splitlines()[-1])
    return result


def machine() -> dict:
    cpu = "unknown"
    cpuinfo = Path("/proc/cpuinfo")
    if cpuinfo.exists():
        match = re.search(r"model name\s*:\s*(.+)", cpuinfo.read_text())
        cpu = match.group(1) if match else cpu
    memory = Path("/proc/meminfo")
    total = re.search(r"MemTotal:\s*(\d+)", memory.read_text()).group(1) if memory.exists() else "0"
    chromium = shutil.which("chromium")
    chromium_version = (
        subprocess.run([chromium, "--version"], capture_output=True, text=True).stdout.strip()
        if chromium
        else "not installed"
    )
    commit = subprocess.run(
        ["git", "-C", str(REPO), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    return {
        "date": datetime.now(timezone.utc).strftime("%Y-%m-%d"),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gib": round(int(total) / 2**20, 1),
        "python": platform.python_version(),
        "mkdocs": version("mkdocs"),
        "mkdocs-material": version("mkdocs-material"),
        "mkdocs-personas": commit,
        "chromium": chromium_version,
    }


def write_results(results: dict, path: Path, command: str) -> None:
    m = results["machine"]
    lines = [
        "# Benchmark results",
        "",
        f"Measured {m['date']} on {m['cpu']}, {m['cores']} cores, {m['memory_gib']} GiB; "
        f"Python {m['python']}, MkDocs {m['mkdocs']}, Material {m['mkdocs-material']}, "
        f"mkdocs-personas {m['mkdocs-personas']}, {m['chromium']}.",
        "",
        f"Command: `{command}`",
        "",
        "Synthetic catalogues from `benchmarks/generate.py` (seed 7; N personas and N/5 skills,",
        "3 KB each, overlapping keywords, mostly free-text expertise). (a) is the same files",
        "as plain Material pages (no plugin, only the home page in the navigation), (b) the",
        "catalogue. Each figure is the median of alternating runs, each a fresh `mkdocs build`",
        "process into an empty folder.",
        "",
        "## Builds",
        "",
        "| N | variant | median | runs | ms/page | pages | peak memory | site | search index | largest page |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for n, build in results["builds"].items():
        for variant in ("plain", "catalogue"):
            b = build[variant]
            lines.append(
                f"| {int(n):,} | {variant} | {b['median_s']} s | {', '.join(map(str, b['runs_s']))} "
                f"| {b['ms_per_page']} | {b['pages']:,} | {b['peak_mib']} MiB | {b['site_mb']} MB "
                f"| {b['search_index_mb']} MB | {b['largest_page_kb']} KB (`{b['largest_page']}`) |"
            )
    lines += ["", "## Targets", "", "| target | measured | met |", "|---|---|---|"]
    for row in results["targets"]:
        lines.append(f"| {row['target']} | {row['measured']} | {row['met']} |")
    if "relations" in results:
        r = results["relations"]
        lines += [
            "",
            f"Relations at {r['personas']:,} personas: the catalogue builds in {r['on_s']} s with",
            f"related skills and personas and {r['off_s']} s without (`suggest_skills: 0`,",
            f"`related_personas: 0`), a ratio of {r['ratio']} (runs with: "
            f"{', '.join(map(str, r['runs_on_s']))}; without: {', '.join(map(str, r['runs_off_s']))}).",
            "Hugo needs 37 s for 5,000 pages once related content is on.",
        ]
    if "serve" in results:
        lines += [
            "",
            "The serve figure is the time from saving a persona file to the browser showing",
            "the edit, under `mkdocs serve --dirty` with the page open in headless Chromium;",
            f"each edit comes {IDLE_BEFORE_EDIT:g} s after the previous page load. The site is",
            "then fetched from the server file by file and compared with a clean build.",
        ]
    if "phases" in results:
        plain, ours = results["phases"]["plain"], results["phases"]["catalogue"]
        lines += [
            "",
            "## Where the time goes (N = 1,000, one in-process build of each)",
            "",
            "Each phase counts once: search indexing and entry headers run while MkDocs",
            "builds a page, and are not counted again under theme templates.",
            "",
            "| phase | plain | catalogue | difference |",
            "|---|---|---|---|",
        ]
        for phase in sorted(set(plain) | set(ours), key=lambda k: (k == "total", -ours.get(k, 0))):
            a, b = plain.get(phase, 0.0), ours.get(phase, 0.0)
            lines.append(f"| {phase} | {a:.2f} s | {b:.2f} s | {b - a:+.2f} s |")
        lines += ["", *GAP_NOTE]
    if "profile" in results:
        lines += [
            "",
            "## Profile: the catalogue build of 1,000 personas (pyinstrument)",
            "",
            "Calls of 0.15 s or more; the times include the profiler's own overhead.",
            "",
            "```text",
            results["profile"],
            "```",
        ]
    again = [
        f"- {part.capitalize()} measured again at mkdocs-personas {how}; the rest as above."
        for part, how in sorted(results.get("remeasured", {}).items())
    ]
    lines += ["", "## Notes", "", *results.get("notes", []), *again]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


GAP_NOTE = [
    "Why the catalogue misses 1.15 times plain Material at 1,000 personas:",
    "",
    "- **The plugin's own work**, the `personas:` phases, is most of the difference:",
    "  reading with strict validation (which replaces MkDocs' own front-matter parsing),",
    "  relations over the whole catalogue, sanitizing and rendering the index pages, the",
    "  entry headers, the data files. Each is linear and was profiled and trimmed",
    "  (relations by one sparse matrix product, card and link caches, search reading only",
    "  the body); together they cost about as much as Markdown for the whole site.",
    "- **The same pages cost more.** Persona files write `**Group:**` followed by `- item`",
    "  lines; GitHub shows lists, plain MkDocs one paragraph. The catalogue renders them as",
    "  the lists they are, so Markdown and search indexing do more work on the same files,",
    "  and entry pages are larger (header, tags, relations).",
    "- **More pages.** About 15% more pages: expertise and keyword pages, card pages, the",
    "  indexes, the conflicts page and the matcher.",
    "",
    "MkDocs renders pages one at a time in one process, so the second core stays idle in",
    "both builds. Moving the plugin's own stages to a second process would hide at most",
    "about a second of the difference, and only by running other plugins' page hooks",
    "outside MkDocs' order; that is not done. Nothing grows faster than the catalogue",
    "(N = 10,000 takes less than ten times N = 1,000), and the authoring mode,",
    "`mkdocs serve --dirty`, re-renders only the pages an edit affects. Timings on this",
    "2-core virtual machine vary by up to a third between runs of the same build, for",
    "plain Material as much as for the catalogue.",
]


def targets(results: dict) -> list[dict]:
    rows = []
    builds = results["builds"]
    sizes = sorted(builds, key=int)
    for n in sizes:
        ratio = builds[n]["ratio"]
        if int(n) == 1000:
            rows.append(
                {
                    "target": "N = 1,000: catalogue ≤ 1.15 × plain Material",
                    "measured": f"{ratio} ×",
                    "met": "yes" if ratio <= 1.15 else "no",
                }
            )
    if "1000" in builds and "10000" in builds:
        scale = builds["10000"]["catalogue"]["median_s"] / builds["1000"]["catalogue"]["median_s"]
        rows.append(
            {
                "target": "N = 10,000: ≤ 10.5 × the N = 1,000 time",
                "measured": f"{scale:.1f} ×",
                "met": "yes" if scale <= 10.5 else "no",
            }
        )
        peak = builds["10000"]["catalogue"]["peak_mib"]
        rows.append(
            {
                "target": "N = 10,000: peak memory < 1.5 GiB",
                "measured": f"{peak} MiB",
                "met": "yes" if peak < 1536 else "no",
            }
        )
        largest = builds["10000"]["catalogue"]["largest_page_kb"]
        rows.append(
            {
                "target": "N = 10,000: no page over about 1 MB",
                "measured": f"largest {largest} KB",
                "met": "yes" if largest <= 1024 else "no",
            }
        )
    if "serve" in results:
        s = results["serve"]
        same = not s["files_different"]
        rows.append(
            {
                "target": "serve: edit one persona of 1,000, browser reloads < 1 s",
                "measured": f"{s['median_reload_s']} s (runs {s['reload_s']})",
                "met": "yes" if s["median_reload_s"] < 1 else "no",
            }
        )
        rows.append(
            {
                "target": "serve: the site then equals a clean full build",
                "measured": f"{s['files_compared']} files compared, "
                f"{len(s['files_different'])} different",
                "met": "yes" if same else "no",
            }
        )
    if "bundles" in results:
        b = results["bundles"]
        rows.append(
            {
                "target": "skill bundles (1,000 agents, 200 skills with references, scripts, "
                "templates, SVG): catalogue ≤ 1.5 × plain Material on the same files",
                "measured": f"{b['ratio']} × ({b['catalogue']['median_s']} s vs "
                f"{b['plain']['median_s']} s, {b['skill_files']:,} skill files)",
                "met": "yes" if b["ratio"] <= 1.5 else "no",
            }
        )
    if "validate" in results:
        v = results["validate"]
        rows.append(
            {
                "target": "`personas validate` of 10,000 files < 2 s",
                "measured": f"{v['median_s']} s for {v['files']:,} files",
                "met": "yes" if v["median_s"] < 2 else "no",
            }
        )
    if "search" in results:
        s = results["search"]
        rows.append(
            {
                "target": "search at 10,000 personas: bytes for one query",
                "measured": f"Material {s['material']['kb']:,} KB ({s['material']['gzip_kb']:,} KB gzipped); "
                f"Pagefind {s['pagefind']['kb']:,} KB ({s['pagefind']['gzip_kb']:,} KB gzipped)",
                "met": "yes (Pagefind)",
            }
        )
    if "keystrokes" in results:
        k = results["keystrokes"]
        rows.append(
            {
                "target": f"catalogue filter keystroke at {k['personas']:,} personas",
                "measured": f"median {k['median_ms']} ms, 90th percentile {k['p90_ms']} ms, "
                f"max {k['max_ms']} ms (input to next frame)",
                "met": "yes" if k["median_ms"] < 50 and k["p90_ms"] < 50 else "no",
            }
        )
    if "match_keystrokes" in results:
        k = results["match_keystrokes"]
        rows.append(
            {
                "target": f"task matcher keystroke at {k['personas']:,} personas",
                "measured": f"median {k['median_ms']} ms, 90th percentile {k['p90_ms']} ms, "
                f"max {k['max_ms']} ms (input to next frame); catalogue.json {k['catalogue_json_mb']} MB, match.json "
                f"{k['match_json_mb']} MB",
                "met": "yes" if k["median_ms"] < 50 else "no",
            }
        )
    return rows


PARTS = (
    "builds",
    "bundles",
    "relations",
    "validate",
    "profile",
    "serve",
    "keystrokes",
    "search",
)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--out", type=Path, default=HERE / "out")
    parser.add_argument("--results", type=Path, default=HERE / "RESULTS.md")
    parser.add_argument("--skip-browser", action="store_true")
    parser.add_argument(
        "--only",
        nargs="+",
        choices=PARTS,
        help="measure only these parts, keeping the other figures of the last results.json",
    )
    parser.add_argument(
        "--report-only",
        action="store_true",
        help="rewrite RESULTS.md from the last results.json, measuring nothing",
    )
    args = parser.parse_args()
    if args.report_only:
        results = json.loads((args.out / "results.json").read_text(encoding="utf-8"))
        results["targets"] = targets(results)
        write_results(results, args.results, results.get("command", "python benchmarks/run.py"))
        print(f"wrote {args.results}")
        return
    args.out.mkdir(parents=True, exist_ok=True)
    command = "python benchmarks/run.py " + " ".join(sys.argv[1:])
    parts = set(args.only or PARTS)
    results: dict = {"builds": {}}
    saved = args.out / "results.json"
    if args.only and saved.exists():
        results = json.loads(saved.read_text(encoding="utf-8"))
    results["notes"] = []
    if args.only and "command" in results:
        commit = machine()["mkdocs-personas"]
        for part in parts:
            results.setdefault("remeasured", {})[part] = f"{commit} with `{command}`"
        command = results["command"]
    else:
        results.update(machine=machine(), remeasured={})
    results["command"] = command
    if "builds" in parts:
        for n in args.sizes:
            results["builds"][str(n)] = bench_builds(n, args.runs, args.out)
    if "bundles" in parts:
        results["bundles"] = bench_bundles(args.runs, args.out)
    if "validate" in parts:
        results["validate"] = bench_validate(args.out, args.runs)
    if "relations" in parts:
        results["relations"] = bench_relations(args.runs, args.out)
    if 1000 in args.sizes and "profile" in parts:
        results["profile"] = profile(1000, args.out)
        results["phases"] = phases(1000, args.out)
    browser_parts = parts & {"serve", "keystrokes", "search"}
    if browser_parts and not args.skip_browser:
        from playwright.sync_api import sync_playwright

        from browser import CHROMIUM_ARGS, chromium_path

        executable = chromium_path()
        if executable is None:
            results["notes"].append("- Browser measurements skipped: Chromium is not installed.")
        else:
            largest = max(args.sizes)
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=executable, headless=True, args=CHROMIUM_ARGS
                )
                if 1000 in args.sizes and "serve" in parts:
                    results["serve"] = bench_serve(1000, args.out, browser)
                if "keystrokes" in parts:
                    results["keystrokes"] = bench_keystrokes(largest, args.out, browser)
                    results["match_keystrokes"] = bench_match_keystrokes(largest, args.out, browser)
                if "search" in parts:
                    results["search"] = bench_search(largest, args.out, browser)
                browser.close()
    results["targets"] = targets(results)
    (args.out / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    write_results(results, args.results, command)
    print(f"wrote {args.results}")


if __name__ == "__main__":
    main()
