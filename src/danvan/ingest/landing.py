"""Land submission files into ``raw`` by COPY, one transaction per file, nothing lost.

A file already landed (same SHA-256) is skipped. A file that cannot be read is
recorded as rejected with its reason. Otherwise its good rows are copied into
``raw`` with lineage and every bad row goes to ``audit.quarantine`` with why.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

from danvan.ingest.format import ACTIVITIES, CONTRIBUTIONS, INDICATORS, MODELS, Section
from danvan.ingest.readers import FileContents, FileRejected, SheetRow, read_submission_file
from danvan.ingest.records import CellError, Problem, RecordBuilder, SubmissionIdentity, cell_text
from danvan.text import search_key

LINEAGE = ("file_id", "sheet", "row_number")
IDENTITY = ("reporting_unit_code", "period_code", "submitted_on")

SUBMISSION_COLUMNS = (
    *LINEAGE, *IDENTITY, "reporting_unit_level", "reporting_unit_name_sent", "unit_match_method",
    "map_version", "province_code", "period_kind", "period_start", "period_end", "submitter", "notes",
)  # fmt: skip
RAW_TABLES: dict[str, tuple[str, tuple[str, ...]]] = {
    MODELS.name: ("raw.models", (
        *LINEAGE, *IDENTITY, "model_code", "model_name", "model_name_key", "field_code", "topic",
        "lead_organization_codes", "host_commune_code", "village", "start_date", "status",
        "households", "members", "parent_model_code", "recognition_level", "recognition_year",
        "is_typical",
    )),
    INDICATORS.name: ("raw.indicator_values", (
        *LINEAGE, *IDENTITY, "model_code", "model_name", "model_name_key", "indicator_code", "value", "unit_code",
        "value_qualifier",
    )),
    CONTRIBUTIONS.name: ("raw.contributions", (
        *LINEAGE, *IDENTITY, "model_code", "model_name", "model_name_key", "contribution_type_code",
        "contribution_source_code", "amount", "unit_code", "amount_qualifier",
    )),
    ACTIVITIES.name: ("raw.unit_activities", (
        *LINEAGE, *IDENTITY, "activity_code", "value", "value_qualifier",
    )),
}  # fmt: skip
SECTIONS = {section.name: section for section in (MODELS, INDICATORS, CONTRIBUTIONS, ACTIVITIES)}


@dataclass
class FileResult:
    file_name: str
    status: str  # loaded | skipped | rejected
    rows_loaded: int = 0
    rows_quarantined: int = 0
    reason: str | None = None
    file_id: int | None = None
    problems: list[Problem] = field(default_factory=list)

    def render(self) -> str:
        detail = f"{self.rows_loaded} rows loaded, {self.rows_quarantined} quarantined"
        if self.status == "rejected":
            detail = f"rejected: {self.reason}"
        elif self.status == "skipped":
            detail = "already loaded (same content), skipped"
        return f"{self.file_name}: {detail}"


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def land_file(conn: psycopg.Connection, path: Path, builder: RecordBuilder) -> FileResult:
    content_sha256 = sha256_of(path)
    seen = conn.execute(
        "select status from raw.files where content_sha256 = %s", [content_sha256]
    ).fetchone()
    if seen:
        conn.commit()
        return FileResult(path.name, "skipped")
    size = path.stat().st_size
    try:
        contents = read_submission_file(path)
    except FileRejected as rejection:
        with conn.transaction():
            conn.execute(
                """insert into raw.files (file_name, content_sha256, byte_size, file_format, status,
                       reason_en, reason_vi) values (%s, %s, %s, %s, 'rejected', %s, %s)""",
                [path.name, content_sha256, size, path.suffix.lower().lstrip("."),
                 f"[{rejection.code}] {rejection.reason_en}", rejection.reason_vi],
            )  # fmt: skip
        return FileResult(path.name, "rejected", reason=rejection.reason_en)
    rows, identities, problems = _build_rows(contents, builder)
    with conn.transaction():
        file_id = conn.execute(
            """insert into raw.files (file_name, content_sha256, byte_size, file_format, status,
                   sections) values (%s, %s, %s, %s, 'loaded', %s) returning file_id""",
            [path.name, content_sha256, size, contents.file_format, list(contents.sections)],
        ).fetchone()[0]
        _copy(conn, "raw.submissions", SUBMISSION_COLUMNS, [
            (file_id, sheet, row_number, *identity.key, identity.reporting_unit_level,
             identity.reporting_unit_name_sent, identity.unit_match_method, identity.map_version,
             identity.province_code, identity.period_kind, identity.period_start,
             identity.period_end, identity.submitter, identity.notes)
            for identity, (sheet, row_number) in identities.items()
        ])  # fmt: skip
        loaded = 0
        for section_name, section_rows in rows.items():
            table, columns = RAW_TABLES[section_name]
            _copy(conn, table, columns, [(file_id, *row) for row in section_rows])
            loaded += len(section_rows)
        _quarantine(conn, file_id, path.name, problems, contents)
        quarantined = len({(p.sheet, p.row_number) for p in problems})
        conn.execute(
            "update raw.files set rows_loaded = %s, rows_quarantined = %s where file_id = %s",
            [loaded, quarantined, file_id],
        )
    return FileResult(path.name, "loaded", loaded, quarantined, file_id=file_id, problems=problems)


def _build_rows(contents: FileContents, builder: RecordBuilder):
    rows: dict[str, list[tuple]] = {name: [] for name in RAW_TABLES}
    identities: dict[SubmissionIdentity, tuple[str, int]] = {}
    problems: list[Problem] = []
    header_identity: SubmissionIdentity | None = None
    if contents.header is not None:
        found = builder.identity(contents.header)
        if isinstance(found, list):
            problems.extend(found)
        else:
            header_identity = found
            identities[found] = (contents.header.sheet, contents.header.row_number)
    for row in contents.rows:
        if contents.header is not None:
            identity = header_identity
            if identity is None:
                problems.append(_header_invalid(row))
                continue
        else:
            found = builder.identity(row)
            if isinstance(found, list):
                problems.extend(found)
                continue
            identity = found
            identities.setdefault(identity, (row.sheet, row.row_number))
        converted, row_problems = _convert(builder, row, identity)
        if row_problems:
            problems.extend(row_problems)
        else:
            rows[row.section].append((row.sheet, row.row_number, *identity.key, *converted))
    return rows, identities, problems


def _header_invalid(row: SheetRow) -> Problem:
    return Problem(
        row.sheet, row.row_number, "", "", "submission_invalid",
        "not loaded because the submission header (unit, period, date) is invalid; see its errors",
        "chưa nạp vì phần thông tin chung (đơn vị, kỳ, ngày gửi) có lỗi; xem các lỗi của phần đó",
    )  # fmt: skip


def _convert(builder: RecordBuilder, row: SheetRow, identity: SubmissionIdentity):
    section: Section = SECTIONS[row.section]
    values, problems = builder.convert(row, section.columns)
    if problems:
        return None, problems
    try:
        return SECTION_CONVERTERS[row.section](builder, row, identity, values), []
    except CellError as error:
        return None, [
            Problem(row.sheet, row.row_number, error.column, cell_text(row.cells.get(error.column)),
                    error.code, error.reason_en, error.reason_vi)
        ]  # fmt: skip


def _model_reference(values: dict) -> tuple[str | None, str | None, str | None]:
    if values["model_code"] is None and values["model_name"] is None:
        raise CellError(
            "model_missing", "give the model's code or name", "cần ghi mã hoặc tên mô hình",
            column="model_code",
        )  # fmt: skip
    name = values["model_name"]
    return values["model_code"], name, search_key(name) if name else None


def _quantity(builder: RecordBuilder, row: SheetRow, values: dict, value_column: str):
    try:
        return builder.quantity(row.cells.get(value_column), values.get("unit"))
    except CellError as error:
        raise error.at(value_column) from error


def _model_row(builder: RecordBuilder, row: SheetRow, identity: SubmissionIdentity, values: dict):
    host = values["host_commune"]
    if host is not None:
        try:
            host = builder.host_commune(host, identity)
        except CellError as error:
            raise error.at("host_commune") from error
    elif identity.reporting_unit_level == "commune":
        host = identity.reporting_unit_code
    return (
        values["model_code"], values["model_name"], search_key(values["model_name"]),
        values["field"], values["topic"],
        values["lead_organizations"], host, values["village"], values["start_date"],
        values["status"], values["households"], values["members"], values["parent_model_code"],
        values["recognition_level"], values["recognition_year"], values["is_typical"],
    )  # fmt: skip


def _indicator_row(
    builder: RecordBuilder, row: SheetRow, identity: SubmissionIdentity, values: dict
):
    value, unit, qualifier = _quantity(builder, row, values, "value")
    return (*_model_reference(values), values["indicator"], value, unit, qualifier)


def _contribution_row(
    builder: RecordBuilder, row: SheetRow, identity: SubmissionIdentity, values: dict
):
    amount, unit, qualifier = _quantity(builder, row, values, "amount")
    return (
        *_model_reference(values), values["contribution_type"], values["source"], amount, unit,
        qualifier,
    )  # fmt: skip


def _activity_row(
    builder: RecordBuilder, row: SheetRow, identity: SubmissionIdentity, values: dict
):
    value, _, qualifier = _quantity(builder, row, values, "value")
    return (values["activity"], value, qualifier)


SECTION_CONVERTERS: dict[str, Callable] = {
    MODELS.name: _model_row,
    INDICATORS.name: _indicator_row,
    CONTRIBUTIONS.name: _contribution_row,
    ACTIVITIES.name: _activity_row,
}


def _copy(
    conn: psycopg.Connection, table: str, columns: tuple[str, ...], rows: list[tuple]
) -> None:
    if not rows:
        return
    with conn.cursor().copy(f"copy {table} ({', '.join(columns)}) from stdin") as copy:
        for row in rows:
            copy.write_row(row)


def _quarantine(
    conn: psycopg.Connection,
    file_id: int,
    file_name: str,
    problems: list[Problem],
    contents: FileContents,
) -> None:
    cells_by_row = {(row.sheet, row.row_number): row.cells for row in contents.rows}
    if contents.header is not None:
        cells_by_row[(contents.header.sheet, contents.header.row_number)] = contents.header.cells
    entries = [
        (file_id, file_name, p.sheet, p.row_number, p.column, p.value_text, p.code, p.reason_en,
         p.reason_vi, _row_json(cells_by_row.get((p.sheet, p.row_number))))
        for p in problems
    ]  # fmt: skip
    entries += [
        (file_id, file_name, s.sheet, s.row_number, s.column, s.value, s.code,
         STRAY_REASONS[s.code][0], STRAY_REASONS[s.code][1], None)
        for s in contents.stray
    ]  # fmt: skip
    _copy(conn, "audit.quarantine", (
        "file_id", "file_name", "sheet", "row_number", "column_name", "value_text", "reason_code",
        "reason_en", "reason_vi", "row_values",
    ), entries)  # fmt: skip


def _row_json(cells: dict | None) -> str | None:
    if cells is None:
        return None
    return json.dumps({name: cell_text(value) for name, value in cells.items()}, ensure_ascii=False)


STRAY_REASONS = {
    "unknown_column": (
        "this column is not part of the submission format; its values were not loaded",
        "cột này không thuộc mẫu báo cáo; giá trị trong cột chưa được nạp",
    ),
    "unknown_sheet": (
        "this sheet is not part of the submission format; its rows were not loaded",
        "trang tính này không thuộc mẫu báo cáo; các dòng chưa được nạp",
    ),
    "unknown_row": (
        "this row of the general-information sheet has no known label; it was not loaded",
        "dòng này trong trang thông tin chung không có nhãn hợp lệ; chưa được nạp",
    ),
    "unknown_section": (
        "this part of the JSON document is not in the format; it was not loaded",
        "phần này của tệp JSON không thuộc mẫu báo cáo; chưa được nạp",
    ),
    "not_an_object": (
        "this list item is not an object; it was not loaded",
        "phần tử này không phải một đối tượng; chưa được nạp",
    ),
}
