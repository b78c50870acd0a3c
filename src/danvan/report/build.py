"""Write the report of a publication: index.html for the country, a page per province.

    reports/                      (out_dir)
      index.html                  every report built here, newest first
      publication-12/             one folder per publication (or built-<time> without one)
        index.html                the whole country
        tinh-42.html …            one page per province of today's map
        report.json               what was built, for the list above

Pages need nothing else: the font is inlined, the charts are inline SVG, and there
is no script, so a folder copied to a USB stick or a single page sent by mail
reads (and prints on A4) the same offline.
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from danvan.report.data import NATION, Publication, ReportData, read_report_data
from danvan.report.fonts import font_face_css
from danvan.report.numbers import vi_datetime
from danvan.report.pages import (
    KeyFigure,
    Section,
    Table,
    key_figures,
    page_file,
    province_list,
    sections_of,
)
from danvan.settings import DEFAULT_BUILD_WORK_MEM

MANIFEST = "report.json"


@dataclass
class Page:
    area: str
    title_vi: str
    title_en: str
    key_figures: list[KeyFigure]
    sections: list[Section]
    provinces: Table | None = None
    file_name: str = field(init=False)

    def __post_init__(self) -> None:
        self.file_name = page_file(self.area)


def build_report(
    url: str,
    out_dir: Path,
    *,
    publication: Publication | None = None,
    work_mem: str = DEFAULT_BUILD_WORK_MEM,
) -> Path:
    """Write the report of the published marts at ``url`` under ``out_dir``; return its index.html.

    ``publication`` names the publication (number and time); without it the report reads
    the latest row of marts.dim_publication where that table exists, else it is labelled
    with the time it was built. ``work_mem``: PostgreSQL's, for its national aggregates.
    """
    built_at = datetime.now(UTC)
    data = read_report_data(url, publication, work_mem)
    label = (
        f"publication-{data.publication.number}"
        if data.publication
        else f"built-{built_at:%Y%m%dT%H%M%SZ}"
    )
    target = out_dir / label
    staging = out_dir / f".{label}.partial"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    environment = _templates()
    template = environment.get_template("page.html.j2")
    meta_vi, meta_en = _publication_lines(data, built_at)
    for page in _pages(data):
        html = template.render(
            page=page,
            sql=data.sql,
            font_css=Markup(font_face_css()),
            meta_vi=meta_vi,
            meta_en=meta_en,
        )
        (staging / page.file_name).write_text(html, encoding="utf-8")
    manifest = {
        "label": label,
        "publication_number": data.publication.number if data.publication else None,
        "published_at": data.publication.published_at.isoformat() if data.publication else None,
        "built_at": built_at.isoformat(),
        "pages": 1 + len(data.provinces),
    }
    (staging / MANIFEST).write_text(json.dumps(manifest, indent=2), encoding="utf-8")
    # A report is replaced whole, so a reader never sees half of a rebuilt one.
    shutil.rmtree(target, ignore_errors=True)
    staging.rename(target)
    _write_report_list(out_dir, environment)
    return target / "index.html"


def _pages(data: ReportData) -> list[Page]:
    pages = [
        Page(
            NATION,
            "Báo cáo phong trào toàn quốc",
            "Programme report: the whole country",
            key_figures(data, NATION),
            sections_of(data, NATION),
            provinces=province_list(data),
        )
    ]
    for code, name in data.provinces.items():
        pages.append(
            Page(
                code,
                name,
                f"{name}: programme report",
                key_figures(data, code),
                sections_of(data, code),
            )
        )
    return pages


def _publication_lines(data: ReportData, built_at: datetime) -> tuple[str, str]:
    built = vi_datetime(built_at)
    if data.publication:
        published = vi_datetime(data.publication.published_at)
        number = data.publication.number
        return (
            f"Số liệu công bố lần {number}, lúc {published} (giờ Việt Nam). Lập lúc {built}.",
            f"Publication {number} of the marts, published {published} (Vietnam time); "
            f"report built {built}.",
        )
    return (
        f"Số liệu đã công bố, đọc lúc {built} (giờ Việt Nam).",
        f"The published marts as read at {built} (Vietnam time).",
    )


def _templates() -> Environment:
    return Environment(
        loader=PackageLoader("danvan.report", "templates"),
        autoescape=select_autoescape(default=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def _write_report_list(out_dir: Path, environment: Environment) -> None:
    """out_dir/index.html: every report kept here, newest first."""
    reports = []
    for manifest in out_dir.glob(f"*/{MANIFEST}"):
        reports.append(json.loads(manifest.read_text(encoding="utf-8")))
    reports.sort(key=lambda r: r["built_at"], reverse=True)
    for report in reports:
        moment = report["published_at"] or report["built_at"]
        report["when"] = vi_datetime(datetime.fromisoformat(moment))
    html = environment.get_template("reports.html.j2").render(
        reports=reports, font_css=Markup(font_face_css())
    )
    (out_dir / "index.html").write_text(html, encoding="utf-8")
