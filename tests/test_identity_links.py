"""Links into nowhere (issue 20): a link to the root of another site (``/en/docs/...``)
in a body or in bundled Markdown is shown as text with its address and a warning naming
``file:line:col``; a root link to a page of this site leads to it."""

from __future__ import annotations

import re

from conftest import build_project, make_project, persona, skill

VALIDATION = {
    "links": {
        "not_found": "warn",
        "anchors": "warn",
        "absolute_links": "warn",
        "unrecognized_links": "warn",
    }
}
OVERVIEW = "/en/docs/agents-and-tools/agent-skills/overview"


def text(html: str) -> str:
    return re.sub(r"<[^>]+>", "", html)


def hrefs(html: str) -> list[str]:
    return re.findall(r'<a [^>]*href="([^"]*)"', html)


def test_root_links_to_another_site_become_text_and_ours_stay_links(tmp_path):
    body = (
        "# Reviewer\n\n"
        f"Read the [overview]({OVERVIEW}) first.\n\n"
        "Work with the [helper](/personas/helper/).\n\n"
        "![diagram](/images/flow.png)\n"
    )
    guide = f"# Guide\n\nIntro.\n\nSee [the spec]({OVERVIEW}#fields).\n"
    project = make_project(
        tmp_path,
        {
            "personas/reviewer.md": persona("reviewer", body=body),
            "personas/helper.md": persona("helper"),
            "skills/forms/SKILL.md": skill(
                "forms", body="# Forms\n\nUse [the guide](references/guide.md).\n"
            ),
            "skills/forms/references/guide.md": guide,
        },
        validation=VALIDATION,
    )
    built = build_project(project, strict=True)
    assert built.aborted is None, built.log
    html = built.html("personas/reviewer/")
    assert not [h for h in hrefs(html) if h.startswith("/")]
    assert f"overview ({OVERVIEW})" in text(html)
    assert "diagram (/images/flow.png)" in text(html) and "<img" not in html.split("pc-use")[0]
    assert "../helper/" in hrefs(html)  # a page of ours: a relative link to it
    page = built.html("skills/forms/references/guide/")
    assert not [h for h in hrefs(page) if h.startswith("/en/")]
    assert f"the spec ({OVERVIEW}#fields)" in text(page)
    log = built.log
    reviewer = (tmp_path / "personas/reviewer.md").read_text().split("\n")
    line = next(i for i, text in enumerate(reviewer, 1) if OVERVIEW in text)
    col = reviewer[line - 1].index(OVERVIEW) + 1
    assert f"personas/reviewer.md:{line}:{col}: warning: link: the link '{OVERVIEW}' points " in log
    assert "personas/reviewer.md" in log and "'/images/flow.png'" in log
    assert "skills/forms/references/guide.md:5:16: warning: link: the link " in log
    assert "'/personas/helper/'" not in log


def test_a_site_below_a_path_maps_root_links_through_it(tmp_path):
    body = "See [helper](/catalogue/personas/helper/) and [elsewhere](/personas/helper/).\n"
    project = make_project(
        tmp_path,
        {
            "personas/reviewer.md": persona("reviewer", body=body),
            "personas/helper.md": persona("helper"),
        },
        site_url="https://example.org/catalogue/",
    )
    built = build_project(project)
    html = built.html("personas/reviewer/")
    assert "../helper/" in hrefs(html)
    assert "elsewhere (/personas/helper/)" in text(html)  # not below the site's path


def test_a_root_link_to_a_file_the_build_writes_later_stays_a_link(tmp_path):
    body = "Get [its file](/personas/helper.md) or [the data](/personas.json).\n"
    project = make_project(
        tmp_path,
        {
            "personas/reviewer.md": persona("reviewer", body=body),
            "personas/helper.md": persona("helper"),
        },
    )
    built = build_project(project)
    html = built.html("personas/reviewer/")
    assert {"/personas/helper.md", "/personas.json"} <= set(hrefs(html))
    assert (built.site / "personas/helper.md").is_file() and (
        built.site / "personas.json"
    ).is_file()
    assert "points at the root of a site" not in built.log
