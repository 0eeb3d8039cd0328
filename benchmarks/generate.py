"""Generate a synthetic persona catalogue of N personas (and N/5 skills) with a fixed seed.

The files follow the reference persona's shape and sizes (4–6 KB, 15 keywords, 5
expertise phrases, four body sections), draw keywords from a shared vocabulary with a
long tail (so keywords overlap the way real catalogues do), and write expertise as
free-text phrases, most used by one persona.

    python benchmarks/generate.py OUT --personas 1000 [--seed 7] [--plain]

``--plain`` also writes the same files as plain Material pages under ``OUT/plain``,
the baseline the benchmark compares with.
"""

from __future__ import annotations

import argparse
import random
import shutil
from pathlib import Path

AREAS = """api gateway, authentication, authorization, caching, ci/cd, cloud cost, compliance,
containers, data modeling, data pipelines, data quality, database tuning, deployment,
design systems, distributed tracing, documentation, domain modeling, edge computing,
event sourcing, feature flags, frontend performance, graph databases, incident response,
infrastructure as code, kubernetes, load testing, localization, machine learning,
message queues, microservices, mobile apps, model serving, monitoring, networking,
observability, accessibility, payments, penetration testing, performance tuning, privacy,
product analytics, rate limiting, release management, reliability, schema migrations,
search relevance, secrets management, serverless, service mesh, stream processing,
supply chain security, test automation, threat modeling, type systems, usability,
vector search, web security, workflow orchestration, wasm, gpu scheduling""".replace(
    "\n", " "
).split(", ")

WORDS = """kafka pulsar rabbitmq postgres mysql redis mongodb cassandra clickhouse snowflake
bigquery spark flink airflow dbt terraform pulumi ansible helm argo istio envoy nginx
grpc graphql rest openapi oauth oidc saml jwt tls mtls vault sops prometheus grafana
loki tempo jaeger opentelemetry sentry pagerduty slo sli sla chaos canary blue-green
rollback idempotency backpressure sharding replication consensus raft paxos crdt
eventual-consistency cqrs saga outbox cdc debezium etl elt parquet iceberg delta
lakehouse feature-store mlflow kubeflow pytorch tensorflow onnx triton llm rag
embeddings fine-tuning evaluation prompt guardrails react vue svelte angular nextjs
webpack vite typescript rust go java kotlin swift python ruby elixir scala haskell
wcag aria screen-reader contrast i18n l10n unicode pci gdpr hipaa soc2 sbom sast dast
fuzzing owasp xss csrf ssrf sqli rce zero-trust waf ddos cdn dns bgp ipv6 quic http3
websockets sse webhooks cron batch streaming lambda fargate cloud-run ecs eks gke aks
s3 gcs blob-storage queue topic partition offset schema-registry avro protobuf json
yaml toml sqlite duckdb pandas polars numpy jupyter notebook dashboard okr kpi roadmap
discovery backlog sprint kanban retro postmortem runbook on-call toil capacity
autoscaling cost finops budget forecasting latency throughput p99 profiling flamegraph
heap gc memory-leak deadlock race-condition mutex async coroutine actor""".split()

VERBS = ["designs", "reviews", "operates", "hardens", "scales", "debugs", "audits", "builds"]
QUALIFIERS = [
    "at scale",
    "in production",
    "for regulated teams",
    "under load",
    "across regions",
    "with small teams",
    "for startups",
    "in legacy systems",
]


COMMON_EXPERTISE = [
    f"{area.capitalize()}{suffix}" for area in AREAS for suffix in ("", " at scale")
]
"""Expertise phrases many personas share; the rest are free text, mostly unique."""


def _phrase(rng: random.Random) -> str:
    """An expertise phrase: a third from a common pool, the rest free text."""
    if rng.random() < 0.35:
        return rng.choice(COMMON_EXPERTISE)
    area = rng.choice(AREAS)
    if rng.random() < 0.5:
        return f"{area.capitalize()} & {rng.choice(AREAS)} {rng.choice(QUALIFIERS)}"
    return f"{rng.choice(WORDS).capitalize()} and {rng.choice(WORDS)} for {area}"


def _keywords(rng: random.Random, count: int) -> list[str]:
    """Keywords with a realistic overlap: a few popular ones (each in about a fifth of the
    personas), a long tail from the whole vocabulary, and some two-word phrases."""
    chosen: dict[str, str] = {}
    while len(chosen) < count:
        word = rng.choice(WORDS[:20]) if rng.random() < 0.3 else rng.choice(WORDS)
        if rng.random() < 0.2:
            word = f"{word} {rng.choice(WORDS)}"
        chosen.setdefault(word.casefold(), word.upper() if len(word) <= 3 else word)
    return list(chosen.values())


def _paragraph(rng: random.Random, words: int) -> str:
    vocabulary = WORDS + [a for a in AREAS] + ["the", "and", "with", "for", "when", "to"] * 8
    text = " ".join(rng.choice(vocabulary) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def _body(rng: random.Random, title: str, keywords: list[str], skills: list[str]) -> str:
    lines = [
        f"# {title}",
        "",
        f"You are a {title.lower()} who {rng.choice(VERBS)} "
        f"{rng.choice(AREAS)} {rng.choice(QUALIFIERS)}.",
        "",
        "## Core Expertise",
        "",
    ]
    for _ in range(4):
        lines += [f"**{rng.choice(AREAS).title()}:**"]
        lines += [
            f"- {rng.choice(WORDS)} {rng.choice(AREAS)} and {rng.choice(WORDS)}" for _ in range(5)
        ]
        lines += [""]
    lines += ["## Working Principles", ""]
    lines += [f"{i}. **{rng.choice(WORDS).title()}** - {_paragraph(rng, 9)}" for i in range(1, 7)]
    lines += ["", "## When Activated", "", "You are activated when:"]
    lines += [f"- Working with {keyword}" for keyword in keywords[:6]]
    lines += ["", "## Integration with Skills", "", _paragraph(rng, 40), ""]
    lines += [f"- Uses `{skill}` for {rng.choice(AREAS)}" for skill in skills]
    lines += ["", _paragraph(rng, 60), ""]
    return "\n".join(lines)


def _yaml_list(key: str, values: list[str]) -> list[str]:
    return [f"{key}:"] + [f'  - "{value}"' for value in values]


def _bundle(rng: random.Random, folder: Path, name: str) -> list[str]:
    """Give a skill folder what real skills carry: two or three reference documents of a
    few kilobytes, a script, a template and an SVG logo; return the links to add."""
    links = []
    for index in range(rng.randint(2, 3)):
        topic = rng.choice(AREAS).replace("/", " ")
        text = [f"# {topic.title()} reference {index + 1}", ""]
        for section in range(4):
            text += [f"## Part {section + 1}", "", _paragraph(rng, 60), ""]
            text += [f"- {rng.choice(WORDS)} {rng.choice(AREAS)}" for _ in range(5)] + [""]
        path = folder / "references" / f"{topic.replace(' ', '-')}-{index}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(text), encoding="utf-8")
        links.append(f"- [{topic} reference](references/{path.name})")
    script = folder / "scripts" / "check.py"
    script.parent.mkdir(parents=True, exist_ok=True)
    body = "".join(f"    print({rng.choice(WORDS)!r})\n" for _ in range(40))
    script.write_text(f'"""Checks for {name}."""\n\n\ndef main():\n{body}', encoding="utf-8")
    links.append("- [check script](scripts/check.py)")
    template = folder / "templates" / "report.md"
    template.parent.mkdir(parents=True, exist_ok=True)
    template.write_text(f"# Report for {name}\n\n{_paragraph(rng, 40)}\n", encoding="utf-8")
    logo = folder / "assets" / "logo.svg"
    logo.parent.mkdir(parents=True, exist_ok=True)
    logo.write_text('<svg xmlns="http://www.w3.org/2000/svg"><circle r="4"/></svg>\n')
    return links


def generate(
    out: Path, personas: int, seed: int = 7, plain: bool = False, bundles: bool = False
) -> Path:
    """Write the catalogue project to ``out`` and return it (``bundles``: every skill
    folder also holds references, a script, a template and an SVG)."""
    rng = random.Random(seed)
    if out.exists():
        shutil.rmtree(out)
    skill_names = [
        f"{rng.choice(AREAS).replace(' ', '-').replace('/', '-')}-{i}"
        for i in range(max(1, personas // 5))
    ]
    for name in skill_names:
        title = name.replace("-", " ").title()
        area = rng.choice(AREAS)
        lines = [
            "---",
            f"name: {name}",
            f'description: "Applies {area} practices. Use when '
            f'{rng.choice(VERBS)} {rng.choice(AREAS)}."',
            "---",
            "",
            f"# {title}",
            "",
            _paragraph(rng, 50),
            "",
            "## When to Use This Skill",
            "",
        ]
        lines += [f"- {rng.choice(WORDS)} {rng.choice(AREAS)}" for _ in range(6)]
        lines += ["", "## Steps", ""] + [f"{i}. {_paragraph(rng, 14)}" for i in range(1, 8)]
        lines += ["", "```bash", f"run-{name} --check", "```", ""]
        path = out / "skills" / name / "SKILL.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        if bundles:
            lines += ["## Files", "", *_bundle(rng, path.parent, name), ""]
        path.write_text("\n".join(lines), encoding="utf-8")
    teams = [f"team-{i}" for i in range(max(1, personas // 400))]
    for index in range(personas):
        role = rng.choice(AREAS).replace("/", " ")
        kind = rng.choice(["engineer", "architect", "lead", "specialist"])
        name = f"{role.replace(' ', '-')}-{kind}-{index}"
        title = name.rsplit("-", 1)[0].replace("-", " ").title() + " Persona"
        keywords = _keywords(rng, rng.randint(10, 18))
        expertise = list(dict.fromkeys(_phrase(rng) for _ in range(5)))
        skills = rng.sample(skill_names, k=min(len(skill_names), rng.randint(1, 3)))
        front = [
            "---",
            f"name: {name}",
            *_yaml_list("expertise", expertise),
            *_yaml_list("activation_keywords", keywords),
            f"complexity_threshold: {rng.choice(['low', 'medium', 'high'])}",
            *_yaml_list("skills", skills),
            "---",
            "",
        ]
        path = out / "personas" / rng.choice(teams) / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(
            "\n".join(front) + "\n" + _body(rng, title, keywords, skills), encoding="utf-8"
        )
    (out / "docs").mkdir(parents=True, exist_ok=True)
    (out / "docs" / "index.md").write_text("# Synthetic catalogue\n", encoding="utf-8")
    (out / "mkdocs.yml").write_text(
        "site_name: Synthetic catalogue\ntheme:\n  name: material\n"
        "plugins:\n  - search\n  - personas\nnav:\n  - Home: index.md\n"
        "  - Catalogue: catalogue/index.md\n",
        encoding="utf-8",
    )
    if plain:
        docs = out / "plain" / "docs"
        shutil.copytree(out / "personas", docs / "personas")
        # Plain Material builds the same Markdown files; it copies other files as they are.
        shutil.copytree(out / "skills", docs / "skills")
        (docs / "index.md").write_text("# Synthetic catalogue\n", encoding="utf-8")
        (out / "plain" / "mkdocs.yml").write_text(
            "site_name: Synthetic catalogue\ntheme:\n  name: material\n"
            "plugins:\n  - search\nnav:\n  - Home: index.md\n",
            encoding="utf-8",
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--personas", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--bundles", action="store_true")
    args = parser.parse_args()
    generate(args.out, args.personas, args.seed, args.plain, args.bundles)


if __name__ == "__main__":
    main()
