"""The report of the demo publication, read in a real browser.

One warehouse per module: the bundled samples landed, built and published the way
the nightly does; the report built from it is opened page by page in headless
Chromium (Debian's, driven by Playwright), screenshotted, and its figures compared
with the same figures computed by SQL.
"""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest

from danvan.report import Publication, build_report

pytestmark = [pytest.mark.database, pytest.mark.e2e]

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags that let Chromium run as root in a container with no network, GPU or desktop.
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
# Five figures of the country's page and Hà Tĩnh's, and the SQL that must agree with them.
FIGURES_BY_SQL = {
    ("index.html", "models"): "select sum(models) from marts.rpt_models",
    ("index.html", "replicas"): "select sum(models) from marts.rpt_models where is_replica",
    ("index.html", "typical"): """select count(distinct model_key) from marts.fct_model_events
                                  where event_type = 'selected_typical'""",
    ("index.html", "quarantined-rows"): """select (select count(*) from audit.quarantine)
                                 + (select count(*) from raw.files where status = 'rejected')""",
    ("tinh-42.html", "missing-reports"): """select count(*) from marts.fct_expected_submissions
                                 where not has_reported and province_code_2025_07 = '42'""",
    (
        "tinh-42.html",
        "models",
    ): "select sum(models) from marts.rpt_models where province_code_2025_07 = '42'",
}


@pytest.fixture(scope="module")
def demo_url(published_samples) -> str:
    # GIVEN the bundled samples published as `make demo` publishes them
    assert published_samples.summary.published, published_samples.summary.render()
    return published_samples.settings.database_url


@pytest.fixture(scope="module")
def report(demo_url, tmp_path_factory) -> Path:
    # WHEN the report of that publication is built
    return build_report(demo_url, tmp_path_factory.mktemp("reports"))


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium is not installed (apt-get install -y chromium; .ci/run does it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def sql_value(url: str, sql: str):
    with psycopg.connect(url) as conn:
        return conn.execute(sql).fetchone()[0]


def test_every_page_renders_offline_without_errors_and_with_charts(report, browser, tmp_path):
    pages = sorted(report.parent.glob("*.html"))
    assert len(pages) == 35  # the country and today's 34 provinces
    blank, problems, charts = [], [], {}
    for page_path in pages:
        page = browser.new_page(viewport={"width": 900, "height": 1200})
        failed, errors = [], []
        page.on("requestfailed", lambda request, failed=failed: failed.append(request.url))
        page.on(
            "request",
            lambda request, failed=failed: (
                failed.append(request.url)
                if not request.url.startswith(("file:", "data:"))
                else None
            ),
        )
        page.on(
            "console",
            lambda message, errors=errors: (
                errors.append(message.text) if message.type == "error" else None
            ),
        )
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        page.goto(page_path.as_uri(), wait_until="load")
        page.evaluate("document.fonts.ready")
        page.screenshot(path=str(tmp_path / f"{page_path.stem}.png"), full_page=True)
        # THEN nothing was fetched from anywhere, nothing failed, nothing complained
        if failed or errors:
            problems.append((page_path.name, failed, errors))
        # AND the page's typeface is the inlined one, loaded (Vietnamese letters need it offline)
        faces = page.evaluate(
            "[...document.fonts].filter(f => f.status == 'loaded').map(f => f.family + ' ' + f.weight)"
        )
        assert set(faces) >= {"Be Vietnam Pro normal", "Be Vietnam Pro bold"}, faces
        # AND every chart shows something: its pixels are not one flat colour
        charts[page_path.stem] = page.locator("svg.chart").all()
        for chart in charts[page_path.stem]:
            shot = tmp_path / f"{page_path.stem}-{chart.get_attribute('id')}.png"
            chart.screenshot(path=str(shot))
            if _pixel_variance(shot) < 100:
                blank.append(shot.name)
        page.close()
    assert problems == []
    assert blank == []
    # the country's nine charts, and charts on each province the samples come from
    assert len(charts["index"]) == 9
    assert {page for page, shown in charts.items() if shown and page != "index"} == {
        "tinh-37", "tinh-42", "tinh-48", "tinh-91", "tinh-92"
    }  # fmt: skip


def _pixel_variance(png: Path) -> float:
    from PIL import Image

    with Image.open(png) as image:
        counts = image.convert("L").histogram()
    pixels = sum(counts)
    mean = sum(level * n for level, n in enumerate(counts)) / pixels
    return sum(n * (level - mean) ** 2 for level, n in enumerate(counts)) / pixels


def test_figures_on_the_page_equal_the_same_figures_by_sql(report, demo_url, browser):
    found = {}
    for file_name, key in FIGURES_BY_SQL:
        page = browser.new_page()
        page.goto((report.parent / file_name).as_uri())
        shown = page.locator(f'data[data-figure="{key}"]')
        found[(file_name, key)] = (int(shown.get_attribute("value")), shown.inner_text())
        page.close()
    expected = {
        key: (int(sql_value(demo_url, sql)), _vi(int(sql_value(demo_url, sql))))
        for key, sql in FIGURES_BY_SQL.items()
    }
    assert found == expected
    # and they are the demo's: something to show for each
    assert all(value > 0 for value, _text in found.values())


def _vi(number: int) -> str:
    return f"{number:,}".replace(",", ".")


def test_the_report_names_its_publication_and_says_when_nothing_is_held(report, demo_url, tmp_path):
    index = report.read_text(encoding="utf-8")
    # GIVEN the latest publication, with nothing held back
    with psycopg.connect(demo_url) as conn:
        (latest,) = conn.execute("select max(publication_id) from marts.dim_publication").fetchone()
    assert f"công bố lần {latest}" in index
    assert 'data-figure="held-submissions">0<' in index
    # WHEN the nightly passes the publication it just made
    published = datetime(2026, 1, 2, 19, 30, tzinfo=UTC)
    named = build_report(demo_url, tmp_path, publication=Publication(7, published))
    # THEN the report is filed under it and says so, in Vietnam's time
    assert named == tmp_path / "publication-7" / "index.html"
    assert "công bố lần 7, lúc 02:30 ngày 03/01/2026" in named.read_text(encoding="utf-8")
    assert "publication-7/index.html" in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_held_submissions_show_on_their_province_page(demo_url, tmp_path):
    # GIVEN a report held back from publication, with why (Thiên Lộc, Hà Tĩnh)
    with psycopg.connect(demo_url) as conn:
        (held,) = conn.execute(
            """update audit.submission_states set state = 'held',
                   reason_vi = 'số cầu tăng bất thường', reason_en = 'bridges jumped'
               where ctid = (select ctid from audit.submission_states
                             where reporting_unit_code = '18415' limit 1)
               returning file_id"""
        ).fetchall()
    try:
        # WHEN the report is built
        index = build_report(demo_url, tmp_path)
        # THEN the province's page lists it and the country counts it
        province = (index.parent / "tinh-42.html").read_text(encoding="utf-8")
        assert "số cầu tăng bất thường" in province and "bridges jumped" in province
        assert 'data-figure="held-submissions">1<' in index.read_text(encoding="utf-8")
    finally:
        with psycopg.connect(demo_url) as conn:
            conn.execute(
                """update audit.submission_states set state = 'published', reason_vi = null,
                       reason_en = null where state = 'held' and file_id = %s""",
                [held[0]],
            )
