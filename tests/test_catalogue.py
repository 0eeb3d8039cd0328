"""The catalogue: sorted, unique names, checked references, and a parse cache for serve."""

import os

from mkdocs_personas.catalogue.catalogue import Reader, Settings, load
from mkdocs_personas.sources.model import Kind

from conftest import persona, skill, write


def test_entries_are_sorted_by_name_whatever_the_file_order(tmp_path):
    write(
        tmp_path,
        {
            "personas/z-file.md": persona("alpha"),
            "personas/a-file.md": persona("zulu"),
            "skills/b/SKILL.md": skill("beta"),
            "skills/a/SKILL.md": skill("gamma"),
        },
    )
    catalogue, _ = load(Settings(tmp_path))
    assert [p.name for p in catalogue.personas] == ["alpha", "zulu"]
    assert [s.name for s in catalogue.skills] == ["beta", "gamma"]


def test_a_persona_and_a_skill_may_share_a_name(tmp_path):
    write(tmp_path, {"personas/tdd.md": persona("tdd"), "skills/tdd/SKILL.md": skill("tdd")})
    catalogue, problems = load(Settings(tmp_path))
    assert problems == [] and len(catalogue.entries) == 2


def test_look_alike_names_are_both_kept_and_reported_as_a_security_finding(tmp_path):
    write(
        tmp_path,
        {
            "personas/a.md": persona("cafe"),
            "personas/b.md": "---\nname: ｃａｆｅ\n---\n",
        },
    )
    catalogue, problems = load(Settings(tmp_path))
    assert [p.name for p in catalogue.personas] == ["cafe-a", "cafe-b"]
    assert catalogue.ambiguous == {(Kind.PERSONA, "cafe"): ("cafe-a", "cafe-b")}
    (finding,) = [p for p in problems if p.path == "personas/b.md" and p.security]
    assert finding.security and not finding.fatal
    assert str(finding).startswith(
        "personas/b.md:2:7: security: name: persona name 'ｃａｆｅ' is also used by "
        "personas/a.md (page personas/cafe-a/) (names that look alike"
    )
    assert "this file's page is personas/cafe-b/" in str(finding)


def test_dangling_references_are_warnings_with_the_closest_name(tmp_path):
    write(
        tmp_path,
        {
            "personas/a.md": persona(
                "a", skills=["test-driven-developmnt"], related_personas=["bb"]
            ),
            "personas/b.md": persona("b"),
            "skills/test-driven-development/SKILL.md": skill("test-driven-development"),
        },
    )
    catalogue, problems = load(Settings(tmp_path))
    assert [str(p) for p in problems] == [
        "personas/a.md:9:3: warning: skills: no skill is called 'test-driven-developmnt'; "
        "did you mean 'test-driven-development'?",
        "personas/a.md:11:3: warning: related_personas: no persona is called 'bb'; did you mean 'b'?",
    ]
    assert not any(p.fatal for p in problems)
    assert len(catalogue.personas) == 2


def test_the_reader_parses_only_changed_files_again(tmp_path):
    write(tmp_path, {f"personas/p{i}.md": persona(f"p{i}") for i in range(5)})
    reader, settings = Reader(), Settings(tmp_path)
    reader.load(settings)
    assert reader.parsed == 5
    catalogue, _ = reader.load(settings)
    assert reader.parsed == 0 and len(catalogue.personas) == 5
    path = tmp_path / "personas/p3.md"
    path.write_text(persona("p3", keywords=["changed"]))
    os.utime(path, ns=(1, 1))
    (tmp_path / "personas/p4.md").unlink()
    catalogue, _ = reader.load(settings)
    assert reader.parsed == 1
    assert [p.name for p in catalogue.personas] == ["p0", "p1", "p2", "p3"]
    assert catalogue.get(catalogue.personas[3].kind, "p3").keywords == ("changed",)
