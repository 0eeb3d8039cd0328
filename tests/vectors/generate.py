"""Write ``match.json``: the matcher's shared test vectors (Python and JavaScript run them).

    .venv/bin/python tests/vectors/generate.py

The catalogue and tasks below are the input; the index, the terms of each task and the
ranked results are what :mod:`mkdocs_personas.analysis.ranking` computes. Review the diff of
``match.json`` before committing it: it is the contract of ``docs/matching.md``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent / "plugins"))

from mkdocs_personas.analysis import ranking  # noqa: E402
from mkdocs_personas.sources.model import Entry, Kind  # noqa: E402

CATALOGUE = [
    (
        "persona",
        "database-tuner",
        "Database Tuner",
        "Tunes slow queries and indexes.",
        ["PostgreSQL", "query optimization", "schema"],
    ),
    (
        "persona",
        "mysql-keeper",
        "MySQL Keeper",
        "Keeps MySQL replicas healthy.",
        ["MySQL", "replication", "schema"],
    ),
    (
        "persona",
        "cluster-pilot",
        "Cluster Pilot",
        "Runs Kubernetes clusters and Helm releases.",
        ["Kubernetes", "Helm", "autoscaling"],
    ),
    (
        "persona",
        "pipeline-smith",
        "Pipeline Smith",
        "Builds release pipelines.",
        ["CI/CD", "GitHub Actions", "infrastructure as code"],
    ),
    (
        "persona",
        "event-keeper",
        "Event Keeper",
        "Designs event-driven services.",
        ["idempotency", "outbox pattern", "Kafka"],
    ),
    (
        "persona",
        "node-crafter",
        "Node Crafter",
        "Writes server code.",
        ["Node.js", "Express.js", "JavaScript"],
    ),
    (
        "persona",
        "cpp-smith",
        "C++ Smith",
        "Writes systems code.",
        ["C++", "CMake", "memory safety"],
    ),
    (
        "persona",
        "csharp-smith",
        "C# Smith",
        "Writes .NET services.",
        ["C#", ".NET", "ASP.NET Core"],
    ),
    (
        "persona",
        "a11y-checker",
        "Accessibility Checker",
        "Audits pages for screen readers and contrast.",
        ["WCAG", "screen reader", "a11y"],
    ),
    ("persona", "twin-alpha", "Twin Alpha", "One of two twins.", ["observability", "tracing"]),
    ("persona", "twin-beta", "Twin Beta", "The other of two twins.", ["observability", "tracing"]),
    (
        "persona",
        "release-captain",
        "Release Captain",
        "Leads each release train through its checklist.",
        ["release train", "changelog"],
    ),
    (
        "persona",
        "ops-release-captain",
        "Ops Release Captain",
        "Leads each release train through its checklist.",
        ["release train", "changelog"],
    ),
    (
        "persona",
        "story-writer",
        "Story Writer",
        "Writes user stories and acceptance criteria for a product roadmap.",
        [],
    ),
    (
        "skill",
        "cache-tuning",
        "Cache Tuning",
        "Speeds up reads with caches and invalidation.",
        ["caching"],
    ),
    (
        "skill",
        "database-tuner",
        "Database Tuner Skill",
        "A checklist for tuning queries.",
        ["query optimization"],
    ),
    (
        "persona",
        "gopher",
        "Gopher",
        "Writes services in one language.",
        ["Go"],
        ["Concurrency patterns"],
        "## Channels and goroutines\n\nProfiles with pprof; go through the race detector.",
    ),
    (
        "persona",
        "release-keeper",
        "Release Keeper",
        "Ships builds.",
        [],
        [],
        "# Terraform modules\n\nEvery deployment is staged: canary first, then the fleet.\n"
        "Stories in Gherkin stay with the product people.",
    ),
    (
        "persona",
        "stuffed",
        "Stuffed",
        "Says every word.",
        [f"word{i}" for i in range(1, 33)] + ["x" * 61],
    ),
]

SHARED = (
    "Read the request carefully, plan the change, write it down, review each step with the "
    "owner, measure the result, explain trade offs plainly, keep notes tidy, report progress "
    "daily, ask questions early, share drafts often, close loops politely, thank reviewers. "
    "Gather context, weigh options, prefer small batches, avoid surprises, document "
    "assumptions, verify outcomes, celebrate wins, learn from mistakes, stay curious, "
    "respect budgets, protect users, mind deadlines, welcome feedback, iterate calmly."
)
"""Body text of every persona of the vector catalogue: common words (in more than
``RARE`` files), each entry's ``BODY_BUDGET // entries`` most distinctive: all of them here."""

SYNONYMS = ["Rollout = release pipeline"]
"""A catalogue's own synonym group (``mkdocs.yml``), added to the shipped ones."""

TASKS = [
    ("synonym", "Tune our Postgres database"),
    ("abbreviation", "Autoscale our k8s cluster"),
    ("plural", "Our schemas drift between replicas"),
    ("word form", "Make the consumer idempotent"),
    ("punctuation: CI/CD written together", "A CICD pipeline"),
    ("punctuation: Node.js", "A nodejs server"),
    ("punctuation: C++ is not C#", "Port this C++ code"),
    ("punctuation: C# is not C++", "A C# service on dotnet"),
    ("abbreviation: JS", "Fix the JS bundle"),
    ("phrase of a keyword", "Check the screen readers"),
    ("abbreviation to a phrase", "Write IaC for the pipeline"),
    ("tie: same score, by name", "Add tracing and observability"),
    ("no keyword hit: description only", "Write user stories for the roadmap"),
    ("Unicode: fullwidth letters (NFKC) and case", "ＫＡＦＫＡ topics"),
    ("word forms: caches, caching", "Caching layer for reads"),
    ("catalogue synonym", "Plan the rollout"),
    ("stop words only", "what is the best way to do this"),
    ("empty task", ""),
    ("persona and skill of one name, and top", "query optimization for the database"),
    ("a rare body word", "Write Gherkin scenarios"),
    ("a heading", "terraform"),
    ("agent noun: deployment, deployer", "Find a deployer"),
    ("agent noun: audits, auditor", "An accessibility auditor"),
    ("expertise", "concurrency patterns"),
    ("bare go is the language", "go"),
    ("Go in a task about code", "fix a go concurrency bug"),
    ("go that is not the language", "go through the notes"),
    ("capital Go inside a phrase", "Teach me Go"),
    ("go as a verb in a task about code", "errors go up after the service deploy"),
    ("go ending a phrase after in", "rewrite this script in go"),
    ("filler words weigh nothing", "set up GitHub Actions CI, please help"),
    ("keywords beyond 30 do not count", "word31 word32 word1"),
    ("common body words: a small catalogue keeps them all", "review tidy drafts"),
    ("related word: redis finds caching, at half its points", "Put Redis in front of the reads"),
    (
        "related words: pods find Kubernetes, dashboards observability",
        "Our pods restart when the dashboards load",
    ),
    ("a related word's target in the task counts once", "Redis caching layer"),
    ("contraction parts are stop words", "the team's caches aren't warm"),
    ("copies fold into the one that ranks first", "Write the changelog of the release train"),
    ("a copy ranks first when the task names it", "ops changelog"),
]


def entry(
    kind: str,
    name: str,
    title: str,
    description: str,
    keywords: list[str],
    expertise: list[str] = (),
    body: str = "",
) -> Entry:
    head = f"---\nname: {name}\n---\n"
    raw = head + body
    return Entry(
        Kind(kind),
        name,
        title,
        description,
        f"{kind}s/{name}.md",
        raw,
        len(head),
        4,
        keywords=tuple(keywords),
        expertise=tuple(expertise),
    )


def rows() -> list[tuple]:
    """The catalogue: every persona's body ends with :data:`SHARED`."""
    found = []
    for row in CATALOGUE:
        kind, name, title, description, keywords, *rest = row
        expertise = rest[0] if rest else []
        body = rest[1] if len(rest) > 1 else ""
        if kind == "persona":
            body = (body + "\n\n" if body else "") + SHARED
        found.append((kind, name, title, description, keywords, expertise, body))
    return found


def main() -> None:
    catalogue = rows()
    entries = [entry(*row) for row in catalogue]
    index = ranking.index(entries, synonyms=SYNONYMS)
    analyzer = ranking.analyzer_of(index)
    cases = []
    for what, task in TASKS:
        top = 3 if what.endswith("and top") else 5
        found = ranking.search(index, task, top)
        cases.append(
            {
                "what": what,
                "task": task,
                "top": top,
                "terms": [[t, s] for t, s in analyzer.terms(task)],
                "total": found.total,
                "found": found.terms,
                "results": [r.to_data() for r in found.results],
            }
        )
    data = {
        "about": "Shared test vectors of docs/matching.md: run search(index, task, top) and "
        "compare with total, found (terms of the task in the index) and results; terms are "
        "the task's (term, spelling) pairs. Written by tests/vectors/generate.py.",
        "catalogue": [
            {
                "kind": k,
                "name": n,
                "title": t,
                "description": d,
                "keywords": kw,
                "expertise": list(ex),
                "body": b,
            }
            for k, n, t, d, kw, ex, b in catalogue
        ],
        "synonyms": SYNONYMS,
        "index": index,
        "cases": cases,
    }
    text = json.dumps(data, ensure_ascii=False, indent=1)
    (HERE / "match.json").write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
