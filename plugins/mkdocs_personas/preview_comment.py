"""Create or update the single preview comment on a pull request.

Runs in the trusted "Publish preview" workflow. The change summary comes from the
artifact, so it is treated as text: size-capped, tags, entities and mentions defused,
and shown inside a collapsed block. Uses the GitHub CLI (``gh``) with GH_TOKEN.

    python -m mkdocs_personas.preview_comment SUMMARY_FILE PR_NUMBER
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

MARKER = "<!-- mkdocs-personas-preview -->"
MAX_SUMMARY = 40_000


DEFUSE = re.compile(r"[<&@\uff20\ufe6b]|#(?=[0-9])")
"""Characters that could start a tag, an entity, a mention or an issue reference: ``<``
(``</DETAILS>``, ``<!--``), ``&`` (``&#64;``, ``&commat;``), ``@`` and its full-width and
small forms, and ``#`` before a digit."""


def defuse(summary: str) -> str:
    """Summary text that cannot ping people, fake our marker or break out of its block.

    A zero-width space after each character that could start markup, whatever the case
    or encoding that follows: ``<`` then no longer opens a tag or comment, ``&`` no entity,
    ``@`` no mention; the text reads the same, in code spans too.
    """
    text = summary[:MAX_SUMMARY]
    if len(summary) > MAX_SUMMARY:
        text += "\n… (summary truncated)\n"
    return DEFUSE.sub(lambda match: match.group() + "\u200b", text)


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


def body(summary: str, number: str, head_sha: str) -> str:
    link = preview_link(number)
    published = bool(os.environ.get("PREVIEW_URL") or os.environ.get("PREVIEW_REPOSITORY"))
    where = (
        f"**[Open the preview]({link})**"
        if published
        else (f"The preview site is attached to [the build]({link}) as the `preview` artifact.")
    )
    return (
        f"{MARKER}\n### Catalogue preview\n\n{where} (built from `{head_sha[:12]}`)\n\n"
        f"<details open><summary>What this pull request changes</summary>\n\n"
        f"{defuse(summary)}\n</details>\n"
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


def main(argv: list[str]) -> int:
    if len(argv) != 3 or not argv[2].isdigit():
        print(__doc__.strip().splitlines()[-1].strip(), file=sys.stderr)
        return 2
    summary = Path(argv[1]).read_text(encoding="utf-8", errors="replace")
    number, repository = argv[2], os.environ["REPOSITORY"]
    text = body(summary, number, os.environ.get("HEAD_SHA", ""))
    comments = json.loads(
        gh("--paginate", "--slurp", f"repos/{repository}/issues/{number}/comments")
    )
    mine = [
        c
        for page in comments
        for c in page
        if MARKER in (c.get("body") or "") and c.get("user", {}).get("type") == "Bot"
    ]
    if mine:
        gh(
            "--method",
            "PATCH",
            f"repos/{repository}/issues/comments/{mine[0]['id']}",
            data={"body": text},
        )
    else:
        gh("--method", "POST", f"repos/{repository}/issues/{number}/comments", data={"body": text})
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
