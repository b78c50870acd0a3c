"""GX Data Docs readable offline: no stylesheet, script, image or link fetched from the web.

GX's page templates link Bootstrap, jQuery, bootstrap-table, Font Awesome and
Vega from CDNs, and its pip package ships none of them (only its own
stylesheet, fonts and images, which it copies into ``static/``). A warehouse
without internet — a provincial office, an operator's laptop on the road —
would show unstyled pages that wait on the network. So every external
``<link>`` and ``<script src>`` is removed, other external references lose
their address, and each page links a small stylesheet shipped with danvan
(``data_docs.css``) that lays out the tables, cards and navigation GX renders.
The index page fills its tables from JavaScript (bootstrap-table over jQuery):
those tables are written out as plain HTML rows instead, and the scripts that
need jQuery are dropped.
"""

from __future__ import annotations

import ast
import html as markup
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
# GX writes the index's tables as Python literals in the call that fills them.
SCRIPTED_TABLE = re.compile(
    r"\$\('#(?P<id>[\w-]+)'\)\.bootstrapTable\(\s*Object\.assign\(\s*\{\s*"
    r"columns: (?P<columns>\[.*?\]),\s*data: (?P<rows>\[.*?\]),\s*toolbar",
    re.DOTALL,
)
JQUERY_SCRIPT = re.compile(r"<script>(?:(?!</script>).)*?\$\(.*?</script>", re.DOTALL)
# The column of a row that links to its page (a validation's time, a suite's name).
LINKED_COLUMNS = ("run_time", "expectation_suite_name")


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
    html = JQUERY_SCRIPT.sub("", static_tables(html))
    html = EXTERNAL_LINK_TAG.sub("", html)
    html = EXTERNAL_SCRIPT.sub("", html)
    html = EXTERNAL_ATTRIBUTE.sub("", html)
    html = EXTERNAL_CSS_URL.sub("none", html)
    link = f'<link rel="stylesheet" href="{stylesheet}">\n'
    return HEAD_END.sub(lambda end: link + end.group(0), html, count=1)


def static_tables(html: str) -> str:
    """Each table a script would fill, filled with its rows as HTML."""
    for scripted in SCRIPTED_TABLE.finditer(html):
        columns = ast.literal_eval(scripted["columns"])
        rows = ast.literal_eval(scripted["rows"])
        empty = re.compile(
            rf"""(<table\b[^>]*\bid=["']{re.escape(scripted["id"])}["'][^>]*>)\s*</table>"""
        )
        table = empty.search(html)
        if table is None:
            raise ValueError(f"Data Docs: no table {scripted['id']} for the rows of its script")
        filled = table.group(1) + table_content(columns, rows) + "</table>"
        html = html[: table.start()] + filled + html[table.end() :]
    return html


def table_content(columns: list[dict[str, str]], rows: list[dict[str, str]]) -> str:
    """Header and rows; cells are GX's own HTML, the linked one wrapped in its row's link."""
    fields = [column["field"] for column in columns]
    linked = next((field for field in LINKED_COLUMNS if field in fields), fields[0])
    head = "".join(f"<th>{markup.escape(column.get('title', ''))}</th>" for column in columns)
    body = []
    for row in rows:
        cells = []
        for field in fields:
            cell = str(row.get(field, ""))
            if field == "validation_success" and row.get("_validation_success_text"):
                cell += markup.escape(row["_validation_success_text"])  # the icon is a glyph
            if field == linked and row.get("_table_row_link_path"):
                cell = f'<a href="{markup.escape(row["_table_row_link_path"])}">{cell}</a>'
            cells.append(f"<td>{cell}</td>")
        body.append(f"<tr>{''.join(cells)}</tr>")
    return f"<thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody>"
