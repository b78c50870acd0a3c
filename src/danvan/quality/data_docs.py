"""GX Data Docs readable offline: no stylesheet, script, image or link fetched from the web.

GX's page templates link Bootstrap, jQuery, bootstrap-table, Font Awesome and
Vega from CDNs, and its pip package ships none of them (only its own
stylesheet, fonts and images, which it copies into ``static/``). A warehouse
without internet — a provincial office, an operator's laptop on the road —
would show unstyled pages that wait on the network. So every external
``<link>`` and ``<script src>`` is removed, other external references lose
their address, and each page links a small stylesheet shipped with danvan
(``data_docs.css``) that lays out the tables, cards and navigation GX renders.
The pages' own scripts then find no jQuery; the content is plain HTML and stays
readable.
"""

from __future__ import annotations

import os
import re
from importlib import resources
from pathlib import Path

OFFLINE_STYLESHEET = "static/styles/danvan_offline.css"
EXTERNAL = r"""(?:https?:)?//[^"'\s>]*"""
EXTERNAL_LINK_TAG = re.compile(rf"""<link\b[^>]*\bhref=["']{EXTERNAL}["'][^>]*>""", re.IGNORECASE)
EXTERNAL_SCRIPT = re.compile(
    rf"""<script\b[^>]*\bsrc=["']{EXTERNAL}["'][^>]*>\s*</script>""", re.IGNORECASE
)
EXTERNAL_ATTRIBUTE = re.compile(rf"""\s(?:href|src)=["']{EXTERNAL}["']""", re.IGNORECASE)
EXTERNAL_CSS_URL = re.compile(rf"""url\(\s*["']?{EXTERNAL}["']?\s*\)""", re.IGNORECASE)
HEAD_END = re.compile(r"</head>", re.IGNORECASE)


def make_offline(site_dir: Path) -> None:
    """Rewrite every page and stylesheet of a built Data Docs site in place."""
    stylesheet = site_dir / OFFLINE_STYLESHEET
    stylesheet.parent.mkdir(parents=True, exist_ok=True)
    stylesheet.write_text(
        resources.files("danvan.quality").joinpath("data_docs.css").read_text(encoding="utf-8"),
        encoding="utf-8",
    )
    for page in site_dir.rglob("*.html"):
        relative = Path(os.path.relpath(stylesheet, page.parent)).as_posix()
        page.write_text(offline_page(page.read_text(encoding="utf-8"), relative), encoding="utf-8")
    for css in site_dir.rglob("*.css"):
        css.write_text(EXTERNAL_CSS_URL.sub("none", css.read_text(encoding="utf-8")), "utf-8")


def offline_page(html: str, stylesheet: str) -> str:
    """A page without external assets or links, styled by the local stylesheet."""
    html = EXTERNAL_LINK_TAG.sub("", html)
    html = EXTERNAL_SCRIPT.sub("", html)
    html = EXTERNAL_ATTRIBUTE.sub("", html)
    html = EXTERNAL_CSS_URL.sub("none", html)
    link = f'<link rel="stylesheet" href="{stylesheet}">\n'
    return HEAD_END.sub(lambda end: link + end.group(0), html, count=1)
