"""``personas validate`` agrees with skills-ref (npm 0.1.5, recorded in
``tests/conformance/skills_ref/``) on every skill of the conformance cases and of
``../shared/corpora``, or the difference is listed here with its reason (issue 20).

Agreement is per rule: each skills-ref message and each of our problems on a ``SKILL.md``
is put in one of the spec's rule groups, and the groups must be equal for every skill."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from mkdocs_personas.catalogue.catalogue import Reader, Settings
from mkdocs_personas.catalogue.validate import SPEC_FOLDER_RULE, SPEC_NAME_RULE

from conftest import REPO

RECORDED = REPO / "tests" / "conformance" / "skills_ref"
SHARED = REPO.parent / "shared" / "corpora"

REF_RULES = (
    ("Unexpected fields in frontmatter", "fields"),
    ("Directory name ", "folder"),
    ("Skill name ", "name"),
    ("Description exceeds 1024 character limit", "description"),
    ("Compatibility exceeds 500 character limit", "compatibility"),
    ("Missing required field in frontmatter: description", "description-missing"),
    ("Field 'description' must be a non-empty string", "description-missing"),
    ("Missing required field in frontmatter: name", "name-missing"),
    ("Field 'name' must be a non-empty string", "name-missing"),
    ("SKILL.md must start with YAML frontmatter", "front"),
    ("SKILL.md frontmatter not properly closed", "front"),
    ("Invalid YAML in frontmatter", "yaml"),
)

KNOWN_DIFFERENCES = {
    "fields": (
        "skills-ref accepts only the spec's six fields (name, description, license, "
        "allowed-tools, metadata, compatibility) and rejects a skill with any other. We keep "
        "other fields as metadata without a warning: Claude Code documents more skill fields "
        "(version, model, argument-hint, disable-model-invocation...), every client ignores "
        "the ones it does not know, and agentskills-core 0.7.0 accepts them (recorded: the "
        "case unknown-fields is valid there)."
    ),
}
"""Rule groups where skills-ref rejects a skill and ``personas validate`` does not warn,
and why. Every other group must agree on every skill."""


def ours(problem) -> str | None:
    """The rule group of one of our problems, or None for problems skills-ref has no
    rule for (hidden text, hints, links...)."""
    message = problem.message
    if problem.field == "name":
        if SPEC_NAME_RULE in message:
            return "name"
        if SPEC_FOLDER_RULE in message:
            return "folder"
        if "required field is missing" in message or "empty value" in message:
            return "name-missing"
    if problem.field == "description":
        if "Description exceeds 1024 character limit" in message:
            return "description"
        if "requires a description" in message:
            return "description-missing"
    if problem.field == "compatibility" and "Compatibility exceeds" in message:
        return "compatibility"
    if problem.field == "front matter":
        return "front"
    if "Claude Code" in message and ("YAML" in message or "plain text" in message):
        return "yaml"  # a value YAML refuses, read as Claude Code's retry reads it
    if problem.fatal and problem.field in ("yaml", "front matter"):
        return "yaml"
    return None


def theirs(message: str) -> str:
    for start, group in REF_RULES:
        if message.startswith(start):
            return group
    raise AssertionError(f"a skills-ref message this test does not know: {message!r}")


def compare(recording: Path, base: Path) -> tuple[dict, dict]:
    """(skill folder -> (their groups, our groups)) for every recorded skill, and the
    recorded verdicts."""
    if not recording.is_file():
        pytest.skip(f"{recording} is not recorded yet (scripts/record_skills_ref.py)")
    data = json.loads(recording.read_text(encoding="utf-8"))
    assert data["client"] == "skills-ref" and data["version"] == "0.1.5"
    folders = {Path(folder) for folder in data["skills"]}
    missing = [f for f in folders if not (base / f).is_dir()]
    if missing:
        pytest.skip(f"{base} does not hold the recorded skills ({len(missing)} missing)")
    globs = tuple(sorted(f"{f.as_posix()}/SKILL.md" for f in folders))
    _, problems = Reader().load(Settings(base, (), globs, exclude=()))
    found: dict[str, set[str]] = {f.as_posix(): set() for f in folders}
    for problem in problems:
        folder = problem.path.removesuffix("/SKILL.md")
        group = ours(problem)
        if folder in found and group:
            found[folder].add(group)
    result = {}
    for folder, verdict in data["skills"].items():
        groups = {theirs(m) for m in verdict["messages"]}
        assert verdict["valid"] == (not groups), (folder, verdict)
        result[folder] = (groups, found[folder])
    return result, data["skills"]


def check(result: dict) -> dict[str, set[str]]:
    """Every skill agrees, but for the known differences; returns those, by skill."""
    disagree = {}
    explained = {}
    for folder, (their, our) in sorted(result.items()):
        known = (their ^ our) & set(KNOWN_DIFFERENCES)
        if their - set(KNOWN_DIFFERENCES) != our - set(KNOWN_DIFFERENCES) or (
            our & set(KNOWN_DIFFERENCES)
        ):
            disagree[folder] = (sorted(their), sorted(our))
        if known:
            explained[folder] = known
    assert disagree == {}, disagree
    return explained


def test_validate_agrees_with_skills_ref_on_the_conformance_cases():
    result, _ = compare(RECORDED / "cases.json", REPO)
    explained = check(result)
    assert explained == {"tests/conformance/skills/cases/unknown-fields": {"fields"}}
    # Each rule group skills-ref has is met at least once, so the comparison means something.
    seen = set().union(*(their for their, _ in result.values()))
    assert {"name", "folder", "description", "compatibility", "description-missing"} <= seen
    assert {"name-missing", "front", "yaml"} <= seen


def test_validate_agrees_with_skills_ref_on_every_skill_of_the_shared_corpora():
    result, verdicts = compare(RECORDED / "wshobson-agents.json", SHARED / "wshobson-agents")
    assert len(result) == 181
    explained = check(result)
    # The only differences: skills that declare a `version` (skills-ref: unexpected field).
    assert all(groups == {"fields"} for groups in explained.values())
    for folder in explained:
        assert all(
            "Unexpected fields in frontmatter: version." in m for m in verdicts[folder]["messages"]
        )
    assert len(explained) == sum(
        1
        for v in verdicts.values()
        if any(m.startswith("Unexpected fields") for m in v["messages"])
    )
    # The one skill whose folder is not its name is a warning of ours too.
    assert result["plugins/database-design/skills/postgresql"] == ({"folder"}, {"folder"})


def test_voltagent_has_no_skills_to_compare():
    assert not list((SHARED / "voltagent-subagents").rglob("SKILL.md"))
