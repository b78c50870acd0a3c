"""The sections of a page — the country's (area VN) or a province's — from the report data.

Each section is a chart, the table of the figures drawn, and the guide's SQL behind
them. Sections only pick the rows of their area and lay them out: the figures are
the SQL's, counts of models are the only thing added up (over fields and years).
One module for all sections: each is a short function over the same few helpers
(areas, columns, series), and a page is read top to bottom in the same order here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from markupsafe import Markup

from danvan.report import charts
from danvan.report.charts import MUTED, Panel, Series, colour_for
from danvan.report.data import NATION, ReportData
from danvan.report.numbers import vi_date, vi_number, vi_percent

LEVELS = {
    "commune": ("Cấp xã", "Communes", "xã"),
    "district": ("Cấp huyện", "Districts", "huyện"),
    "province": ("Cấp tỉnh", "Provinces", "tỉnh"),
    "agency": ("Cơ quan, đơn vị", "Agencies", "cơ quan"),
    "central": ("Trung ương", "Central", "TW"),
}
RECOGNITION_LEVELS = ("commune", "district", "province", "central")
REPLICAS = ("Mô hình nhân rộng", "Replicating another model")
ROWS_SHOWN = 200  # of a long list (missing reports, quarantined rows) on one page


@dataclass(frozen=True)
class Column:
    vi: str
    en: str
    numeric: bool = False


@dataclass
class Table:
    caption_vi: str
    caption_en: str
    columns: Sequence[Column]
    rows: list[list[str | Markup]]
    folded: bool = False
    note: str = ""


@dataclass
class Section:
    anchor: str
    title_vi: str
    title_en: str
    note_vi: str = ""
    note_en: str = ""
    chart: Markup | None = None
    tables: list[Table] = field(default_factory=list)
    sql_ids: Sequence[str] = ()
    empty: bool = False


@dataclass(frozen=True)
class KeyFigure:
    key: str
    vi: str
    en: str
    value: int | Decimal
    text: str


def page_file(area: str) -> str:
    return "index.html" if area == NATION else f"tinh-{area}.html"


def _level(code: str | None) -> str:
    return LEVELS.get(code or "", (code or "", "", code or ""))[0]


def _svg(svg: str) -> Markup:
    return Markup(svg)  # written by charts, every text in it escaped there


def _count(value: int | float | Decimal | None) -> str:
    return vi_number(value or 0)


# -- what sits at the top: the key figures ---------------------------------------------


def key_figures(data: ReportData, area: str) -> list[KeyFigure]:
    models = data.of("report-models-by-province", area)
    recognitions = data.of("report-recognitions", area)
    figures = [
        ("models", "Mô hình", "Models", sum(r.models for r in models)),
        (
            "replicas",
            "Mô hình nhân rộng",
            "Replicating models",
            sum(r.models for r in models if r.is_replica),
        ),
        (
            "recognitions",
            "Lượt công nhận",
            "Recognitions",
            sum(r.models for r in recognitions if r.event_type == "recognised"),
        ),
        (
            "typical",
            "Mô hình điển hình",
            "Typical models",
            sum(r.models for r in recognitions if r.event_type == "selected_typical"),
        ),
        (
            "missing-reports",
            "Báo cáo còn thiếu",
            "Reports missing",
            len(_listed(data, "report-missing-reports", area)),
        ),
        (
            "quarantined-rows",
            "Dòng, tệp bị loại",
            "Rows and files rejected",
            len(_quarantined(data, area)),
        ),
        ("held-submissions", "Báo cáo bị giữ lại", "Reports held", len(_held(data, area))),
    ]
    return [KeyFigure(key, vi, en, value, vi_number(value)) for key, vi, en, value in figures]


def _listed(data: ReportData, query_id: str, area: str) -> list[Any]:
    """Rows of a list kept by province (missing reports, rejected rows): all of them for VN."""
    rows = data.rows[query_id]
    if area == NATION:
        return [row for rows_of in rows.values() for row in rows_of]
    return rows.get(area, [])


def _quarantined(data: ReportData, area: str) -> list[Any]:
    return _listed(data, "report-quarantined-rows", area)


def _held(data: ReportData, area: str) -> list[Any]:
    return _listed(data, "report-held-submissions", area)


# -- models ------------------------------------------------------------------------------


def _field_order(data: ReportData) -> list[str]:
    return sorted(data.fields, key=lambda code: data.fields[code].sort_order)


def _models_series(data: ReportData, counts: dict[Any, int], keys: Sequence[Any]) -> list[Series]:
    """One stacked series per field (new models), and the replicas on top."""
    series = [
        Series(
            f"{data.fields[code].name_vi} — {data.fields[code].name_en}",
            [counts.get((key, code, False), 0) for key in keys],
            colour_for(index),
        )
        for index, code in enumerate(_field_order(data))
        if any(counts.get((key, code, False)) for key in keys)
    ]
    replicas = [sum(counts.get((key, code, True), 0) for code in data.fields) for key in keys]
    if any(replicas):
        series.append(Series(" — ".join(REPLICAS), replicas, MUTED, hatch="//"))
    return series


def _models_table_columns(data: ReportData, first: Column) -> list[Column]:
    return [
        first,
        *(Column(data.fields[c].name_vi, data.fields[c].name_en, True) for c in _field_order(data)),
        Column(*REPLICAS, numeric=True),
        Column("Tổng", "Total", numeric=True),
    ]


def _models_table_row(data: ReportData, counts: dict[Any, int], key: Any) -> list[str]:
    new = [counts.get((key, code, False), 0) for code in _field_order(data)]
    replicas = sum(counts.get((key, code, True), 0) for code in data.fields)
    return [*map(_count, new), _count(replicas), _count(sum(new) + replicas)]


def models_by_province(data: ReportData) -> Section:
    """The country page's ranking of provinces (a ranked chart stands in for a map)."""
    counts: dict[Any, Any] = defaultdict(int)
    totals: dict[Any, Any] = defaultdict(int)
    for area in data.areas_with("report-models-by-province"):
        for row in data.of("report-models-by-province", area):
            counts[(area, row.field_code, row.is_replica)] += row.models
            totals[area] += row.models
    ranked = sorted(totals, key=lambda area: (-totals[area], area))
    names = [data.provinces.get(area, area) for area in ranked]
    section = Section(
        "mo-hinh-theo-tinh",
        "Mô hình theo tỉnh, thành phố",
        "Models by province",
        note_vi="Theo bản đồ 34 tỉnh, thành phố hiện nay; lịch sử trước 1/7/2025 được cộng vào "
        "tỉnh, thành phố hiện nay. Chưa có tệp ranh giới tỉnh mở nào được phát hành kèm gói phần "
        "mềm, nên biểu đồ xếp hạng thay cho bản đồ.",
        note_en="Today's 34-province map, pre-reform history rolled up. No openly licensed "
        "boundary file ships in a package, so a ranked chart stands in for a map.",
        sql_ids=("report-models-by-province", "report-models-as-reported"),
    )
    if not ranked:
        section.empty = True
        return section
    section.chart = _svg(
        charts.bar_chart(
            "chart-models-by-province",
            "Số mô hình theo tỉnh, thành phố — models by province",
            names,
            _models_series(data, counts, ranked),
            horizontal=True,
        )
    )
    section.tables.append(
        Table(
            "Số mô hình theo tỉnh",
            "Models by province",
            _models_table_columns(data, Column("Tỉnh, thành phố", "Province")),
            [
                [_province_link(data, area), *_models_table_row(data, counts, area)]
                for area in ranked
            ],
        )
    )
    section.tables.append(_as_reported_table(data, None, folded=True))
    return section


def _province_link(data: ReportData, area: str) -> Markup:
    return Markup('<a href="{}">{}</a>').format(page_file(area), data.provinces.get(area, area))


def _as_reported_table(data: ReportData, area: str | None, *, folded: bool) -> Table:
    areas = [area] if area else data.areas_with("report-models-as-reported")
    rows: list[list[str | Markup]] = []
    for one in areas:
        for row in data.of("report-models-as-reported", one):
            old = (
                row.province_name_2025_01
                or "Cơ quan báo cáo theo bản đồ mới — agencies (today's map)"
            )
            rows.append(
                [
                    data.provinces.get(one, one) if one else "",
                    old,
                    _count(row.models),
                    _count(row.replicas),
                ]
            )
    return Table(
        "Theo bản đồ 63 tỉnh lúc báo cáo",
        "As reported, on the 63-province map of the time",
        [
            Column("Tỉnh, thành phố hiện nay", "Province today"),
            Column("Tỉnh lúc báo cáo", "Province then"),
            Column("Mô hình", "Models", True),
            Column(*REPLICAS, numeric=True),
        ],
        rows,
        folded=folded,
    )


def _models_by_year(
    rows: Iterable[Any], key: Callable[[Any], tuple[Any, ...]]
) -> tuple[dict[tuple[Any, ...], int], list[Any]]:
    """Models summed by ``key`` (the year first), and the years that have any."""
    counts: dict[tuple[Any, ...], int] = defaultdict(int)
    for row in rows:
        counts[key(row)] += row.models
    return counts, sorted({year for year, *_rest in counts})


def models_by_year(data: ReportData, area: str) -> Section:
    counts, years = _models_by_year(
        data.of("report-models-by-year", area),
        lambda row: (row.start_year, row.field_code, row.is_replica),
    )
    section = Section(
        "mo-hinh-theo-nam",
        "Mô hình theo năm xây dựng và lĩnh vực",
        "Models by the year they started and field",
        note_vi="Mỗi mô hình được đếm một lần, dù được báo cáo bởi cấp nào; phần gạch chéo là mô "
        "hình nhân rộng từ mô hình khác.",
        note_en="Each model counts once whatever level reports it; hatched: models replicating "
        "another.",
        sql_ids=("report-models-by-year",),
    )
    if not years:
        section.empty = True
        return section
    section.chart = _svg(
        charts.bar_chart(
            f"chart-models-by-year-{area}",
            "Số mô hình theo năm xây dựng — models by start year",
            [str(year) for year in years],
            _models_series(data, counts, years),
        )
    )
    section.tables.append(
        Table(
            "Số mô hình theo năm xây dựng",
            "Models by start year",
            _models_table_columns(data, Column("Năm", "Year")),
            [[str(year), *_models_table_row(data, counts, year)] for year in years],
        )
    )
    if area != NATION:
        section.tables.append(_as_reported_table(data, area, folded=False))
        section.sql_ids = ("report-models-by-year", "report-models-as-reported")
    return section


def recognitions(data: ReportData, area: str) -> Section:
    counts, years = _models_by_year(
        data.of("report-recognitions", area),
        lambda row: (row.event_year, row.event_type, row.recognition_level),
    )
    section = Section(
        "cong-nhan",
        "Công nhận và chọn điển hình",
        "Recognitions and typical models",
        note_vi="Cột trái: mô hình được công nhận, theo cấp công nhận (mỗi cấp một lần); cột "
        "phải: mô hình được chọn làm điển hình để nhân rộng.",
        note_en="Left bar: models recognised, by level (once per level); right bar: models "
        "selected as typical for replication.",
        sql_ids=("report-recognitions", "report-replication"),
    )
    if not years:
        section.empty = True
    else:
        series = [
            Series(
                f"Công nhận {LEVELS[level][0].lower()} — recognised, {LEVELS[level][1].lower()}",
                [counts.get((y, "recognised", level), 0) for y in years],
                colour_for(i),
            )
            for i, level in enumerate(RECOGNITION_LEVELS)
            if any(counts.get((y, "recognised", level)) for y in years)
        ]
        typical = [counts.get((y, "selected_typical", None), 0) for y in years]
        if any(typical):
            series.append(Series("Điển hình — typical", typical, "#D55E00", group=1, hatch=".."))
        section.chart = _svg(
            charts.bar_chart(
                f"chart-recognitions-{area}",
                "Mô hình được công nhận và chọn điển hình theo năm — "
                "recognitions and typical models by year",
                [str(y) for y in years],
                series,
            )
        )
        section.tables.append(
            Table(
                "Công nhận theo năm và cấp",
                "Recognitions by year and level",
                [
                    Column("Năm", "Year"),
                    *(
                        Column(LEVELS[level][0], LEVELS[level][1], True)
                        for level in RECOGNITION_LEVELS
                    ),
                    Column("Chọn điển hình", "Selected as typical", True),
                ],
                [
                    [
                        str(y),
                        *(
                            _count(counts.get((y, "recognised", level)))
                            for level in RECOGNITION_LEVELS
                        ),
                        _count(counts.get((y, "selected_typical", None))),
                    ]
                    for y in years
                ],
            )
        )
    replicated = (
        data.of("report-replication", area)
        if area != NATION
        else [
            row
            for one in data.areas_with("report-replication")
            for row in data.of("report-replication", one)
        ]
    )
    if replicated:
        replicated = sorted(replicated, key=lambda r: (-(r.replica_villages or 0), r.model_name))
        section.tables.append(
            Table(
                "Mô hình được nhân rộng",
                "Models replicated",
                [
                    Column("Mô hình", "Model"),
                    Column("Tỉnh, thành phố", "Province"),
                    Column("Năm bắt đầu", "Started", True),
                    Column("Nhân rộng từ năm", "Replicated from", True),
                    Column("Mô hình nhân rộng", "Replicas", True),
                    Column("Số xã", "Communes", True),
                    Column("Số thôn", "Villages", True),
                    Column("Thành viên", "Members", True),
                ],
                [
                    [
                        row.model_name,
                        data.provinces.get(row.area_code, row.area_code),
                        str(row.start_year or "–"),
                        str(row.first_replicated_year or "–"),
                        _count(row.replicas),
                        _count(row.communes_reached),
                        _count(row.replica_villages),
                        _count(row.replica_members),
                    ]
                    for row in replicated[:ROWS_SHOWN]
                ],
            )
        )
    return section


# -- results by period ------------------------------------------------------------------


def _period_order(data: ReportData, codes: Iterable[str]) -> list[str]:
    """Years first, then terms, each in time order: a term is never added to its years."""

    def key(code: str) -> tuple[Any, ...]:
        period = data.periods.get(code)
        if period is None:
            return (2, code)
        return (period.kind != "year", period.start, period.end)

    return sorted(set(codes), key=key)


def _period_label(data: ReportData, code: str) -> str:
    """'2023', '2023-Q1'; a multi-year term as 'GĐ 2020-2025' (giai đoạn)."""
    period = data.periods.get(code)
    return f"GĐ {code}" if period is not None and period.kind == "term" else code


def _categories(data: ReportData, keys: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
    """(period, level) pairs in time order; levels stay apart, never added together."""
    keys = set(keys)
    order = _period_order(data, (period for period, _level in keys))
    levels = [level for level in LEVELS if any(lv == level for _p, lv in keys)]
    return [(p, lv) for p in order for lv in levels if (p, lv) in keys]


def _category_label(data: ReportData, category: tuple[str, str], several_levels: bool) -> str:
    period, level = category
    label = _period_label(data, period)
    return f"{label} · {LEVELS.get(level, ('', '', level))[2]}" if several_levels else label


def indicators(data: ReportData, area: str) -> Section:
    rows = data.of("report-headline-indicators", area)
    section = Section(
        "ket-qua",
        "Kết quả theo các chỉ tiêu chính",
        "Headline indicator results",
        note_vi="Theo năm và giai đoạn (GĐ), mỗi báo cáo chồng kỳ chỉ tính một lần; giai đoạn "
        "không cộng với các năm trong nó. Số liệu các cấp báo cáo để riêng vì cấp huyện có thể "
        "tổng hợp lại số liệu của xã.",
        note_en="By year and term (GĐ), overlapping reports counted once; a term is not added to "
        "its years. Levels stay apart: a district may restate its communes.",
        sql_ids=("report-headline-indicators",),
    )
    if not rows:
        section.empty = True
        return section
    by_indicator: dict[Any, Any] = defaultdict(dict)
    for row in rows:
        by_indicator[row.indicator_code][(row.period_code, row.reporting_unit_level)] = row
    panels = []
    for code in sorted(by_indicator, key=lambda c: data.indicators[c].name_vi):
        cells = by_indicator[code]
        categories = _categories(data, cells)
        several = len({level for _p, level in categories}) > 1
        named = data.indicators[code]
        panels.append(
            Panel(
                f"{named.name_vi} ({named.unit_vi})",
                [_category_label(data, c, several) for c in categories],
                [Series(named.name_en, [cells[c].value for c in categories], colour_for(0))],
            )
        )
    section.chart = _svg(
        charts.panel_chart(
            f"chart-indicators-{area}",
            "Kết quả các chỉ tiêu chính theo năm và giai đoạn — "
            "headline indicators by year and term",
            panels,
        )
    )
    section.tables.append(
        Table(
            "Kết quả theo chỉ tiêu, kỳ và cấp báo cáo",
            "Results by indicator, period and level",
            [
                Column("Chỉ tiêu", "Indicator"),
                Column("Kỳ", "Period"),
                Column("Cấp", "Level"),
                Column("Giá trị", "Value", True),
                Column("Đơn vị tính", "Unit"),
                Column("Số đơn vị báo cáo", "Units reporting", True),
                Column("Đủ cả kỳ", "Whole period"),
            ],
            [
                [
                    data.indicators[code].name_vi,
                    _period_label(data, period),
                    _level(level),
                    vi_number(row.value),
                    data.indicators[code].unit_vi or "",
                    _count(row.units),
                    "có" if row.covers_whole_period else "chưa đủ",
                ]
                for code in sorted(by_indicator, key=lambda c: data.indicators[c].name_vi)
                for (period, level), row in (
                    (c, by_indicator[code][c]) for c in _categories(data, by_indicator[code])
                )
            ],
        )
    )
    return section


def contributions(data: ReportData, area: str) -> Section:
    rows = data.of("report-contributions", area)
    section = Section(
        "nguon-luc",
        "Nguồn lực huy động",
        "Resources mobilised",
        note_vi="Tiền (đồng), đất (m²) và ngày công theo nguồn đóng góp, theo năm và giai đoạn.",
        note_en="Money (VND), land (m²) and labour days by source, by year and term.",
        sql_ids=("report-contributions",),
    )
    if not rows:
        section.empty = True
        return section
    by_type: dict[Any, Any] = defaultdict(lambda: defaultdict(dict))
    for row in rows:
        category = (row.period_code, row.reporting_unit_level)
        by_type[row.contribution_type_code][row.contribution_source_code][category] = row.amount
    panels, labels = [], {}
    source_order = sorted(data.contribution_sources)
    for code in sorted(by_type, key=lambda c: data.contribution_types[c].name_vi):
        sources = by_type[code]
        categories = _categories(data, (c for cells in sources.values() for c in cells))
        several = len({level for _p, level in categories}) > 1
        named = data.contribution_types[code]
        title = f"{named.name_vi} ({named.unit_vi})"
        panels.append(
            Panel(
                title,
                [_category_label(data, c, several) for c in categories],
                [
                    Series(
                        f"{data.contribution_sources[s].name_vi} — {data.contribution_sources[s].name_en}",
                        [sources[s].get(c) for c in categories],
                        colour_for(source_order.index(s)),
                    )
                    for s in source_order
                    if s in sources
                ],
            )
        )
        labels[title] = charts.money_label if code == "money" else charts.count_label
    section.chart = _svg(
        charts.panel_chart(
            f"chart-contributions-{area}",
            "Nguồn lực huy động theo loại và nguồn — resources mobilised by type and source",
            panels,
            label=lambda panel: labels[panel.title],
        )
    )
    section.tables.append(
        Table(
            "Nguồn lực theo loại, nguồn, kỳ và cấp",
            "Resources by type, source, period and level",
            [
                Column("Loại", "Type"),
                Column("Nguồn", "Source"),
                Column("Kỳ", "Period"),
                Column("Cấp", "Level"),
                Column("Số lượng", "Amount", True),
                Column("Đơn vị tính", "Unit"),
            ],
            [
                [
                    data.contribution_types[row.contribution_type_code].name_vi,
                    data.contribution_sources[row.contribution_source_code].name_vi,
                    _period_label(data, row.period_code),
                    _level(row.reporting_unit_level),
                    vi_number(row.amount),
                    data.contribution_types[row.contribution_type_code].unit_vi or "",
                ]
                for row in sorted(
                    rows,
                    key=lambda r: (
                        r.contribution_type_code,
                        _period_order(data, [r.period_code]),
                        r.contribution_source_code,
                    ),
                )
            ],
        )
    )
    return section


def petitions(data: ReportData, area: str) -> Section:
    rows = {(r.period_code, r.reporting_unit_level): r for r in data.of("report-petitions", area)}
    section = Section(
        "don-thu",
        "Tiếp nhận và giải quyết đơn thư",
        "Petitions received and resolved",
        note_vi="Tỷ lệ giải quyết = số đã giải quyết / số thuộc thẩm quyền.",
        note_en="Resolution rate = resolved / under the units' authority.",
        sql_ids=("report-petitions",),
    )
    if not rows:
        section.empty = True
        return section
    categories = _categories(data, rows)
    several = len({level for _p, level in categories}) > 1
    labels = [_category_label(data, c, several) for c in categories]
    parts = (
        ("petitions_received", "Tiếp nhận — received", "#56B4E9"),
        ("petitions_under_authority", "Thuộc thẩm quyền — under authority", "#0072B2"),
        ("petitions_resolved", "Đã giải quyết — resolved", "#009E73"),
    )
    section.chart = _svg(
        charts.bar_chart(
            f"chart-petitions-{area}",
            "Đơn thư tiếp nhận, thuộc thẩm quyền và đã giải quyết — "
            "petitions received, under authority and resolved",
            labels,
            [
                Series(label, [getattr(rows[c], column) for c in categories], colour, group=group)
                for group, (column, label, colour) in enumerate(parts)
            ],
        )
    )
    section.tables.append(
        Table(
            "Đơn thư theo kỳ và cấp",
            "Petitions by period and level",
            [
                Column("Kỳ", "Period"),
                Column("Cấp", "Level"),
                Column("Tiếp nhận", "Received", True),
                Column("Thuộc thẩm quyền", "Under authority", True),
                Column("Đã giải quyết", "Resolved", True),
                Column("Tỷ lệ giải quyết", "Resolution rate", True),
            ],
            [
                [
                    _period_label(data, p),
                    _level(lv),
                    _count(rows[(p, lv)].petitions_received),
                    _count(rows[(p, lv)].petitions_under_authority),
                    _count(rows[(p, lv)].petitions_resolved),
                    vi_percent(rows[(p, lv)].resolution_rate_pct),
                ]
                for p, lv in categories
            ],
        )
    )
    return section


def targets(data: ReportData, area: str) -> Section:
    rows = data.of("report-targets", area)
    section = Section(
        "chi-tieu",
        "Chỉ tiêu được giao",
        "Targets set from above",
        note_vi="Số đơn vị đạt và chưa đạt chỉ tiêu mỗi kỳ; chỉ tiêu cả giai đoạn còn đang thực "
        "hiện cho đến hết giai đoạn.",
        note_en="Units that met the quota and units that did not, each period; a term's quota is "
        "in progress until the term is over.",
        sql_ids=("report-targets",),
    )
    if not rows:
        section.empty = True
        return section
    by_target: dict[Any, Any] = defaultdict(dict)
    for row in rows:
        by_target[row.target_code][row.period_code] = row
    panels = []
    for code in sorted(by_target):
        periods = _period_order(data, by_target[code])
        cells = [by_target[code][period] for period in periods]
        panels.append(
            Panel(
                data.targets[code].name_vi,
                [_period_label(data, period) for period in periods],
                [
                    Series("Đạt — met", [c.units_met for c in cells], "#009E73"),
                    Series("Chưa đạt — not met", [c.units - c.units_met for c in cells], "#E69F00"),
                ],
            )
        )
    section.chart = _svg(
        charts.panel_chart(
            f"chart-targets-{area}",
            "Số đơn vị đạt chỉ tiêu được giao theo kỳ — units meeting their targets, by period",
            panels,
        )
    )
    section.tables.append(
        Table(
            "Đơn vị đạt chỉ tiêu", "Units meeting their targets",
            [Column("Chỉ tiêu", "Target"), Column("Kỳ", "Period"),
             Column("Số đơn vị", "Units", True), Column("Đạt", "Met", True),
             Column("Tình trạng", "Status")],
            [[Markup('{}<br><span lang="en" class="en">{}</span>').format(
                data.targets[code].name_vi, data.targets[code].name_en),
              _period_label(data, period), _count(row.units), _count(row.units_met),
              "đang thực hiện — in progress" if row.units_in_progress else "đã kết thúc — over"]
             for code in sorted(by_target)
             for period in _period_order(data, by_target[code])
             for row in [by_target[code][period]]],
        )
    )  # fmt: skip
    return section


# -- reporting discipline and data quality ----------------------------------------------


def completeness(data: ReportData, area: str) -> Section:
    section = Section(
        "bao-cao",
        "Báo cáo đầy đủ, đúng hạn",
        "Reports received and on time",
        note_vi="Mỗi ô: số đơn vị đã báo cáo / số đơn vị phải báo cáo; màu theo tỷ lệ đã báo cáo.",
        note_en="Each cell: units that reported / units expected to; colour by the share that did.",
        sql_ids=("report-completeness", "report-missing-reports"),
    )
    if area == NATION:
        row_keys = [(NATION, None)] + [
            (one, None) for one in sorted(a for a in data.areas_with("report-completeness") if a)
        ]
    else:
        levels = sorted(
            {
                r.reporting_unit_level
                for r in data.of("report-completeness", area)
                if r.reporting_unit_level
            },
            key=list(LEVELS).index,
        )
        row_keys = [(area, None), *((area, level) for level in levels)]
    cells = {
        (one, row.reporting_unit_level, row.period_code): row
        for one in {a for a, _l in row_keys}
        for row in data.of("report-completeness", one)
    }
    periods = _period_order(data, (period for _a, _l, period in cells))
    if not periods:
        section.empty = True
        return section

    def row_label(key: tuple[str, str | None]) -> str:
        one, level = key
        if level is not None:
            return _level(level)
        if area != NATION:
            return "Tất cả các cấp"
        return "Cả nước" if one == NATION else data.provinces.get(one, one)

    grid = [[cells.get((a, lv, p)) for p in periods] for a, lv in row_keys]
    section.chart = _svg(
        charts.heatmap(
            f"chart-completeness-{area}",
            "Tỷ lệ đơn vị đã báo cáo theo kỳ — share of units that reported, by period",
            [row_label(k) for k in row_keys],
            periods,
            [[c.completeness_pct if c else None for c in row] for row in grid],
            [[f"{c.units_reported}/{c.units_expected}" if c else "" for c in row] for row in grid],
        )
    )
    section.tables.append(
        Table(
            "Đơn vị phải báo cáo, đã báo cáo và đúng hạn",
            "Units expected, reporting and on time",
            [
                Column("Đơn vị", "Area"),
                Column("Kỳ", "Period"),
                Column("Phải báo cáo", "Expected", True),
                Column("Đã báo cáo", "Reported", True),
                Column("Đúng hạn", "On time", True),
                Column("Tỷ lệ đã báo cáo", "Reported share", True),
            ],
            [
                [
                    row_label(k),
                    _period_label(data, p),
                    _count(c.units_expected),
                    _count(c.units_reported),
                    _count(c.units_on_time),
                    vi_percent(c.completeness_pct),
                ]
                for k, row in zip(row_keys, grid, strict=True)
                for p, c in zip(periods, row, strict=True)
                if c
            ],
            folded=True,
        )
    )
    missing = data.of("report-missing-reports", area) if area != NATION else []
    if missing:
        section.tables.append(
            Table(
                "Đơn vị chưa gửi báo cáo",
                "Units whose report is missing",
                [
                    Column("Mã", "Code"),
                    Column("Đơn vị", "Unit"),
                    Column("Cấp", "Level"),
                    Column("Kỳ", "Period"),
                    Column("Hạn gửi", "Due"),
                ],
                [
                    [
                        row.reporting_unit_code,
                        row.reporting_unit_name,
                        _level(row.reporting_unit_level),
                        _period_label(data, row.period_code),
                        vi_date(row.due_date),
                    ]
                    for row in missing[:ROWS_SHOWN]
                ],
                folded=len(missing) > 20,
                note=_shown(len(missing)),
            )
        )
    return section


def _shown(total: int) -> str:
    if total <= ROWS_SHOWN:
        return ""
    return f"{vi_number(ROWS_SHOWN)} / {vi_number(total)} dòng đầu — first {ROWS_SHOWN} of {total} rows"


def data_quality(data: ReportData, area: str) -> Section:
    section = Section(
        "chat-luong",
        "Chất lượng dữ liệu: việc cần sửa",
        "Data quality: what to fix",
        note_vi="Dòng số liệu bị loại khi nạp (sửa tệp và gửi lại) và báo cáo bị giữ lại chưa "
        "công bố (xem lý do).",
        note_en="Rows rejected at loading (correct the file and send it again) and reports held "
        "back from publication (see why).",
        sql_ids=("report-quarantined-rows", "report-held-submissions"),
    )
    if area == NATION:
        _quality_by_province(data, section)
    quarantined = _quarantined(data, area)
    if quarantined:
        section.tables.append(
            Table(
                "Dòng số liệu, tệp bị loại",
                "Rows and files rejected",
                [
                    Column("Tệp › trang › dòng › cột", "File › sheet › row › column"),
                    Column("Giá trị", "Value"),
                    Column("Lý do", "Reason"),
                ],
                [
                    [
                        " › ".join(
                            str(part)
                            for part in (r.file_name, r.sheet, r.row_number, r.column_name)
                            if part is not None
                        ),
                        r.value_text or "",
                        Markup('{}<br><span lang="en" class="en">{}</span>').format(
                            r.reason_vi, r.reason_en
                        ),
                    ]
                    for r in quarantined[:ROWS_SHOWN]
                ],
                note=_shown(len(quarantined)),
            )
        )
    held = _held(data, area)
    if held:
        section.tables.append(
            Table(
                "Báo cáo bị giữ lại",
                "Reports held",
                [
                    Column("Đơn vị", "Unit"),
                    Column("Kỳ", "Period"),
                    Column("Ngày gửi", "Sent"),
                    Column("Lý do", "Reason"),
                ],
                [
                    [
                        r.reporting_unit_code,
                        _period_label(data, r.period_code),
                        vi_date(r.submitted_on),
                        Markup('{}<br><span lang="en" class="en">{}</span>').format(
                            r.reason_vi, r.reason_en
                        ),
                    ]
                    for r in held[:ROWS_SHOWN]
                ],
                note=_shown(len(held)),
            )
        )
    section.empty = not (section.chart or section.tables)
    return section


def _quality_by_province(data: ReportData, section: Section) -> None:
    quarantined = {a: len(rows) for a, rows in data.rows["report-quarantined-rows"].items()}
    held = {a: len(rows) for a, rows in data.rows["report-held-submissions"].items()}
    areas = sorted(set(quarantined) | set(held), key=lambda a: (a is None, a or ""))
    if not areas:
        return
    names = [data.provinces.get(a, a) if a else "Không rõ tỉnh — province unknown" for a in areas]
    section.chart = _svg(
        charts.bar_chart(
            "chart-quality",
            "Dòng bị loại và báo cáo bị giữ lại theo tỉnh — rows quarantined and "
            "reports held by province",
            names,
            [
                Series(
                    "Dòng bị loại — rows quarantined",
                    [quarantined.get(a, 0) for a in areas],
                    "#D55E00",
                ),
                Series(
                    "Báo cáo bị giữ lại — reports held",
                    [held.get(a, 0) for a in areas],
                    "#E69F00",
                    group=1,
                ),
            ],
            horizontal=True,
        )
    )
    section.tables.append(
        Table(
            "Việc cần sửa theo tỉnh",
            "What to fix, by province",
            [
                Column("Tỉnh, thành phố", "Province"),
                Column("Dòng bị loại", "Rows quarantined", True),
                Column("Báo cáo bị giữ lại", "Reports held", True),
            ],
            [
                [
                    Markup('<a href="{}#chat-luong">{}</a>').format(page_file(a), name)
                    if a
                    else name,
                    _count(quarantined.get(a)),
                    _count(held.get(a)),
                ]
                for a, name in zip(areas, names, strict=True)
            ],
        )
    )


# -- the pages -----------------------------------------------------------------------------

SectionBuilder = Callable[[ReportData, str], Section]
AREA_SECTIONS: tuple[SectionBuilder, ...] = (
    models_by_year,
    recognitions,
    indicators,
    contributions,
    petitions,
    targets,
    completeness,
    data_quality,
)


def sections_of(data: ReportData, area: str) -> list[Section]:
    built = [builder(data, area) for builder in AREA_SECTIONS]
    if area == NATION:
        built.insert(0, models_by_province(data))
    return built


def province_list(data: ReportData) -> Table:
    """The country page's way into every province page."""
    missing = {a: len(rows) for a, rows in data.rows["report-missing-reports"].items()}
    quarantined = {a: len(rows) for a, rows in data.rows["report-quarantined-rows"].items()}
    rows = []
    for code, name in data.provinces.items():
        models = sum(r.models for r in data.of("report-models-by-province", code))
        rows.append(
            [
                code,
                Markup('<a href="{}">{}</a>').format(page_file(code), name),
                _count(models),
                _count(missing.get(code)),
                _count(quarantined.get(code)),
            ]
        )
    return Table(
        "Các tỉnh, thành phố",
        "Provinces and cities",
        [
            Column("Mã", "Code"),
            Column("Tỉnh, thành phố", "Province"),
            Column("Mô hình", "Models", True),
            Column("Báo cáo còn thiếu", "Reports missing", True),
            Column("Dòng bị loại", "Rows quarantined", True),
        ],
        rows,
    )
