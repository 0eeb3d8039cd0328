"""Two different files with one name both get pages; the plain URL lists them."""

from __future__ import annotations

from conftest import build_project, make_project, persona
from helpers import broken_links


def test_two_agents_named_alike_in_two_folders_both_have_pages_at_stable_urls(tmp_path):
    files = {
        "personas/infra/devops-engineer.md": persona("devops-engineer", keywords=["terraform"]),
        "personas/platform/devops-engineer.md": persona("devops-engineer", keywords=["argo"]),
        "personas/platform/sre.md": persona("sre", skills=["devops-engineer"]),
    }
    built = build_project(make_project(tmp_path, files))
    assert built.aborted is None, built.log
    infra = built.html("personas/devops-engineer-infra/")
    platform = built.html("personas/devops-engineer-platform/")
    assert "terraform" in infra and "argo" in platform
    listing = built.html("personas/devops-engineer/")
    assert "../devops-engineer-infra/" in listing or "personas/devops-engineer-infra/" in listing
    assert "personas/infra/devops-engineer.md" in listing
    assert "personas/platform/devops-engineer.md" in listing
    warnings = "\n".join(built.warnings + [r.getMessage() for r in built.records])
    assert "personas/infra/devops-engineer.md" in warnings
    assert "personas/platform/devops-engineer.md" in warnings
    assert broken_links(built.site) == []
    # The same files in another order of discovery give the same URLs.
    again = build_project(make_project(tmp_path / "again", dict(reversed(files.items()))))
    assert again.html("personas/devops-engineer-infra/") == infra


def test_byte_identical_copies_get_one_page(tmp_path):
    text = persona("copy-me")
    built = build_project(
        make_project(tmp_path, {"personas/a/copy-me.md": text, "personas/b/copy-me.md": text})
    )
    assert built.aborted is None, built.log
    assert (built.site / "personas/copy-me/index.html").exists()
    assert not list(built.site.glob("personas/copy-me-*"))
