"""Tracking images (issue 21): by default no page loads an image from another host. An
image on another host becomes a link to it, and the Content Security Policy allows images
only from the site itself and ``data:``; ``remote_images: true`` allows them."""

import http.server
import re
import threading
from typing import ClassVar

import pytest
from test_csp import directives

from mkdocs_personas.catalogue.sanitize import Policy, sanitize
from mkdocs_personas.site.csp import policy

from browser import serve_site
from conftest import build_project, make_project, persona


class _Tracker(http.server.BaseHTTPRequestHandler):
    """A second loopback server that counts what it is asked for."""

    hits: ClassVar[list[str]] = []

    def do_GET(self) -> None:
        self.hits.append(self.path)
        self.send_response(200)
        self.send_header("Content-Type", "image/gif")
        self.end_headers()
        self.wfile.write(b"GIF89a")

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def tracker():
    _Tracker.hits = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Tracker)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", _Tracker.hits
    server.shutdown()
    server.server_close()


def body(tracker_url: str) -> str:
    return (
        "# Pixel\n\nYou review code.\n\n"
        f"![company logo]({tracker_url}/logo.png?reader=1)\n\n"
        f'<img src="{tracker_url}/pixel.gif" width="1" height="1" alt="">\n\n'
        "![unresolvable](https://tracker.invalid/p.gif)\n\n"
        f"[![badge]({tracker_url}/badge.svg)](https://example.org/)\n"
    )


def site(tmp_path, tracker_url, **plugin):
    files = {"personas/pixel.md": persona("pixel", body=body(tracker_url))}
    return build_project(make_project(tmp_path, files, plugin or None))


def test_remote_images_become_links_with_their_alt_text():
    html = sanitize(
        '<p><img src="https://t.example/p.gif?u=1&amp;v=2" alt=""> '
        '<img src="//t.example/x.png" alt="logo"> <img src="y.png" alt="here"> '
        '<a href="/home"><img src="https://t.example/b.svg" alt="badge"></a></p>'
    )
    assert "<img" in html and html.count("<img") == 1  # the local one
    assert (
        '<a href="https://t.example/p.gif?u=1&amp;v=2">https://t.example/p.gif?u=1&amp;v=2</a>'
        in html
    )
    assert '<a href="//t.example/x.png">logo</a>' in html
    assert '<a href="/home">badge</a>' in html  # no link inside a link
    kept = sanitize('<img src="https://t.example/p.gif" alt="">', Policy(remote_images=True))
    assert kept == '<img src="https://t.example/p.gif" alt="">'
    assert Policy(remote_images=True).extended(["video"], {}).remote_images


def test_the_policy_allows_images_from_other_hosts_only_when_asked():
    images = [d for d in policy([], pagefind=False).split("; ") if d.startswith("img-src")]
    assert images == ["img-src 'self' data:"]
    allowed = policy([], pagefind=False, remote_images=True)
    assert "img-src 'self' data: https:" in allowed


def test_a_default_site_shows_remote_images_as_links(tmp_path, tracker):
    url, _hits = tracker
    built = site(tmp_path, url)
    assert built.aborted is None, built.log
    html = built.html("personas/pixel/")
    article = html.split("<article", 1)[1]
    sources = re.findall(r'<img[^>]*\ssrc="([^"]*)"', article)
    assert sources == []
    assert f'<a href="{url}/logo.png?reader=1">company logo</a>' in html
    assert f'<a href="{url}/pixel.gif">{url}/pixel.gif</a>' in html
    assert '<a href="https://tracker.invalid/p.gif">unresolvable</a>' in html
    assert '<a href="https://example.org/">badge</a>' in html
    assert directives(html)["img-src"] == ["'self'", "data:"]


def test_remote_images_true_keeps_them_and_the_policy_allows_https(tmp_path, tracker):
    url, _hits = tracker
    built = site(tmp_path, url, remote_images=True)
    assert built.aborted is None, built.log
    html = built.html("personas/pixel/")
    assert 'src="https://tracker.invalid/p.gif"' in html
    assert directives(html)["img-src"] == ["'self'", "data:", "https:"]


@pytest.mark.browser
def test_chromium_asks_no_other_host_for_an_image(tmp_path, tracker, page):
    """With default settings, Chromium asks nothing of the tracker or the unresolvable host
    (requests recorded, nothing blocked by the test)."""
    url, hits = tracker
    hits.clear()
    built = site(tmp_path, url)
    assert built.aborted is None, built.log
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    with serve_site(built.site) as base:
        page.goto(base + "personas/pixel/")
        page.wait_for_load_state("load")
        page.mouse.wheel(0, 3000)
        page.wait_for_timeout(500)
    assert requests and requests[0].startswith(base)
    assert [r for r in requests if not r.startswith(base)] == []
    assert hits == []


@pytest.mark.browser
def test_with_sanitizing_off_the_policy_alone_keeps_the_tracker_unasked(tmp_path, tracker, page):
    url, hits = tracker
    hits.clear()
    built = site(tmp_path, url, sanitize=False)
    assert f'src="{url}/pixel.gif"' in built.html("personas/pixel/")
    finished: list[str] = []
    page.on("requestfinished", lambda r: finished.append(r.url))
    with serve_site(built.site) as base:
        page.goto(base + "personas/pixel/")
        page.wait_for_load_state("load")
        page.wait_for_timeout(500)
    assert finished and [r for r in finished if not r.startswith(base)] == []
    assert hits == []
