"""Record how the real Claude Code reads agent files, as test data for the conformance suite.

    .venv/bin/python scripts/record_claude_code.py [--claude PATH] [--out FILE]
        [--relative-to DIR] [--jobs N] [--timeout S] FOLDER_OR_GLOB...

Each agent file is put alone in a fresh project's ``.claude/agents/`` (inside a throwaway
HOME, with a dummy API key, telemetry, auto-update and nonessential traffic off) and Claude
Code is started as ``claude -p hi --agent NAME --output-format stream-json --verbose``. Its
first output line is a ``system/init`` JSON that names the agents it loaded and the
resolved tools, model and MCP servers of the session's agent; the process is killed as soon
as that line arrives (the request that would follow needs a network). An unknown ``--agent``
makes Claude Code exit with ``--agent 'X' not found. Available agents: ...``; the recorder
first tries the ``name:`` it reads in the file and, when that is not found, takes the name
from that list (anything that is not a built-in agent), so the recorded name is Claude
Code's own. The debug log (``--debug-file``) gives the warnings Claude Code writes about
the file (invalid permission mode, YAML failure, missing description, ...).

Claude Code 2.1.197 does not apply a file agent's ``permissionMode`` to a ``-p`` session
(the init line says ``default`` for every file agent); the mode applies when the agent runs
as a subagent. ``permissionMode`` is therefore recorded from the agent definition as
Claude Code's loader keeps it (front matter up to the first ``---``, the YAML retry, the
list of valid modes), reproduced below from the shipped code and cross-checked with the
debug log's "invalid permissionMode" warning; ``sessionPermissionMode`` is the init line's.
See tests/conformance/README.md.

A folder is searched recursively for ``*.md`` (README.md excluded); a glob is expanded as
written. Paths in the output are relative to ``--relative-to`` (default: the repository
root). Never give it a real API key: the key is fixed to a dummy value.
"""

from __future__ import annotations

import argparse
import datetime as _dt
import glob
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
DEFAULT_CLAUDE = "/tmp/cc/node_modules/@anthropic-ai/claude-code/bin/claude.exe"
DUMMY_KEY = "sk-ant-dummy-not-a-real-key"
BUILT_IN = {"claude", "Explore", "general-purpose", "Plan", "statusline-setup"}
NOT_FOUND = re.compile(r"--agent '(?P<name>.*)' not found\. Available agents: (?P<list>.*)")
# The loader's own patterns (Claude Code 2.1.197, minified names in the comments).
JS_WS = " \t\n\r\f\v\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000\ufeff"
FRONT_MATTER = re.compile(rf"^---[{JS_WS}]*\n([\s\S]*?)---[{JS_WS}]*\n?")  # cbe
RETRY_LINE = re.compile(r"^([a-zA-Z_-]+):\s+(.+)$")  # n2d
RETRY_SPECIAL = re.compile(r"[{}\[\]*&#!|>%@`]|: ")  # t2d
COMMAND = "claude -p hi --agent NAME --output-format stream-json --verbose --debug-file LOG"
PERMISSION_MODES = ("acceptEdits", "auto", "bypassPermissions", "default", "dontAsk", "plan")


def environment(home: Path) -> dict[str, str]:
    """A minimal environment: throwaway HOME, dummy key, no telemetry or updates."""
    return {
        "PATH": "/usr/local/bin:/usr/bin:/bin",
        "HOME": str(home),
        "LANG": "C.UTF-8",
        "ANTHROPIC_API_KEY": DUMMY_KEY,
        "DISABLE_TELEMETRY": "1",
        "DISABLE_AUTOUPDATER": "1",
        "DISABLE_ERROR_REPORTING": "1",
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
    }


def retry_quote(text: str) -> str:
    """Claude Code's second YAML attempt: quote values with special characters (n2d)."""
    out = []
    for line in text.split("\n"):
        match = RETRY_LINE.match(line)
        if match:
            key, value = match.groups()
            if (value.startswith('"') and value.endswith('"')) or (
                value.startswith("'") and value.endswith("'")
            ):
                out.append(line)
                continue
            if value.startswith("[") and value.endswith("]"):
                try:
                    if isinstance(yaml.safe_load(value), list):
                        out.append(line)
                        continue
                except yaml.YAMLError:
                    pass
            if RETRY_SPECIAL.search(value):
                escaped = value.replace("\\", "\\\\").replace('"', '\\"')
                out.append(f'{key}: "{escaped}"')
                continue
        out.append(line)
    return "\n".join(out)


def loader_definition(text: str) -> dict:
    """The front matter as Claude Code's loader keeps it (jm): {} when there is none."""
    match = FRONT_MATTER.match(text)
    if not match:
        return {"frontMatter": None, "retried": False}
    block = match.group(1)
    try:
        data = yaml.safe_load(block)
        retried = False
    except yaml.YAMLError:
        fixed = re.sub(r"^\t+", lambda m: "  " * len(m.group(0)), retry_quote(block), flags=re.M)
        try:
            data = yaml.safe_load(fixed)
            retried = True
        except yaml.YAMLError as exc:
            return {"frontMatter": {}, "retried": True, "yamlError": str(exc).splitlines()[0]}
    return {"frontMatter": data if isinstance(data, dict) else {}, "retried": retried}


def written_name(text: str) -> str:
    """The ``name:`` as the file writes it (first guess for --agent)."""
    definition = loader_definition(text)
    name = (definition.get("frontMatter") or {}).get("name")
    if isinstance(name, str) and name.strip():
        return name
    match = re.search(r"^name:[ \t]*(.+?)[ \t]*\r?$", text, re.M)
    if match:
        return match.group(1).strip("'\"")
    return "__recorder_no_name__"


LIVE: set[subprocess.Popen] = set()  # running Claude Code processes, killed if we are stopped


def stop_children(*_args) -> None:
    for proc in list(LIVE):
        proc.kill()
    raise SystemExit(1)


def run_once(claude: str, source: Path, agent: str, timeout: float) -> dict:
    """Start Claude Code once with ``source`` as the only project agent."""
    work = Path(tempfile.mkdtemp(prefix="cc-record-"))
    try:
        home = work / "home"
        project = home / "project"
        agents = project / ".claude" / "agents"
        agents.mkdir(parents=True)
        shutil.copyfile(source, agents / source.name)
        subprocess.run(["git", "init", "-q"], cwd=project, check=False, capture_output=True)
        debug = work / "debug.log"
        cmd = [claude, "-p", "hi", "--agent", agent, "--output-format", "stream-json"]
        cmd += ["--verbose", "--debug-file", str(debug)]
        proc = subprocess.Popen(
            cmd,
            cwd=project,
            env=environment(home),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        LIVE.add(proc)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            line = proc.stdout.readline()
        finally:
            timer.cancel()
            proc.kill()
            LIVE.discard(proc)
        stderr = proc.stderr.read().decode("utf-8", "replace")
        proc.wait()
        log = debug.read_text("utf-8", "replace") if debug.exists() else ""
        copied = str(agents / source.name)
        markers = (copied, "YAML frontmatter", f"agent '{agent}'", f"[Agent: {agent}]")
        warnings = []
        for entry in log.splitlines():
            if any(marker in entry for marker in markers):
                text = re.sub(r"^\S+ \[\w+\] ", "", entry).replace(copied, source.name)
                warnings.append(text)
        init = None
        if line.strip():
            try:
                init = json.loads(line)
            except json.JSONDecodeError:
                init = None
        timed_out = init is None and not stderr.strip()
        return {"init": init, "stderr": stderr.strip(), "warnings": warnings, "timedOut": timed_out}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def record(claude: str, source: Path, timeout: float) -> dict:
    text = source.read_bytes().decode("utf-8", "replace")
    guess = written_name(text)
    tried = [guess]
    result = run_once(claude, source, guess, timeout)
    if result["timedOut"]:  # a busy machine, not a verdict: try once more with more time
        result = run_once(claude, source, guess, timeout * 2)
    if result["init"] is None:
        match = NOT_FOUND.search(result["stderr"])
        if match:
            custom = [n for n in match.group("list").split(", ") if n and n not in BUILT_IN]
            if custom and custom[0] != guess:
                tried.append(custom[0])
                result = run_once(claude, source, custom[0], timeout)
    init = result["init"]
    entry: dict = {"loaded": init is not None}
    if init is None and result["timedOut"]:
        entry.update(loaded=None, name=None, error="timed out twice: no verdict recorded")
        entry["warnings"] = result["warnings"]
        return entry
    if init is None:
        entry["name"] = None
        error = result["stderr"].splitlines()[:1]
        entry["error"] = error[0] if error else "no init line before the timeout"
        entry["warnings"] = result["warnings"]
        return entry
    custom = [n for n in init.get("agents", []) if n not in BUILT_IN]
    name = tried[-1]
    definition = loader_definition(text)
    front = definition["frontMatter"] or {}
    written_mode = front.get("permissionMode")
    invalid_logged = any("invalid permissionMode" in w for w in result["warnings"])
    mode = (
        written_mode if isinstance(written_mode, str) and written_mode in PERMISSION_MODES else None
    )
    entry.update(
        {
            "name": name,
            "tools": init.get("tools", []),
            "permissionMode": mode or "default",
            "permissionModeWritten": written_mode
            if written_mode is None or isinstance(written_mode, str)
            else str(written_mode),
            "permissionModeInvalidLogged": invalid_logged,
            "sessionPermissionMode": init.get("permissionMode"),
            "model": init.get("model"),
            "mcpServers": init.get("mcp_servers", []),
            "customAgents": custom,
            "frontMatterKeys": sorted(str(k) for k in front),
            "yamlRetried": definition.get("retried", False),
            "warnings": result["warnings"],
        }
    )
    if mode is None and written_mode is not None and not invalid_logged and front:
        entry["note"] = "permissionMode written but the debug log has no invalid-mode warning"
    return entry


def expand(targets: list[str]) -> list[Path]:
    files: list[Path] = []
    for target in targets:
        path = Path(target)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*.md") if p.name != "README.md")
        else:
            found = sorted(Path(p) for p in glob.glob(target) if Path(p).name != "README.md")
        files.extend(p for p in found if p.is_file())
    return list(dict.fromkeys(files))


def claude_version(claude: str) -> str:
    home = Path(tempfile.mkdtemp(prefix="cc-version-"))
    try:
        out = subprocess.run(
            [claude, "--version"],
            env=environment(home),
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        return out.stdout.split()[0] if out.stdout.split() else "unknown"
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("targets", nargs="+", metavar="FOLDER_OR_GLOB")
    parser.add_argument("--claude", default=os.environ.get("CLAUDE_BIN", DEFAULT_CLAUDE))
    parser.add_argument("--out", help="JSON file to write (default: stdout)")
    parser.add_argument(
        "--update", action="store_true", help="keep the other entries already in --out"
    )
    parser.add_argument(
        "--resume", action="store_true", help="like --update, and skip files already recorded"
    )
    parser.add_argument(
        "--relative-to", default=str(REPO), help="paths in the output are relative to this"
    )
    parser.add_argument(
        "--jobs", type=int, default=2, help="Claude Code processes at once (default 2)"
    )
    parser.add_argument("--timeout", type=float, default=20.0, help="seconds per run (default 20)")
    args = parser.parse_args(argv)
    if os.environ.get("ANTHROPIC_API_KEY", DUMMY_KEY) not in ("", DUMMY_KEY):
        print(
            "note: ANTHROPIC_API_KEY in your environment is ignored; runs use a dummy key",
            file=sys.stderr,
        )
    files = expand(args.targets)
    if not files:
        print("no agent files found", file=sys.stderr)
        return 2
    base = Path(args.relative_to).resolve()
    version = claude_version(args.claude)
    started = time.time()

    def rel(path: Path) -> str:
        return os.path.relpath(path.resolve(), base)

    def one(path: Path) -> tuple[str, dict]:
        return rel(path), record(args.claude, path, args.timeout)

    def document() -> str:
        data = {
            "client": "@anthropic-ai/claude-code",
            "version": version,
            "recorded": _dt.date.today().isoformat(),
            "command": COMMAND,
            "agents": dict(sorted(results.items())),
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    def save() -> None:
        if args.out:
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
            Path(args.out).write_text(document(), encoding="utf-8")

    signal.signal(signal.SIGTERM, stop_children)
    results: dict[str, dict] = {}
    if (args.update or args.resume) and args.out and Path(args.out).exists():
        previous = json.loads(Path(args.out).read_text("utf-8"))
        if previous.get("version") != version:
            print(
                f"--update: {args.out} was recorded with {previous.get('version')}", file=sys.stderr
            )
            return 2
        results.update(previous.get("agents", {}))
    if args.resume:
        files = [f for f in files if results.get(rel(f), {}).get("loaded", None) is None]
    with ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        for i, (name, entry) in enumerate(pool.map(one, files), 1):
            results[name] = entry
            state = {True: "loaded", False: "NOT loaded", None: "NO VERDICT"}[entry["loaded"]]
            print(f"[{i}/{len(files)}] {name}: {state}", file=sys.stderr)
            if i % 10 == 0:
                save()  # a stopped run can go on with --resume
    if args.out:
        save()
    else:
        sys.stdout.write(document())
    loaded = sum(1 for e in results.values() if e["loaded"] is True)
    print(f"{loaded}/{len(results)} loaded in {time.time() - started:.0f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
