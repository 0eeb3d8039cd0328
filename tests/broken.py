"""A folder of broken persona files, each with the one problem it must be reported for."""

from __future__ import annotations

import os
from pathlib import Path

DEEP = "a:\n" + "".join("  " * i + f"- - k{i}:\n" for i in range(1, 60)) + "  " * 60 + "- x\n"

# file name -> (content, expected "line:col: field: message" fragment, severity left out).
# Most are errors (the file is left out); a few are what real tools accept, which is kept
# with a warning: a name that is not a slug, a reserved one, a list written as a string.
BROKEN: dict[str, tuple[str | bytes, str]] = {
    "no-front-matter.md": (
        "# Just a heading\n\nNo front matter here.\n",
        "no-front-matter.md:1:1: front matter: expected the file to start with a '---' line",
    ),
    "unclosed.md": (
        "---\nname: unclosed\nexpertise: [a]\n\n# Body\n",
        "unclosed.md:1:1: front matter: the '---' on line 1 is never closed",
    ),
    "bad-yaml.md": (
        "---\nname: bad-yaml\nexpertise: [api, rest\n---\n\nBody\n",
        "bad-yaml.md:3:12: expertise: invalid YAML",
    ),
    "wrong-types.md": (
        "---\nname: wrong-types\nexpertise: APIs\nactivation_keywords:\n  api: yes\n"
        "complexity_threshold: extreme\n---\n\nBody\n",
        "wrong-types.md:3:12: expertise: written as one string, read as a list",
    ),
    "wrong-types-keywords.md": (
        "---\nname: wrong-types-keywords\nactivation_keywords:\n  api: yes\n---\n\nBody\n",
        "wrong-types-keywords.md:4:3: activation_keywords: expected a list of strings, got a mapping",
    ),
    "wrong-complexity.md": (
        "---\nname: wrong-complexity\ncomplexity_threshold: extreme\n---\n\nBody\n",
        "wrong-complexity.md:3:23: complexity_threshold: expected one of low, medium, high, "
        "got 'extreme'",
    ),
    "bad-name.md": (
        "---\nname: Backend_Architect\n---\n\nBody\n",
        "bad-name.md:2:7: name: 'Backend_Architect' is not a URL slug (lowercase letters, "
        "digits and hyphens); its URL uses 'backend-architect'",
    ),
    "missing-name.md": (
        "---\nexpertise: [api]\n---\n\nBody\n",
        "missing-name.md:1:1: name: required field is missing; add 'name: missing-name'",
    ),
    "reserved-name.md": (
        "---\nname: index\n---\n\nBody\n",
        "reserved-name.md:2:7: name: 'index' would clash with a page or file name of the site",
    ),
    "duplicate-a.md": ("---\nname: twin\n---\n\nBody\n", ""),
    "duplicate-b.md": (
        "---\nname: twin\n---\n\nBody\n",
        "duplicate-b.md:2:7: name: an exact copy of broken/duplicate-a.md; published once",
    ),
    "folded-name.md": (
        "---\nname: Twin\n---\n\nBody\n",
        "folded-name.md:2:7: name: persona name 'Twin' is also used by broken/duplicate-a.md",
    ),
    "duplicate-key.md": (
        "---\nname: duplicate-key\nexpertise: [a]\nexpertise: [b]\n---\n\nBody\n",
        "duplicate-key.md:4:1: expertise: duplicate key 'expertise' (first at line 3)",
    ),
    "alias.md": (
        "---\nname: alias\na: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a]\n"
        "c: [*b, *b, *b, *b, *b, *b, *b]\n---\n\nBody\n",
        "alias.md:3:4: a: anchors are not allowed (found &a)",
    ),
    "merge-key.md": (
        "---\nname: merge-key\n<<: {permissionMode: bypassPermissions}\n---\n\nBody\n",
        "merge-key.md:3:1: <<: merge keys (<<) are not allowed",
    ),
    "python-tag.md": (
        "---\nname: python-tag\nexpertise: !!python/object/apply:os.system "
        "['touch PWNED']\n---\n\nBody\n",
        "python-tag.md:3:12: expertise: tags are not allowed (found !!python/object/apply:os.system)",
    ),
    "deep.md": (
        "---\nname: deep\n" + DEEP + "---\n\nBody\n",
        "deep.md:",
    ),
    "huge.md": (
        "---\nname: huge\ndescription: " + "x" * (5 * 1024 * 1024) + "\n---\n\nBody\n",
        "huge.md:1:1: front matter: front matter is larger than the limit of 65536 bytes",
    ),
    "binary.md": (
        b"---\nname: binary\n---\n\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "binary.md:6:1: file: expected UTF-8 text, found binary data (a NUL byte)",
    ),
    "latin1.md": (
        "---\nname: latin1\ndescription: caf\u00e9\n---\n\nBody\n".encode("latin-1"),
        "latin1.md:3:17: file: expected UTF-8 text, found the byte 0xe9",
    ),
    "link.md": (None, "link.md:1:1: file: refusing a symlink"),
}


def make_broken(root: Path) -> Path:
    """Write the broken folder under ``root/broken`` and return it."""
    folder = root / "broken"
    folder.mkdir(parents=True, exist_ok=True)
    outside = root / "outside-secret.md"
    outside.write_text("---\nname: secret\n---\n\nsecret\n", encoding="utf-8")
    for name, (content, _) in BROKEN.items():
        path = folder / name
        if content is None:
            os.symlink(outside, path)
        elif isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")
    return folder


def expected_lines() -> list[str]:
    """The fragments that ``personas validate broken`` must print, one per problem."""
    return [f"broken/{expected}" for _, expected in BROKEN.values() if expected]
