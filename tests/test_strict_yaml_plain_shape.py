"""The strict reader's shortcut for front matter in the plainest shape (``key: value``
lines and simple lists, printable ASCII) must give exactly the tree libyaml's events give,
positions included, and must never take a document a safety rule is about: the shortcut
may only be faster, never more lenient."""

from __future__ import annotations

import random

import pytest

from mkdocs_personas.sources import strict_yaml

# Characters a plain-shape document is made of, and the ones YAML gives a meaning to,
# so that generated documents fall on both sides of the shortcut's edge.
WORD = "abcXYZ019_./()+,'=-"
EDGE = " :#&*!|>%@`\"'[]{}<~?\\\t-"


def _value(rng: random.Random) -> str:
    kind = rng.random()
    body = "".join(rng.choice(WORD + " " * 4) for _ in range(rng.randint(1, 14)))
    if kind < 0.15:
        body = '"' + body.replace('"', "") + '"'
    elif kind < 0.3:
        body = "'" + body.replace("'", "") + "'"
    if rng.random() < 0.12:  # one character YAML may read otherwise
        at = rng.randint(0, len(body))
        body = body[:at] + rng.choice(EDGE) + body[at:]
    return body


def _document(rng: random.Random) -> str:
    lines, keys = [], ["name", "description", "tools", "model", "x-y", "_k", "tags", "a1"]
    chosen = rng.sample(keys, rng.randint(1, 6))
    if rng.random() < 0.05:
        chosen.append(chosen[0])  # a duplicate key
    for key in chosen:
        if rng.random() < 0.3:
            indent = " " * rng.choice((0, 2, 2, 4))
            lines.append(f"{key}:")
            for _ in range(rng.randint(1, 4)):
                lines.append(f"{indent}- {_value(rng)}")
            if rng.random() < 0.1:
                lines.append(f"{indent} - {_value(rng)}")  # a misplaced item
        else:
            lines.append(f"{key}:{' ' * rng.choice((1, 1, 2))}{_value(rng)}")
    if rng.random() < 0.05:
        lines.insert(rng.randint(0, len(lines)), "")
    return "\n".join(lines) + "\n"


def _by_events(text: str, first_line: int) -> tuple:
    """The reader with its shortcut off: libyaml's events only."""
    original = strict_yaml._simple
    strict_yaml._simple = lambda text, first_line: None
    try:
        return strict_yaml.parse(text, first_line)
    finally:
        strict_yaml._simple = original


@pytest.mark.parametrize("seed", range(4))
def test_the_shortcut_gives_libyamls_tree_and_issues(seed):
    rng = random.Random(seed)
    taken = 0
    for _ in range(2500):
        text = _document(rng)
        first_line = rng.choice((1, 2, 7))
        fast = strict_yaml.parse(text, first_line)
        assert fast == _by_events(text, first_line), text
        taken += strict_yaml._simple(text, first_line) is not None
    # the generator exercises the shortcut, and the documents it declines
    assert 250 < taken < 2400, taken


@pytest.mark.parametrize(
    "text",
    [
        "name: a\nname: b\n",  # duplicate key
        "name: &x a\nother: *x\n",  # anchor and alias
        "<<: {a: b}\n",  # merge key
        "name: !!python/object a\n",  # tag
        "name: a\n---\nname: b\n",  # a second document
        "name: a\u202eb\n",  # a hidden character
        "name: a\ntools:\n  - [Read]\n",  # nesting
        "name: a # comment\n",
        "name: 'it''s'\n",
        "description: a: b\n",
    ],
)
def test_documents_a_safety_rule_or_yaml_syntax_is_about_never_take_the_shortcut(text):
    assert strict_yaml._simple(text, 1) is None
    assert strict_yaml.parse(text, 1) == _by_events(text, 1)
