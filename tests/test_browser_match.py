"""The task matcher in a real browser: the shared vectors through the built site's own
JavaScript, the labelled task set giving the same orders as ``personas match``, the
layout (results first, reasons and scores, the marked task below), hostile input and
accessibility (issues 13 and 15)."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from test_match import TASK_SETS, cli_rankings, report, task_set, tuning_top3

from browser import serve_site, wait_drawn
from conftest import CORPUS, REPO, build_project, globs_build, make_project, persona

pytestmark = pytest.mark.browser

AXE = Path(__import__("axe_playwright_python").__file__).with_name("axe.min.js")
VECTORS = json.loads((REPO / "tests" / "vectors" / "match.json").read_text(encoding="utf-8"))
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}

FEED = """(task) => {
  const box = document.querySelector('#pc-task');
  box.value = task;
  box.dispatchEvent(new Event('input', {bubbles: true}));
  return Array.from(document.querySelectorAll('[data-pc-ranked] .pc-result'), (card) =>
    [card.dataset.name, card.querySelector('.pc-score').textContent]);
}"""
"""Type a whole task into the matcher (one input event) and read the ranked results."""


@pytest.fixture
def sample(sample_base):
    return sample_base


def open_matcher(page, url: str) -> None:
    page.goto(url)
    page.wait_for_selector("[data-pc-matcher][data-pc-loaded]")


def test_the_page_runs_every_shared_vector(sample, page):
    open_matcher(page, sample + "match/")
    found = page.evaluate(
        """(v) => v.cases.map((c) => {
          const found = mkdocsPersonas.search(v.index, c.task, c.top);
          return {
            terms: mkdocsPersonas.terms(v.index, c.task),
            total: found.total,
            found: found.terms,
            results: found.results.map((r) => Object.assign(
              {name: r.name, kind: r.kind, score: r.score, matches: r.matches},
              r.copies.length ? {copies: r.copies} : {})),
          };
        })""",
        VECTORS,
    )
    assert len(found) == len(VECTORS["cases"]) >= 15
    for case, got in zip(VECTORS["cases"], found, strict=True):
        expected = {k: case[k] for k in ("terms", "total", "found", "results")}
        assert got == expected, case["what"]
    assert page.errors == []


@pytest.fixture(scope="session")
def served(sample_base, corpus_site, tmp_path_factory):
    """Base URLs of the built sites of every task set whose catalogue is here: the
    sample, and the corpora configured by globs (wshobson's is conftest's corpus_site),
    each built once per run (session-scoped, so its tests go to any worker)."""
    bases: dict[str, str] = {"sample": sample_base}
    with serve_site(corpus_site.site) as corpus:
        bases["wshobson-agents"] = corpus
        found = task_set("voltagent-subagents")
        if found is None:
            yield bases
            return
        built = globs_build(tmp_path_factory, found[1])
        assert built.aborted is None
        with serve_site(built.site) as voltagent:
            bases["voltagent-subagents"] = voltagent
            yield bases


@pytest.mark.timeout(1800)  # a `personas match` per task reads each corpus again
def test_the_page_and_the_cli_give_the_same_orders_on_the_task_set(served, page, capsys):
    assert set(TASK_SETS) == {"sample", "wshobson-agents", "voltagent-subagents"}
    expected_by_set = {name: cli_rankings(name) for name in served}
    parts, differences, started = {}, [], time.monotonic()
    for name, base in served.items():
        tasks = task_set(name)[0]
        expected = expected_by_set[name]
        open_matcher(page, base + "match/")
        orders = {}
        for task in tasks:
            shown = page.evaluate(FEED, task["task"])
            orders[task["task"]] = [n for n, _ in shown]
            cli = [[n, f"score {s:.3f}"] for n, s in expected[task["task"]]]
            if shown[: len(cli)] != cli:
                differences.append(f"{name}: {task['task']!r}\n  page {shown}\n  cli  {cli}")
        parts[name] = [(tasks, orders)]
    elapsed = time.monotonic() - started
    text = report("page", parts)
    with capsys.disabled():
        print(f"\n{text}\n(page: {elapsed:.1f} s for every task)")
    assert differences == []
    assert tuning_top3(parts) >= 0.8, text
    assert page.errors == []


TASK = (
    "Our Postgres schemas need a zero-downtime change, and the webhook consumer must be "
    "idempotent with a transactional outbox"
)


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_results_come_first_with_reasons_and_the_marked_task_below(sample, chromium, viewport):
    context = chromium.new_context(viewport=viewport)
    page = context.new_page()
    open_matcher(page, sample + "match/?task=" + TASK.replace(" ", "+"))
    first = page.locator("[data-pc-ranked] .pc-result").first
    box = page.locator("#pc-task").bounding_box()
    result = first.bounding_box()
    marked = page.locator("[data-pc-highlight]").bounding_box()
    assert result["y"] + result["height"] <= viewport["height"], "first result below the fold"
    if viewport is DESKTOP:
        assert result["x"] + result["width"] <= box["x"], "results beside the task"
        assert result["y"] < box["y"] + box["height"]
    else:
        assert result["y"] + result["height"] <= box["y"], "results above the task"
    assert marked["y"] >= box["y"] + box["height"], "the marked task below the task box"
    assert first.get_attribute("data-name") in {"event-driven-architect", "database-administrator"}
    cards = page.locator("[data-pc-ranked] .pc-result")
    dba = cards.filter(has=page.locator("a[href$='/personas/database-administrator/']"))
    assert dba.locator(".pc-score").inner_text().startswith("score ")
    reasons = dba.locator(".pc-reason").all_inner_texts()
    assert any(r.startswith("Postgres") and "declared keyword PostgreSQL" in r for r in reasons)
    assert all("+" in r for r in reasons)
    marks = page.eval_on_selector_all("[data-pc-highlight] mark", "m => m.map(x => x.textContent)")
    assert {"Postgres", "schemas", "idempotent", "outbox"} <= set(marks)
    assert page.locator("[data-pc-highlight]").inner_text() == TASK
    assert page.locator("[data-pc-status]").inner_text().endswith("matched terms")
    context.close()


def test_derived_keywords_are_told_apart_in_reasons(served, page):
    open_matcher(page, served["wshobson-agents"] + "match/")
    page.evaluate(FEED, "Document our REST API with OpenAPI")
    derived = page.locator("[data-pc-ranked] .pc-reason--derived")
    assert derived.count() > 0
    assert "matches derived keyword" in derived.first.inner_text()
    style = derived.first.evaluate("e => getComputedStyle(e).borderLeftStyle")
    assert style == "dashed"
    assert page.errors == []


def test_a_related_word_says_what_it_is_related_to(sample, page):
    """Issue 22: a task's word that is only related to an entry's term (``pods`` to
    Kubernetes, ``data/related.txt``) finds the entry at half the points, and the reason
    says so; ``personas match --format json`` gives the same order and the same note."""
    open_matcher(page, sample + "match/")
    task = "our pods keep restarting"
    shown = page.evaluate(FEED, task)
    assert shown[0][0] == "devops-engineer"
    first = page.locator("[data-pc-ranked] .pc-result").first
    reasons = first.locator(".pc-reason").all_inner_texts()
    assert any(r.startswith("pods (related to Kubernetes)") for r in reasons), reasons
    cli = subprocess.run(
        [sys.executable, "-m", "mkdocs_personas.cli", "match", task, "--format", "json"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    answer = json.loads(cli.stdout)
    assert [r["name"] for r in answer["results"]] == [name for name, _ in shown]
    related = [m for m in answer["results"][0]["matches"] if "related" in m]
    assert related and related[0]["related"] == "Kubernetes"
    assert page.errors == []


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    """A catalogue with a 60 KB keyword."""
    keyword = " ".join(f"word{i}" for i in range(9000))[:60_000]
    project = make_project(
        tmp_path_factory.mktemp("hostile-match"),
        {
            "personas/huge.md": persona("huge", keywords=[keyword, "Kafka"]),
            "personas/small.md": persona("small", keywords=["Kafka streams"]),
        },
        plugin={"max_front_matter_size": 200_000},
    )
    built = build_project(project)
    assert built.aborted is None
    with serve_site(built.site) as base:
        yield base


def test_a_hostile_keyword_or_task_does_not_freeze_the_page(hostile, page):
    """A 60 KB keyword is left out (more than 60 characters: issue 22); a 60 KB task is
    cut to 4,000 characters and never read as HTML."""
    open_matcher(page, hostile + "match/")
    shown = page.evaluate(FEED, "word1 word2 word3 and Kafka")
    assert shown[0][0] == "huge"
    labels = page.locator("[data-pc-ranked] .pc-reason__keyword").all_inner_texts()
    assert labels and max(len(label) for label in labels) <= 60
    assert not any("word1" in label for label in labels)
    task = "Kafka " + "word1 word2 <img src=x onerror=alert(1)> " * 2000
    assert len(task) > 60_000
    started = time.monotonic()
    page.fill("#pc-task", task)
    assert time.monotonic() - started < 5
    assert float(page.locator("[data-pc-matcher]").get_attribute("data-pc-ms")) < 500
    assert len(page.locator("[data-pc-highlight]").inner_text()) == 4000
    assert page.locator("[data-pc-cut]").is_visible()
    assert page.locator("[data-pc-highlight] img, [data-pc-ranked] img").count() == 0
    assert "task=" not in page.evaluate("location.search")
    assert page.errors == []


def test_the_task_in_the_address_keeps_the_fragment(sample, page):
    """Writing the task into the address keeps the fragment a reader followed (the skip
    link's ``#pc-title``): the matcher's data may arrive after the reader pressed it."""
    open_matcher(page, sample + "match/#pc-title")
    page.fill("#pc-task", TASK)
    assert page.evaluate("location.hash") == "#pc-title"
    assert "task=" in page.evaluate("location.search")
    page.fill("#pc-task", "")
    assert page.evaluate("location.search + location.hash") == "#pc-title"
    assert page.errors == []


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_axe_finds_no_violations_on_the_matcher_with_results(sample, chromium, scheme):
    context = chromium.new_context(color_scheme=scheme, viewport=DESKTOP, bypass_csp=True)
    page = context.new_page()
    open_matcher(page, sample + "match/?task=" + TASK.replace(" ", "+"))
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "axe.run(document, {runOnly: {type: 'tag', values: "
        "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}, resultTypes: ['violations']})"
    )
    violations = [(v["id"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert violations == [], (scheme, violations)
    context.close()


# ---- issue 22: one ranking everywhere, on every labelled task; the filter reads the files


def natural_options(name: str) -> dict[str, object] | None:
    """Plugin options reading the catalogue of a natural-task set (absolute globs); {} for
    the sample (this repository), None when the corpus is not on this machine."""
    spec = json.loads((REPO / "tests/tasks/natural" / f"{name}.json").read_text("utf-8"))[
        "catalogue"
    ]
    if spec["base"] == ".":
        return {}
    base = (REPO / spec["base"]).resolve()
    if not base.is_dir():
        return None
    globs = {key: [str(base / g) for g in spec[key]] for key in ("personas", "skills")}
    return {k: v for k, v in globs.items() if v}


def same_tree(one: Path, other: Path) -> bool:
    """Whether two folders hold the same files, byte for byte."""

    def files(root: Path) -> dict[str, bytes]:
        return {
            p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()
        }

    return files(one) == files(other)


@pytest.fixture(scope="session")
def natural_served(sample_base, corpus_site, tmp_path_factory):
    """Base URLs of the sites of the natural-task sets (issue 22) whose catalogue is here
    (a catalogue the task set also reads is built once for both; the natural set reads
    wshobson's in ../shared/corpora, conftest's corpus_site the copy in tests/corpora with
    the same globs: that site serves when the two folders are the same, byte for byte)."""
    import contextlib

    with contextlib.ExitStack() as stack:
        bases = {"sample": sample_base}
        for name in ("voltagent-subagents", "wshobson-agents"):
            options = natural_options(name)
            if options is None:
                continue
            copy = False
            if name == "wshobson-agents":
                spec = json.loads((REPO / "tests/tasks/natural" / f"{name}.json").read_text())
                base = str((REPO / spec["catalogue"]["base"]).resolve())
                moved = {
                    k: [g.replace(base, str(CORPUS), 1) for g in v] for k, v in options.items()
                }
                copy = moved == task_set(name)[1] and same_tree(Path(base), CORPUS)
            built = corpus_site if copy else globs_build(tmp_path_factory, options)
            assert built.aborted is None
            bases[name] = stack.enter_context(serve_site(built.site))
        yield bases


def test_the_page_and_personas_match_agree_on_every_natural_task(natural_served, page):
    """Orders, scores and the total count of /match/ are those of ``personas match``
    (the CLI's own code path: reader, derived keywords, match_data, search) on every task
    of the natural sets; one task per set also goes through the command itself."""
    from test_match import cli_json
    from test_search_quality import catalogue_of, natural

    from mkdocs_personas.analysis import ranking

    differences, count = [], 0
    for name, base in natural_served.items():
        tasks = natural(name)["tasks"]
        _, index, _, _ = catalogue_of(name)
        open_matcher(page, base + "match/")
        for task in tasks:
            count += 1
            shown = page.evaluate(FEED, task["task"])
            total = int(page.locator("[data-pc-matcher]").get_attribute("data-pc-total"))
            expected = ranking.search(index, task["task"], 20)
            cli = [[r.name, f"score {r.score:.3f}"] for r in expected.results]
            if shown != cli or total != expected.total:
                differences.append(f"{name}: {task['task']!r}\n  page {shown}\n  cli  {cli}")
        if name == "sample":
            first = tasks[0]["task"]
            data = cli_json(REPO / "mkdocs.yml", first, 20)
            expected = ranking.search(index, first, 20)
            assert data["total"] == expected.total
            assert [r["name"] for r in data["results"]] == [r.name for r in expected.results]
    assert count >= 44
    assert differences == []
    assert page.errors == []


def test_the_home_box_shows_the_top_of_the_match_page_with_the_same_count(sample, page):
    task = "Our Postgres schemas need a zero-downtime change and the API is slow"
    page.goto(sample)
    page.fill("#pc-task", task)
    page.wait_for_selector("[data-pc-matcher][data-pc-loaded]")
    page.wait_for_function("document.querySelectorAll('[data-pc-ranked] .pc-result').length > 0")
    home = page.eval_on_selector_all(
        "[data-pc-ranked] .pc-result", "cards => cards.map(c => c.dataset.name)"
    )
    home_status = page.locator("[data-pc-status]").inner_text()
    home_total = page.locator("[data-pc-matcher]").get_attribute("data-pc-total")
    more = page.locator("[data-pc-more]")
    assert more.is_visible()
    assert "task=" in more.get_attribute("href")
    open_matcher(page, sample + "match/?task=" + task.replace(" ", "+"))
    full = page.eval_on_selector_all(
        "[data-pc-ranked] .pc-result", "cards => cards.map(c => c.dataset.name)"
    )
    status = page.locator("[data-pc-status]").inner_text()
    assert len(home) == 5 < int(home_total)
    assert home == full[:5]
    assert page.locator("[data-pc-matcher]").get_attribute("data-pc-total") == home_total
    assert status.split(" (")[0] == home_status.split(" (")[0]
    assert status.startswith(f"{home_total} personas ranked by ")
    assert page.errors == []


def test_the_filter_finds_words_of_the_whole_file(corpus_site, page):
    """A word only in agents' bodies finds them in the catalogue filter (it read names,
    descriptions and keywords only: 0 of 39 for pytest and the like, issue 22)."""
    import re

    catalogue = json.loads((corpus_site.site / "catalogue.json").read_text("utf-8"))
    visible = {
        p["name"]
        for p in catalogue["personas"]
        if "pytest"
        in " ".join(
            [
                p["name"],
                p["title"],
                p["description"],
                *p["keywords"],
                *p["keywords_derived"],
                *p["expertise"],
            ]
        ).lower()
    }
    with serve_site(corpus_site.site) as base:
        page.goto(base + "catalogue/")
        page.wait_for_selector("form[data-pc-filter][data-pc-loaded]")
        page.fill("#pc-filter", "pytest")
        page.wait_for_selector("form[data-pc-filter][data-pc-text]")
        wait_drawn(page)  # a screenful at once, the rest after the paint
        names = set(
            page.eval_on_selector_all(
                "[data-pc-results] .pc-card", "cards => cards.map(c => c.dataset.name)"
            )
        )
        index = json.loads((corpus_site.site / "match.json").read_text("utf-8"))
        assert "pytest" in index["terms"]
        files = {n for n in names if n in {p["name"] for p in catalogue["personas"]}}
        assert len(files) > len(visible)
        status = page.locator("[data-pc-status]").inner_text()
        assert re.match(rf"{len(names)} ", status)
        page.fill("#pc-filter", "zzqxv nothing")
        empty = page.locator(".pc-empty")
        empty.wait_for()
        links = empty.locator("a").evaluate_all("a => a.map(x => x.href)")
        assert any("task=zzqxv" in link for link in links)
        assert any("zzqxv" in link and "task=" not in link for link in links)
    assert page.errors == []


CLI = (sys.executable, "-m", "mkdocs_personas.cli")


def test_copies_of_one_agent_show_once_with_links_to_each_name(corpus_site, page):
    """In the wshobson collection one performance engineer ships in several plugins: the
    page ranks it once, counts it once, and links every other name it goes by to a page
    that exists; ``personas match`` says the same."""
    task = "profile the slow checkout API and find the bottleneck"
    with serve_site(corpus_site.site) as base:
        open_matcher(page, base + "match/")
        page.evaluate(FEED, task)
        cards = page.locator("[data-pc-ranked] .pc-result")
        names = cards.evaluate_all("(cards) => cards.map((c) => c.dataset.name)")
        assert len(names) == len(set(names))
        folded = cards.filter(has=page.locator(".pc-copies"))
        assert folded.count() >= 1
        copies = folded.first.locator(".pc-copies")
        assert copies.inner_text().startswith("The same agent, also as: ")
        hrefs = copies.locator("a").evaluate_all("(links) => links.map((a) => a.href)")
        assert len(hrefs) >= 2
        for href in hrefs:
            assert href.startswith(base + "personas/")
            assert (corpus_site.site / href[len(base) :] / "index.html").is_file(), href
        shown_copies = [h[len(base + "personas/") :].strip("/") for h in hrefs]
        assert not set(shown_copies) & set(names)  # a copy is never a result of its own
        total = int(page.locator("[data-pc-matcher]").get_attribute("data-pc-total"))
        folded_name = folded.first.get_attribute("data-name")
    cli = json.loads(
        subprocess.run(
            [
                *CLI,
                "match",
                task,
                "--format",
                "json",
                "-f",
                str(corpus_site.project / "mkdocs.yml"),
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert cli["total"] == total
    assert [r["name"] for r in cli["results"]] == names[: len(cli["results"])]
    by_name = {r["name"]: r.get("copies") for r in cli["results"]}
    assert by_name[folded_name] == shown_copies
