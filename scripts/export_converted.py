"""Write our Claude Code copy of every recorded agent, to record them through Claude Code.

    .venv/bin/python scripts/export_converted.py --out /tmp/converted

For the conformance cases and both collections of ``../shared/corpora`` (see
``CONVERTED_CORPORA`` below), each agent's Claude Code conversion is written to
``OUT/<corpus>/<the source's path>`` and the digest of each to
``tests/conformance/converted/<corpus>.json`` (the test checks that today's conversions
are the recorded ones). Then record them as the sources were recorded:

    .venv/bin/python scripts/record_claude_code.py --relative-to /tmp/converted/cases \
        --out tests/conformance/converted/recorded-cases.json /tmp/converted/cases
    (the same for wshobson-agents and voltagent-subagents)

tests/test_identity_recorded.py compares each copy's recording with its source's: loaded,
same name, same tools, same permission mode.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "plugins"))

from mkdocs_personas.outputs.export import claude_copies  # noqa: E402

CONVERTED_CORPORA = {
    "cases": (".", ("tests/conformance/claude_code/cases/*.md",)),
    "wshobson-agents": ("../shared/corpora/wshobson-agents", ("plugins/*/agents/*.md",)),
    "voltagent-subagents": ("../shared/corpora/voltagent-subagents", ("categories/*/*.md",)),
}
"""The agents whose Claude Code copies are recorded through Claude Code (issue 20): the
conformance cases and both shared collections, as (folder relative to the repository,
globs), keyed as their recordings in ``tests/conformance/claude_code/`` are."""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", required=True, help="folder to write the copies into")
    args = parser.parse_args(argv)
    out = Path(args.out)
    manifests = REPO / "tests" / "conformance" / "converted"
    manifests.mkdir(parents=True, exist_ok=True)
    for corpus, (folder, globs) in CONVERTED_CORPORA.items():
        base = (REPO / folder).resolve()
        if not base.is_dir():
            print(f"{corpus}: {base} is not there, skipped", file=sys.stderr)
            continue
        copies = claude_copies(base, globs)
        digests = {}
        for path, conversion in sorted(copies.items()):
            target = out / corpus / path
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(conversion.text, encoding="utf-8", newline="\n")
            digests[path] = hashlib.sha256(conversion.text.encode("utf-8")).hexdigest()
        manifest = {"target": "claude", "corpus": corpus, "copies": digests}
        text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
        (manifests / f"{corpus}.json").write_text(text, encoding="utf-8")
        print(f"{corpus}: {len(copies)} copies in {out / corpus}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
