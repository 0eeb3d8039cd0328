"""Record the verdicts of the reference Agent Skills validator (npm ``skills-ref``).

    .venv/bin/python scripts/record_skills_ref.py [--skills-ref DIR] [--out FILE]
        [--relative-to DIR] FOLDER...

Every folder under the given folders that holds a ``SKILL.md`` (or a FOLDER that is itself
a skill) is validated with ``node <skills-ref>/dist/cli.js validate <folder>``, exactly as a
user of the reference tool would run it. The verdict (valid or not), the exit code and each
message (``  - ...`` lines, absolute paths replaced by the path relative to
``--relative-to``) are written as JSON with the validator's version. Install the validator
outside the repository first: ``npm install --prefix /tmp/sr skills-ref@0.1.5``.

With ``--agentskills-core PYTHON`` the verdicts of PyPI ``agentskills-core``'s
``validate_skill`` (through ``agentskills-fs``'s local provider, skill id = folder name) are
recorded beside them, under ``"agentskills-core"``; that package needs Python >= 3.12, so
give it a throwaway virtual environment, never the project's.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SKILLS_REF = "/tmp/sr/node_modules/skills-ref"


def skill_folders(targets: list[str]) -> list[Path]:
    found: list[Path] = []
    for target in targets:
        root = Path(target)
        if (root / "SKILL.md").is_file():
            found.append(root)
        found.extend(sorted(p.parent for p in root.rglob("SKILL.md") if p.parent != root))
    return list(dict.fromkeys(found))


def validate(cli: Path, folder: Path, base: Path) -> dict:
    absolute = folder.resolve()
    out = subprocess.run(
        ["node", str(cli), "validate", str(absolute)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
        env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "NO_COLOR": "1"},
    )
    rel = os.path.relpath(absolute, base)
    messages = []
    for line in out.stderr.splitlines():
        if line.startswith("  - "):
            messages.append(line[4:].replace(str(absolute), rel))
    entry = {"valid": out.returncode == 0, "exit": out.returncode, "messages": messages}
    if out.returncode not in (0, 1) or (out.returncode == 1 and not messages):
        entry["stderr"] = out.stderr.strip().replace(str(absolute), rel)
    return entry


# Run inside the interpreter given by --agentskills-core (Python >= 3.12 with
# agentskills-core and agentskills-fs installed); reads folders as JSON on stdin.
CORE_SNIPPET = """
import asyncio, json, sys, logging
from importlib.metadata import version
from pathlib import Path
from agentskills_core import Skill, validate_skill
from agentskills_fs import LocalFileSystemSkillProvider
logging.disable(logging.CRITICAL)
async def one(folder):
    folder = Path(folder)
    try:
        skill = Skill(skill_id=folder.name, provider=LocalFileSystemSkillProvider(folder.parent))
        return await validate_skill(skill)
    except Exception as exc:
        return [f"{type(exc).__name__}: {exc}"]
async def main():
    folders = json.load(sys.stdin)
    out = {f: await one(f) for f in folders}
    json.dump({"version": version("agentskills-core"), "fs": version("agentskills-fs"),
               "results": out}, sys.stdout)
asyncio.run(main())
"""


def validate_core(python: str, folders: list[Path], base: Path) -> tuple[str, dict]:
    """Verdicts of agentskills-core's validate_skill (PyPI) for each folder."""
    absolute = [str(f.resolve()) for f in folders]
    out = subprocess.run(
        [python, "-c", CORE_SNIPPET],
        input=json.dumps(absolute),
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    data = json.loads(out.stdout)
    results = {}
    for folder in absolute:
        rel = os.path.relpath(folder, base)
        messages = [m.replace(folder, rel) for m in data["results"][folder]]
        results[rel] = {"valid": not messages, "messages": messages}
    return f"{data['version']} (agentskills-fs {data['fs']})", results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", metavar="FOLDER")
    parser.add_argument("--skills-ref", default=os.environ.get("SKILLS_REF", DEFAULT_SKILLS_REF))
    parser.add_argument("--out", help="JSON file to write (default: stdout)")
    parser.add_argument("--relative-to", default=str(REPO))
    parser.add_argument(
        "--agentskills-core",
        metavar="PYTHON",
        help="also record agentskills-core's validate_skill with this interpreter",
    )
    args = parser.parse_args(argv)
    package = Path(args.skills_ref)
    cli = package / "dist" / "cli.js"
    version = json.loads((package / "package.json").read_text("utf-8"))["version"]
    base = Path(args.relative_to).resolve()
    folders = skill_folders(args.targets)
    if not folders:
        print("no skill folders found", file=sys.stderr)
        return 2
    skills = {}
    for folder in folders:
        skills[os.path.relpath(folder.resolve(), base)] = validate(cli, folder, base)
    data = {
        "client": "skills-ref",
        "version": version,
        "recorded": _dt.date.today().isoformat(),
        "command": "skills-ref validate FOLDER",
        "skills": dict(sorted(skills.items())),
    }
    if args.agentskills_core:
        core_version, core = validate_core(args.agentskills_core, folders, base)
        data["agentskills-core"] = {"version": core_version, "skills": core}
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)
    valid = sum(1 for s in skills.values() if s["valid"])
    print(f"{valid}/{len(skills)} valid", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
