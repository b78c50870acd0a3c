"""Read the JSON form: one submission per document, parsed whole (its size is capped)."""

from __future__ import annotations

import json
from pathlib import Path

from danvan.ingest.format import FORMAT_VERSION, ROW_SECTIONS, SECTIONS_BY_NAME, SUBMISSION, Section
from danvan.ingest.readers.contents import (
    Cell,
    FileContents,
    FileRejected,
    NestedValue,
    SheetRow,
    StrayCell,
    Table,
    excerpt,
    not_utf8,
)


def read_json(path: Path) -> FileContents:
    try:
        document = json.loads(path.read_bytes())  # UTF-8, -16 or -32, with or without BOM
    except UnicodeDecodeError as error:
        raise not_utf8(f"at byte {error.start}", "UTF-8 JSON") from error
    except json.JSONDecodeError as error:
        raise FileRejected(
            "invalid_json",
            f"not valid JSON at line {error.lineno}, column {error.colno}: {error.msg}",
            f"JSON không hợp lệ tại dòng {error.lineno}, cột {error.colno}: {error.msg}",
        ) from error
    except (RecursionError, ValueError) as error:
        raise FileRejected(
            "invalid_json",
            f"the JSON cannot be read: {error}",
            f"không đọc được JSON (lồng quá sâu hoặc số quá dài): {error}",
        ) from error
    if not isinstance(document, dict) or not isinstance(document.get("submission"), dict):
        raise FileRejected(
            "invalid_structure",
            "a JSON submission is an object with a 'submission' object (see the JSON Schema)",
            "bản báo cáo JSON phải là một đối tượng có mục 'submission' (xem JSON Schema)",
        )
    version = document.get("format_version", FORMAT_VERSION)
    if version != FORMAT_VERSION:
        raise FileRejected(
            "unsupported_version",
            f"format_version {excerpt(str(version))} is not supported; this is version {FORMAT_VERSION}",
            f"không hỗ trợ format_version {excerpt(str(version))}; phiên bản hiện hành là {FORMAT_VERSION}",
        )
    contents = FileContents("json", tuple(section.name for section in (SUBMISSION, *ROW_SECTIONS)))
    tables: list[Table] = []
    known = {"format_version", "$schema", *SECTIONS_BY_NAME}
    for key, value in document.items():
        if key not in known:
            contents.stray.append(
                StrayCell("", None, excerpt(key), _json_excerpt(value), "unknown_section")
            )
    header = document["submission"]
    contents.header = SheetRow(
        SUBMISSION.name,
        SUBMISSION.name,
        1,
        {name: _json_cell(header[name]) for name in SUBMISSION.column_names if name in header},
    )
    _json_unknown_keys(contents, SUBMISSION, SUBMISSION.name, None, header)
    for section in ROW_SECTIONS:
        items = document.get(section.name, [])
        if not isinstance(items, list):
            raise FileRejected(
                "invalid_structure",
                f"'{section.name}' must be a list of objects",
                f"mục '{section.name}' phải là một danh sách",
            )
        rows: list[tuple[int, list[Cell]]] = []
        for position, item in enumerate(items, start=1):
            if not isinstance(item, dict):
                contents.stray.append(
                    StrayCell(section.name, position, "", _json_excerpt(item), "not_an_object")
                )
                continue
            _json_unknown_keys(contents, section, section.name, position, item)
            rows.append((position, [_json_cell(item.get(name)) for name in section.column_names]))
        tables.append(Table(section, section.name, section.column_names, (), rows))
    contents.tables = tables
    return contents


def _json_unknown_keys(
    contents: FileContents,
    section: Section,
    sheet: str,
    position: int | None,
    item: dict[str, object],
) -> None:
    for key, value in item.items():
        if key not in section.column_names:
            contents.stray.append(
                StrayCell(sheet, position, excerpt(key), _json_excerpt(value), "unknown_column")
            )


def _json_cell(value: object) -> Cell:
    if isinstance(value, bool):
        # As text: True == 1 would make a boolean and a number share one judgement.
        return "true" if value else "false"
    if value is None or isinstance(value, str | int | float):
        return value
    return NestedValue(_json_excerpt(value))  # a list or an object


def _json_excerpt(value: object) -> str:
    return excerpt(json.dumps(value, ensure_ascii=False))
