"""Both real collections in one catalogue, and plain Material on the same files.

    python benchmarks/corpora.py /tmp/corpora     # writes the two projects
    farm-bench -n 4 --timeout 900 \\
      --vs 'mkdocs build -q -f /tmp/corpora/plain/mkdocs.yml -d /tmp/corpora/out-plain' -- \\
      mkdocs build -q -f /tmp/corpora/mkdocs.yml -d /tmp/corpora/out-catalogue

The catalogue (``OUT/mkdocs.yml``) reads ``../shared/corpora`` in place, by absolute
globs: voltagent-subagents' ``categories/*/*.md`` and wshobson-agents' agents and
skills. Plain Material (``OUT/plain``) builds a copy of the same files: every agent file,
and every skill folder whole (its Markdown documents are pages there too, as the
catalogue publishes them; other files are copied as they are). Both navigations are
as in ``generate.py``'s projects: the home page (and the catalogue), so that plain
Material does not render a menu of every page on every page. Issue 24's target: the
catalogue ≤ 1.5 × plain Material.
"""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
CORPORA = REPO.parent / "shared" / "corpora"
VOLTAGENT = CORPORA / "voltagent-subagents"
WSHOBSON = CORPORA / "wshobson-agents"

PERSONAS = [(VOLTAGENT, "categories/*/*.md"), (WSHOBSON, "plugins/*/agents/*.md")]
SKILLS = [(WSHOBSON, "plugins/*/skills/*/SKILL.md")]


def write(out: Path) -> tuple[int, int]:
    """Write both projects under ``out``; the numbers of agent files and skill folders."""
    for corpus in (VOLTAGENT, WSHOBSON):
        if not corpus.is_dir():
            raise SystemExit(f"{corpus} is not there: the benchmark reads it in place")
    if out.exists():
        shutil.rmtree(out)
    (out / "docs").mkdir(parents=True)
    (out / "docs" / "index.md").write_text("# Both collections\n", encoding="utf-8")
    personas = "\n".join(f"        - {base / glob}" for base, glob in PERSONAS)
    skills = "\n".join(f"        - {base / glob}" for base, glob in SKILLS)
    (out / "mkdocs.yml").write_text(
        "site_name: Both collections\ntheme:\n  name: material\n"
        f"plugins:\n  - search\n  - personas:\n      personas:\n{personas}\n"
        f"      skills:\n{skills}\n"
        "nav:\n  - Home: index.md\n  - Catalogue: catalogue/index.md\n",
        encoding="utf-8",
    )
    docs = out / "plain" / "docs"
    agents = 0
    for base, glob in PERSONAS:
        for path in sorted(base.glob(glob)):
            target = docs / base.name / path.relative_to(base)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
            agents += 1
    folders = 0
    for base, glob in SKILLS:
        for path in sorted(base.glob(glob)):
            shutil.copytree(path.parent, docs / base.name / path.parent.relative_to(base))
            folders += 1
    (docs / "index.md").write_text("# Both collections\n", encoding="utf-8")
    (out / "plain" / "mkdocs.yml").write_text(
        "site_name: Both collections\ntheme:\n  name: material\nplugins:\n  - search\n"
        "nav:\n  - Home: index.md\n",
        encoding="utf-8",
    )
    return agents, folders


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("out", type=Path)
    args = parser.parse_args()
    agents, folders = write(args.out)
    pages = sum(1 for _ in (args.out / "plain" / "docs").rglob("*.md"))
    print(f"{agents} agent files, {folders} skill folders, {pages} Markdown files for plain")


if __name__ == "__main__":
    main()
