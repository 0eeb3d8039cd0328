"""``personas match``: the site's ranking on the command line, with reasons, as text or JSON,
scored on the labelled task set (issue 13)."""

from __future__ import annotations

import contextlib
import io
import json
import subprocess
import sys
import tempfile
import time
from functools import cache
from pathlib import Path

from mkdocs_personas.analysis import ranking
from mkdocs_personas.cli import commands as cli

from conftest import REPO, build_project, make_project, persona

PERSONAS = [sys.executable, "-m", "mkdocs_personas.cli"]
TASK_SETS = {p.stem: p for p in sorted((REPO / "tests" / "tasks").glob("*.json"))}
TOP = 10


def run(*args: str, cwd: Path, stdin: str | None = None) -> subprocess.CompletedProcess:
    return subprocess.run(
        [*PERSONAS, *args], cwd=cwd, input=stdin, capture_output=True, text=True, timeout=120
    )


def task_set(name: str) -> tuple[list[dict], dict[str, object]] | None:
    """A labelled task set and the plugin options that read its catalogue (absolute
    globs); None for the sample (this repository's mkdocs.yml) and when the corpus is
    not on this machine."""
    data = json.loads(TASK_SETS[name].read_text(encoding="utf-8"))
    spec = data["catalogue"]
    base = (REPO / spec["base"]).resolve()
    if spec["base"] == ".":
        return data["tasks"], {}
    if not base.is_dir():
        return None
    globs = {key: [str(base / g) for g in spec[key]] for key in ("personas", "skills")}
    return data["tasks"], {k: v for k, v in globs.items() if v}


def corpus_project(root: Path, options: dict[str, object]) -> Path:
    """A project whose mkdocs.yml reads a corpus by globs (as tests/conftest.corpus_site)."""
    return make_project(root, {}, plugin=options)


def cli_json(config: Path, task: str, top: int = TOP) -> dict:
    """``personas match TASK --format json`` run through the command's entry point."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert (
            cli.main(["match", task, "--format", "json", "--top", str(top), "-f", str(config)]) == 0
        )
    return json.loads(out.getvalue())


def cli_batch(config: Path, tasks: list[str], top: int = TOP) -> list[dict]:
    """``personas match --tasks FILE --format json`` run through the command's entry point:
    the catalogue is read once for every task; one JSON result a task, in order."""
    assert not any("\n" in task for task in tasks)
    out = io.StringIO()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "tasks.txt"
        path.write_text("\n".join(tasks) + "\n", encoding="utf-8")
        argv = ["match", "--tasks", str(path), "--format", "json", "--top", str(top)]
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
            assert cli.main([*argv, "-f", str(config)]) == 0
    lines = out.getvalue().splitlines()
    assert len(lines) == len(tasks)
    return [json.loads(line) for line in lines]


@cache
def cli_rankings(name: str) -> dict[str, list[tuple[str, float]]] | None:
    """``(name, score)`` of the CLI's top results for every task of a task set, by task
    (one ``personas match --tasks`` for the whole set)."""
    found = task_set(name)
    if found is None:
        return None
    tasks, options = found
    with tempfile.TemporaryDirectory() as folder:
        config = corpus_project(Path(folder), options) / "mkdocs.yml" if options else None
        config = config or REPO / "mkdocs.yml"
        answers = cli_batch(config, [t["task"] for t in tasks])
    return {
        t["task"]: [(r["name"], r["score"]) for r in data["results"]]
        for t, data in zip(tasks, answers, strict=True)
    }


def scores(tasks: list[dict], orders: dict[str, list[str]]) -> tuple[int, float, float]:
    """How many tasks, and the shares with an acceptable persona first and in the top 3."""
    top1 = sum(orders[t["task"]][:1] != [] and orders[t["task"]][0] in t["accept"] for t in tasks)
    top3 = sum(any(n in t["accept"] for n in orders[t["task"]][:3]) for t in tasks)
    return len(tasks), top1 / len(tasks), top3 / len(tasks)


def report(front: str, parts: dict[str, list[tuple[list[dict], dict[str, list[str]]]]]) -> str:
    """Top-1 and top-3 of a front end, per task set and in all, tuning and held out."""
    lines, totals = [], {"tuning": [], "held-out": []}
    for name, sets in parts.items():
        for tasks, orders in sets:
            for part, held in (("tuning", False), ("held-out", True)):
                chosen = [t for t in tasks if t["heldout"] == held]
                n, top1, top3 = scores(chosen, orders)
                totals[part].append((n, top1, top3))
                lines.append(
                    f"{front} {name} {part}: {n} tasks, top-1 {top1:.0%}, top-3 {top3:.0%}"
                )
    for part, rows in totals.items():
        n = sum(r[0] for r in rows)
        top1 = sum(r[0] * r[1] for r in rows) / n
        top3 = sum(r[0] * r[2] for r in rows) / n
        lines.append(f"{front} ALL {part}: {n} tasks, top-1 {top1:.0%}, top-3 {top3:.0%}")
    return "\n".join(lines)


def tuning_top3(parts: dict[str, list[tuple[list[dict], dict[str, list[str]]]]]) -> float:
    chosen = [(t, orders) for sets in parts.values() for tasks, orders in sets for t in tasks]
    tuning = [(t, o) for t, o in chosen if not t["heldout"]]
    return sum(any(n in t["accept"] for n in o[t["task"]][:3]) for t, o in tuning) / len(tuning)


# ---- the command ---------------------------------------------------------------------


def test_match_prints_the_ranking_with_reasons(sample_site):
    task = "Our Postgres schemas need a zero-downtime change"
    result = run("match", task, "--top", "3", cwd=REPO)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    firsts = [line for line in lines if not line.startswith("   ")]
    assert len(firsts) == 3
    assert firsts[0].startswith("1. database-administrator  score ")
    assert "(personas/database-administrator.md)" in firsts[0]
    reasons = lines[1 : lines.index(firsts[1])]
    assert "   'Postgres' matches declared keyword 'PostgreSQL'  +" in reasons[0]
    assert any("'schemas' matches declared keyword 'schema'" in r for r in reasons)
    assert "Traceback" not in result.stderr


def test_json_is_the_ranking_of_the_built_sites_index(sample_site):
    """The CLI reads mkdocs.yml as the build does (derived keywords, synonyms): its
    ranking is the one of the site's own match.json."""
    index = json.loads((sample_site.site / "match.json").read_text(encoding="utf-8"))
    assert "keywords" not in index  # the page takes the spellings from catalogue.json
    catalogue = json.loads((sample_site.site / "catalogue.json").read_text(encoding="utf-8"))
    index = ranking.with_labels(index, catalogue["personas"])
    for task in [
        "Make the order webhook consumer idempotent with a transactional outbox",
        "Deploy on k8s with CI/CD and write the runbook",
        "ＫＡＦＫＡ consumers lag; tune Postgres",
    ]:
        data = cli_json(REPO / "mkdocs.yml", task, 5)
        expected = [r.to_data() for r in ranking.rank(index, task, 5)]
        assert [
            {k: v for k, v in r.items() if k in ("name", "kind", "score")} for r in data["results"]
        ] == [{k: r[k] for k in ("name", "kind", "score")} for r in expected]
        for got, want in zip(data["results"], expected, strict=True):
            mine = [{k: v for k, v in m.items() if k != "origin"} for m in got["matches"]]
            assert mine == want["matches"]
            assert got["url"] == f"personas/{got['name']}/"
            assert (REPO / got["path"]).is_file()
        assert data["results"], task


SMALL = {
    "personas/stream-keeper.md": persona(
        "stream-keeper", keywords=["Kafka", "outbox pattern"], expertise=["Streaming"]
    ),
    "personas/cluster-pilot.md": "---\nname: cluster-pilot\ndescription: Runs Kubernetes "
    "clusters. Use PROACTIVELY for Helm charts and autoscaling.\n---\n\n# Cluster Pilot\n\n"
    "You run clusters.\n",
    "personas/release-clerk.md": persona(
        "release-clerk", keywords=["release train"], expertise=["Releases"]
    ),
}
"""Declared keywords, a persona with none (derived ones), and a catalogue synonym."""


def test_standard_input_top_and_origins(tmp_path):
    make_project(tmp_path, SMALL, plugin={"synonyms": ["release train = rollout"]})
    task = "Plan the rollout of Helm charts on k8s, then add an outbox to Kafka"
    by_argument = run("match", task, "--format", "json", cwd=tmp_path)
    by_stdin = run("match", "-", "--format", "json", cwd=tmp_path, stdin=task)
    assert by_argument.returncode == by_stdin.returncode == 0, by_argument.stderr
    data = json.loads(by_argument.stdout)
    assert json.loads(by_stdin.stdout) == data
    names = [r["name"] for r in data["results"]]
    assert set(names) == {"stream-keeper", "cluster-pilot", "release-clerk"}
    origins = {r["name"]: {m["origin"] for m in r["matches"]} for r in data["results"]}
    assert "derived" in origins["cluster-pilot"], data
    assert origins["stream-keeper"] == {"declared"}
    rollout = data["results"][names.index("release-clerk")]["matches"][0]
    assert (rollout["task"], rollout["keyword"]) == ("rollout", "release train")
    top = json.loads(run("match", task, "--format", "json", "--top", "1", cwd=tmp_path).stdout)
    assert [r["name"] for r in top["results"]] == names[:1]


def test_the_options_of_mkdocs_yml_count(tmp_path):
    make_project(tmp_path, SMALL, plugin={"derive_keywords": False})
    data = json.loads(
        run("match", "Plan the rollout of Helm charts", "--format", "json", cwd=tmp_path).stdout
    )
    assert [r["name"] for r in data["results"]] == ["cluster-pilot"]
    assert {m["origin"] for m in data["results"][0]["matches"]} == {"text"}


def test_a_hostile_task_is_read_up_to_its_limit(tmp_path):
    make_project(
        tmp_path, {"personas/stream-keeper.md": persona("stream-keeper", keywords=["Kafka"])}
    )
    task = "kafka " * 10_000 + "x" * 60_000
    started = time.monotonic()
    result = run("match", "-", "--format", "json", cwd=tmp_path, stdin=task)
    assert time.monotonic() - started < 20
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["truncated"] is True and len(data["task"]) == cli.MAX_TASK
    assert [r["name"] for r in data["results"]] == ["stream-keeper"]
    assert "only the first 4,000 characters of the task were read" in result.stderr


def test_nothing_matches_and_a_missing_configuration(tmp_path):
    make_project(
        tmp_path, {"personas/stream-keeper.md": persona("stream-keeper", keywords=["Kafka"])}
    )
    result = run("match", "what is the best way to do this", cwd=tmp_path)
    assert result.returncode == 0
    assert result.stdout == ""
    assert "No persona matches a word of this task." in result.stderr
    missing = run("match", "kafka", "-f", "nowhere.yml", cwd=tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.startswith("personas: cannot read nowhere.yml")
    assert "Traceback" not in missing.stderr


def main_output(*argv: str, stdin: str = "") -> tuple[int, str, str]:
    """Exit code, standard output and standard error of ``personas`` run in this process
    (``main``, the console script's entry point)."""
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin
    sys.stdin = io.StringIO(stdin)
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = cli.main(list(argv))
    finally:
        sys.stdin = saved
    return code, out.getvalue(), err.getvalue()


def test_a_tasks_file_gives_every_task_what_the_single_task_command_gives(tmp_path):
    """``personas match --tasks FILE``: one process, one reading of the catalogue, and for
    each line the output of ``personas match TASK`` (JSON and text, with the same notes
    on standard error), in the order of the lines."""
    make_project(tmp_path, SMALL, plugin={"synonyms": ["release train = rollout"]})
    config = str(tmp_path / "mkdocs.yml")
    tasks = [
        "Plan the rollout of Helm charts on k8s, then add an outbox to Kafka",
        "ＫＡＦＫＡ streams and the release train",
        "what is the best way to do this",
        "kafka " * 1000,
        "Autoscaling clusters with Helm",
    ]
    (tmp_path / "tasks.txt").write_text("\n\n".join(tasks) + "\r\n", encoding="utf-8")
    batch = run("match", "--tasks", "tasks.txt", "--format", "json", "--top", "2", cwd=tmp_path)
    assert batch.returncode == 0, batch.stderr
    lines = batch.stdout.splitlines()
    assert len(lines) == len(tasks)
    texts, notes = [], []
    for number, (task, line) in enumerate(zip(tasks, lines, strict=True), 1):
        code, out, err = main_output("match", task, "--format", "json", "--top", "2", "-f", config)
        assert code == 0
        assert json.loads(line) == json.loads(out), task
        code, out, err = main_output("match", task, "--top", "2", "-f", config)
        texts.append(f"task {number}: {cli.read_task(task)}\n{out}")
        notes.append(
            err.replace("this task", f"task {number}").replace("the task", f"task {number}")
        )
    assert sum(bool(json.loads(line)["results"]) for line in lines) == 4
    assert json.loads(lines[3])["truncated"] is True
    by_stdin = run(
        "match", "--tasks", "-", "--top", "2", "-f", config, cwd=REPO, stdin="\n".join(tasks)
    )
    assert by_stdin.returncode == 0, by_stdin.stderr
    assert by_stdin.stdout == "\n".join(texts)
    assert by_stdin.stderr == "".join(notes)
    assert "No persona matches a word of task 3." in by_stdin.stderr
    assert "only the first 4,000 characters of task 4 were read" in by_stdin.stderr


def test_a_tasks_file_on_the_sample_ranks_as_one_command_a_task():
    tasks = [t["task"] for t in task_set("sample")[0][:5]]
    config = REPO / "mkdocs.yml"
    assert cli_batch(config, tasks, 5) == [cli_json(config, task, 5) for task in tasks]


def test_match_takes_a_task_or_a_tasks_file(tmp_path):
    make_project(
        tmp_path, {"personas/stream-keeper.md": persona("stream-keeper", keywords=["Kafka"])}
    )
    (tmp_path / "tasks.txt").write_bytes(b"kafka\n\xff\xfe\n")
    for argv in (["match"], ["match", "kafka", "--tasks", "tasks.txt"]):
        code, out, err = main_output(*argv, "-f", str(tmp_path / "mkdocs.yml"))
        assert (code, out) == (2, "")
        assert err.startswith("personas: match takes a TASK or --tasks FILE"), err
    for name, reason in (("tasks.txt", "utf-8"), ("missing.txt", "No such file")):
        code, out, err = main_output("match", "--tasks", str(tmp_path / name))
        assert (code, out) == (2, "")
        assert err.startswith(f"personas: cannot read the tasks file {tmp_path / name}: "), err
        assert reason in err and "one task a line" in err and "Traceback" not in err


# ---- the labelled task set -----------------------------------------------------------


def test_the_cli_finds_an_acceptable_persona_in_its_top_three(capsys):
    parts: dict[str, list] = {}
    skipped = []
    for name in TASK_SETS:
        rankings = cli_rankings(name)
        if rankings is None:
            skipped.append(name)
            continue
        tasks = task_set(name)[0]
        orders = {task: [n for n, _ in ranked] for task, ranked in rankings.items()}
        parts[name] = [(tasks, orders)]
    text = report("CLI", parts) + "".join(f"\nCLI {n}: corpus missing, skipped" for n in skipped)
    with capsys.disabled():
        print("\n" + text)
    assert tuning_top3(parts) >= 0.8, text


def test_the_text_output_says_what_a_related_word_is_related_to():
    """``pods`` is related to Kubernetes (``data/related.txt``): the reason says so, and
    the word that the task says itself is listed apart."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(io.StringIO()):
        assert cli.main(["match", "our pods keep restarting", "-f", str(REPO / "mkdocs.yml")]) == 0
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("1. devops-engineer  score ")
    assert "   'pods' (related to Kubernetes) matches declared keyword 'Kubernetes'  +" in lines[1]
    assert any(line.startswith("   'pods' in its text  +") for line in lines[1:4])


COPIES = {
    "personas/app/perf-app.md": persona(
        "perf-app",
        keywords=("profiling",),
        description="Finds why services are slow.",
        body="Profiles slow services and reads flamegraphs to find the bottleneck.\n",
    ),
    "personas/obs/perf-obs.md": persona(
        "perf-obs",
        keywords=("profiling",),
        description="Finds why services are slow.",
        body="Profiles slow services and reads flamegraphs to find the bottleneck.\n",
    ),
    "personas/obs/tracer.md": persona(
        "tracer",
        keywords=("tracing",),
        description="Follows requests across services.",
        body="Traces slow requests across services.\n",
    ),
}
"""One agent shipped by two plugins under two names (the same file but its name), and
another agent."""


def test_copies_of_one_agent_rank_once_and_name_each_other(tmp_path):
    """A plugin collection ships one agent under several names: the matcher ranks it once
    (the copy that ranks first), counts it once and names the other copies, in the JSON,
    the text and the built site's index alike."""
    make_project(tmp_path, COPIES)
    data = json.loads(
        run("match", "profiling slow services", "--format", "json", cwd=tmp_path).stdout
    )
    assert [(r["name"], r.get("copies")) for r in data["results"]] == [
        ("perf-app", ["perf-obs"]),
        ("tracer", None),
    ]
    assert data["total"] == 2
    named = json.loads(run("match", "perf obs profiling", "--format", "json", cwd=tmp_path).stdout)
    assert named["results"][0]["name"] == "perf-obs"  # the copy the task names comes first
    assert named["results"][0]["copies"] == ["perf-app"]
    text = run("match", "profiling slow services", cwd=tmp_path).stdout.splitlines()
    assert text[0].startswith("1. perf-app  score ")
    assert text[1] == "   the same agent, also as: perf-obs"
    built = build_project(tmp_path)
    assert built.aborted is None
    index = json.loads((built.site / "match.json").read_text(encoding="utf-8"))
    assert [index["names"][p] for p in index["copies"][0]] == ["perf-app", "perf-obs"]
    assert len(index["copies"]) == 1
