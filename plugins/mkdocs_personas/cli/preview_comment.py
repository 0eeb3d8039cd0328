"""Find the pull request a preview belongs to, and create or update its single comment.

Runs in the trusted "Publish preview" workflow, with the GitHub CLI (``gh``) and
GH_TOKEN:

    python -m mkdocs_personas.preview_comment find
    python -m mkdocs_personas.preview_comment post SUMMARY_JSON NUMBER

``find`` prints the number of the open pull request whose head is ``HEAD_SHA``, looked up
by ``HEAD_OWNER:HEAD_BRANCH`` in ``REPOSITORY`` (the values of the ``workflow_run`` event:
data, not code, and checked before use); nothing when there is none.

``post`` writes the comment from the change summary the trusted build wrote as JSON
(``preview summary --format json``), never from Markdown: every name, path, field and
problem a contributor's files can influence is shown in code (an inline code span that no
backtick in it can close, or a fenced block), with hidden characters written out, so the
comment holds no heading, link, image, HTML or mention of theirs.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from ..sources.model import visible

MARKER = "<!-- mkdocs-personas-preview -->"
MAX_ITEMS = 100
"""Changes and problems listed at most, each; the rest are counted."""
MAX_TEXT = 300
"""Characters of one name, path or problem shown at most."""
MAX_SUMMARY = 50_000
"""Characters of the summary at most (GitHub takes comments of up to 65,536)."""
SHA = re.compile(r"[0-9a-f]{40}\Z")
STATUSES = ("added", "removed", "renamed", "changed", "broken")
KINDS = ("persona", "skill")


def _clip(text: object) -> str:
    """``text`` on one line, hidden and control characters written out, length-capped."""
    shown = visible(str(text))
    return shown if len(shown) <= MAX_TEXT else shown[: MAX_TEXT - 1] + "…"


def code(text: object) -> str:
    """``text`` as an inline code span that no backtick in it can close."""
    shown = _clip(text)
    longest = max((len(run) for run in re.findall(r"`+", shown)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if shown.startswith("`") or shown.endswith("`") or not shown.strip() else ""
    return f"{fence}{pad}{shown}{pad}{fence}"


def fenced(lines: list[str]) -> list[str]:
    """``lines`` in a ``text`` code block whose fence no line can close."""
    shown = [_clip(line) for line in lines]
    longest = max((len(run) for line in shown for run in re.findall(r"`+", line)), default=0)
    fence = "`" * max(3, longest + 1)
    return [fence + "text", *shown, fence]


def _texts(value: object) -> list[str]:
    return [str(v) for v in value] if isinstance(value, list) else []


def _more(count: int, limit: int) -> list[str]:
    return [f"- … and {count - limit} more"] if count > limit else []


def _change(change: dict, limit: int) -> list[str]:
    """One change as a list item (and its keyword and expertise changes below it)."""
    status = change.get("status")
    kind = change.get("kind")
    status = status if status in STATUSES else "changed"
    kind = kind if kind in KINDS else "entry"
    name = code(change.get("name", ""))
    if status == "renamed":
        name = f"{code(change.get('old_name') or '')} → {name}"
    line = f"- **{status}** {kind} {name}"
    if change.get("path"):
        line += f" ({code(change['path'])})"
    fields = [f for f in _texts(change.get("fields")) if f != "name"]
    if fields:
        line += ": " + ", ".join(code(f) for f in fields[:limit])
    lines = [line]
    for word, values in (("gained", change.get("gained")), ("lost", change.get("lost"))):
        for field, items in (values or {}).items() if isinstance(values, dict) else ():
            values = _texts(items)
            listed = ", ".join(code(v) for v in values[:limit])
            more = f" and {len(values) - limit} more" if len(values) > limit else ""
            lines.append(f"  - {code(field)} {word}: {listed}{more}")
    return lines


def summary_markdown(summary: object, limit: int = MAX_ITEMS) -> str:
    """The change summary (``Diff.to_json``) as comment Markdown, every string in code:
    at most ``limit`` changes, values of a list and problems, fewer when the text would
    not fit in a comment."""
    if not isinstance(summary, dict):
        return "The change summary could not be read.\n"
    changes = [c for c in summary.get("changes") or [] if isinstance(c, dict)]
    introduced = _texts(summary.get("introduced"))
    fixed = _texts(summary.get("fixed"))
    hidden = [h for h in summary.get("hidden") or [] if isinstance(h, dict)]
    if not (changes or introduced or fixed or hidden):
        return "No persona or skill changes.\n"
    counts: dict[str, int] = {}
    for change in changes:
        status = change.get("status") if change.get("status") in STATUSES else "changed"
        counts[status] = counts.get(status, 0) + 1
    total = ", ".join(f"{n} {status}" for status, n in counts.items()) or "none changed"
    lines = [f"**Personas and skills:** {total}.", ""]
    hiding = {h.get("path") for h in hidden}
    for change in changes[:limit]:
        items = _change(change, limit)
        if change.get("path") in hiding:
            items[0] += " (**hidden content added**, listed below)"
        lines += items
    lines += _more(len(changes), limit)
    # As `personas validate` prints a finding (diff.Finding): also one of the problems.
    found = [
        visible(
            f"{h.get('path')}:{h.get('line')}:{h.get('col')}: {h.get('severity')}: "
            f"{h.get('field')}: {h.get('text')}"
        )
        for h in hidden
    ]
    if found:
        lines += [
            "",
            f"**Hidden content introduced** ({len(found)}): text that readers of the page "
            "cannot see, but that agents given the raw file read.",
            "",
            *fenced(found[:limit]),
            *_more(len(found), limit),
        ]
    shown = set(found)
    others = [p for p in introduced if p not in shown]
    for title, problems in (("Problems introduced", others), ("Problems fixed", fixed)):
        if problems:
            lines += ["", f"**{title}** ({len(problems)}):", ""]
            lines += [*fenced(problems[:limit]), *_more(len(problems), limit)]
    text = "\n".join(lines) + "\n"
    if len(text) > MAX_SUMMARY and limit > 1:
        return summary_markdown(summary, limit // 2)
    return text


def preview_link(number: str) -> str:
    """Where the preview is published, or where to download it."""
    url = os.environ.get("PREVIEW_URL", "")
    repository = os.environ.get("PREVIEW_REPOSITORY", "")
    if url:
        return url.replace("{number}", number)
    if repository:
        owner, _, name = repository.partition("/")
        return f"https://{owner}.github.io/{name}/pr-{number}/"
    return os.environ.get("RUN_URL", "")


def body(summary: object, number: str, head_sha: str) -> str:
    """The whole comment: our marker, the link and the summary."""
    link = preview_link(number)
    published = bool(os.environ.get("PREVIEW_URL") or os.environ.get("PREVIEW_REPOSITORY"))
    where = (
        f"**[Open the preview]({link})**"
        if published
        else f"The preview site is attached to [the build]({link}) as the `preview` artifact."
    )
    commit = head_sha[:12] if SHA.match(head_sha) else "an unknown commit"
    return (
        f"{MARKER}\n**Catalogue preview.** {where} (built from `{commit}` with the "
        "default branch's configuration and plugin)\n\n"
        "<details open><summary>What this pull request changes</summary>\n\n"
        f"{summary_markdown(summary)}\n</details>\n"
    )


def gh(*args: str, data: dict | None = None) -> str:
    command = ["gh", "api", *args]
    if data is not None:
        command += ["--input", "-"]
    result = subprocess.run(
        command,
        input=json.dumps(data) if data else None,
        text=True,
        capture_output=True,
        check=True,
    )
    return result.stdout


def find(repository: str, head_sha: str, owner: str, branch: str) -> str:
    """The number of the open pull request of ``owner:branch`` whose head is ``head_sha``
    (the first, if several), or "" when there is none."""
    if not SHA.match(head_sha):
        raise ValueError(f"HEAD_SHA {head_sha[:80]!r} is not a 40-digit commit id")
    pulls = json.loads(
        gh(
            "--method",
            "GET",
            f"repos/{repository}/pulls",
            "-f",
            "state=open",
            "-f",
            f"head={owner}:{branch}",
            "-f",
            "per_page=100",
        )
    )
    for pull in pulls if isinstance(pulls, list) else []:
        number = pull.get("number") if isinstance(pull, dict) else None
        head = (pull.get("head") or {}).get("sha") if isinstance(pull, dict) else None
        if isinstance(number, int) and not isinstance(number, bool) and head == head_sha:
            return str(number)
    return ""


def post(summary_file: Path, number: str, repository: str, head_sha: str) -> None:
    """Create the comment, or update the one this bot wrote before."""
    try:
        summary = json.loads(summary_file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        summary = None
    text = body(summary, number, head_sha)
    comments = json.loads(
        gh("--paginate", "--slurp", f"repos/{repository}/issues/{number}/comments")
    )
    mine = [
        c
        for page in comments
        for c in page
        if (c.get("body") or "").startswith(MARKER)
        and (c.get("user") or {}).get("login") == "github-actions[bot]"
    ]
    if mine:
        path = f"repos/{repository}/issues/comments/{mine[0]['id']}"
        gh("--method", "PATCH", path, data={"body": text})
    else:
        gh("--method", "POST", f"repos/{repository}/issues/{number}/comments", data={"body": text})


def main(argv: list[str]) -> int:
    usage = "\n".join(line.strip() for line in __doc__.splitlines()[5:7])
    environ = os.environ
    if argv[1:2] == ["find"] and len(argv) == 2:
        try:
            number = find(
                environ["REPOSITORY"],
                environ.get("HEAD_SHA", ""),
                environ.get("HEAD_OWNER", ""),
                environ.get("HEAD_BRANCH", ""),
            )
        except (ValueError, KeyError, subprocess.CalledProcessError) as error:
            print(f"::error::preview comment: {visible(str(error))}", file=sys.stderr)
            return 2
        print(number)
        return 0
    if argv[1:2] == ["post"] and len(argv) == 4 and re.fullmatch(r"[0-9]{1,12}", argv[3]):
        post(Path(argv[2]), argv[3], environ["REPOSITORY"], environ.get("HEAD_SHA", ""))
        return 0
    print(f"usage:\n{usage}", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
