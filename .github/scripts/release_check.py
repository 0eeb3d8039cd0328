"""The local release check: what the "Release" workflow runs before publishing, and what
the test suite runs (tests/test_release.py).

1. Build the sdist and the wheel (``python -m build``: the wheel is built from the sdist,
   so a file missing from the sdist fails here).
2. ``twine check`` both, and check they hold the templates, the workflow templates and
   the plugin's entry point.
3. Install the wheel in a fresh virtual environment (``--find-links dist``), away from
   the source tree, and check that the package imported there is the installed one.
4. Build this repository's sample catalogue with that environment (``mkdocs build
   --strict``), and check ``personas --version``.

    python .github/scripts/release_check.py [--dist DIR] [--tag vX.Y.Z] [--reuse-dependencies]

``--reuse-dependencies`` installs the wheel alone and lets the fresh environment see the
dependencies of the Python running this script (never its source tree): the test suite's
quick mode, which needs no downloads.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tarfile
import tempfile
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHIPPED = (
    "mkdocs_personas/templates/fragments/entry.html",
    "mkdocs_personas/templates/theme/assets/personas/personas.css",
    "mkdocs_personas/data/workflows/preview.yml",
    "mkdocs_personas/data/workflows/preview-publish.yml",
    "mkdocs_personas/data/init/mkdocs.yml",
    "mkdocs_personas/preview_check.py",
)
"""Files the wheel must hold (the sdist holds their sources)."""


def version(repository: Path = REPO) -> str:
    """The version, read from the one place it is defined."""
    text = (repository / "plugins/mkdocs_personas/__init__.py").read_text(encoding="utf-8")
    match = re.search(r'^__version__ = "([^"]+)"$', text, re.MULTILINE)
    if match is None:
        raise SystemExit("release check: no __version__ in plugins/mkdocs_personas/__init__.py")
    return match.group(1)


def run(*command: str | Path, **options: object) -> subprocess.CompletedProcess[str]:
    """Run a command; on failure stop with its output."""
    result = subprocess.run(
        [str(c) for c in command], capture_output=True, text=True, check=False, **options
    )
    if result.returncode != 0:
        raise SystemExit(
            f"release check: {' '.join(map(str, command))} failed:\n{result.stdout}{result.stderr}"
        )
    return result


def build(dist: Path) -> tuple[Path, Path]:
    """The sdist and the wheel, built into an empty ``dist``."""
    if dist.exists():
        shutil.rmtree(dist)
    run(sys.executable, "-m", "build", "--outdir", dist, REPO)
    (sdist,) = dist.glob("*.tar.gz")
    (wheel,) = dist.glob("*.whl")
    return sdist, wheel


def missing(sdist: Path, wheel: Path) -> list[str]:
    """What the distributions should hold and do not."""
    names = set(zipfile.ZipFile(wheel).namelist())
    absent = [name for name in SHIPPED if name not in names]
    entry_points = next((n for n in names if n.endswith(".dist-info/entry_points.txt")), "")
    points = zipfile.ZipFile(wheel).read(entry_points).decode() if entry_points else ""
    if "personas = mkdocs_personas.site.plugin:PersonasPlugin" not in points:
        absent.append("the mkdocs.plugins entry point")
    with tarfile.open(sdist) as archive:
        sources = {name.split("/", 1)[-1] for name in archive.getnames()}
    for name in ("templates/fragments/entry.html", "plugins/mkdocs_personas/data/init/index.md"):
        if name not in sources:
            absent.append(f"{name} (sdist)")
    return absent


def check_contents(sdist: Path, wheel: Path, expected: str) -> None:
    """``twine check``, the version in both names, and what the distributions ship."""
    run(sys.executable, "-m", "twine", "check", "--strict", sdist, wheel)
    for path in (sdist, wheel):
        if f"-{expected}" not in path.name:
            raise SystemExit(f"release check: {path.name} is not version {expected}")
    absent = missing(sdist, wheel)
    if absent:
        raise SystemExit(f"release check: the distributions lack {', '.join(absent)}")


def install(environment: Path, dist: Path, expected: str, reuse: bool) -> Path:
    """A fresh virtual environment holding the wheel; returns its ``bin`` folder."""
    run(sys.executable, "-m", "venv", environment)
    scripts = environment / ("Scripts" if os.name == "nt" else "bin")
    python = scripts / "python"
    requirement = f"mkdocs-personas=={expected}"
    pip = [python, "-m", "pip", "install", "-q", "--disable-pip-version-check"]
    if reuse:
        run(*pip, "--no-deps", "--no-index", "--find-links", dist, requirement)
        paths = sysconfig.get_paths()
        site = run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])")
        # A plain path line: the folder's own .pth files (an editable install) are not read.
        lines = sorted({paths["purelib"], paths["platlib"]})
        Path(site.stdout.strip(), "zz_release_check_dependencies.pth").write_text(
            "\n".join(lines) + "\n", encoding="utf-8"
        )
    else:
        run(*pip, "--find-links", dist, requirement)
    return scripts


def build_sample(scripts: Path, work: Path, expected: str) -> None:
    """Build this repository's sample catalogue with the installed package only."""
    for name in ("docs", "personas", "skills"):
        shutil.copytree(REPO / name, work / name)
    shutil.copy(REPO / "mkdocs.yml", work / "mkdocs.yml")
    environment = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    environment["NO_MKDOCS_2_WARNING"] = "1"
    where = run(
        scripts / "python",
        "-c",
        "import mkdocs_personas, sys; print(mkdocs_personas.__file__); print(sys.path)",
        cwd=work,
        env=environment,
    ).stdout
    package = Path(where.splitlines()[0]).resolve()
    if scripts.parent.resolve() not in package.parents or str(REPO / "plugins") in where:
        raise SystemExit(f"release check: mkdocs_personas came from {package}, not the wheel")
    printed = run(scripts / "personas", "--version", cwd=work, env=environment).stdout
    if printed.strip() != f"personas {expected}":
        raise SystemExit(f"release check: personas --version printed {printed.strip()!r}")
    run(scripts / "python", "-m", "mkdocs", "build", "--strict", "-q", cwd=work, env=environment)
    pages = list((work / "site/personas").glob("*/index.html"))
    if not (work / "site/index.html").is_file() or not pages:
        raise SystemExit("release check: the sample catalogue was not built")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="release_check.py", description=__doc__.splitlines()[0])
    parser.add_argument("--dist", type=Path, default=REPO / "dist", help="where to build")
    parser.add_argument("--tag", help="the pushed tag, which must be v<version>")
    parser.add_argument("--reuse-dependencies", action="store_true")
    args = parser.parse_args(argv)
    expected = version()
    if args.tag is not None and args.tag != f"v{expected}":
        print(f"release check: tag {args.tag} is not v{expected}", file=sys.stderr)
        return 1
    sdist, wheel = build(args.dist.resolve())
    check_contents(sdist, wheel, expected)
    with tempfile.TemporaryDirectory(prefix="release-check-") as folder:
        scripts = install(
            Path(folder, "env"), args.dist.resolve(), expected, args.reuse_dependencies
        )
        work = Path(folder, "sample")
        work.mkdir()
        build_sample(scripts, work, expected)
    print(f"release check passed: {sdist.name}, {wheel.name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
