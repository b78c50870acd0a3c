"""The published submission format, version 1: JSON Schema and documentation tables.

Both are derived from ``danvan.ingest.format``; ``python -m danvan.ingest.format.schema``
rewrites ``docs/submission.schema.json`` and the generated tables of
``docs/submission-format.md`` (between ``<!-- generated:NAME -->`` and
``<!-- end generated -->``), and a test checks the committed files are current.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from danvan.ingest.format import (
    CSV_IDENTITY_COLUMNS,
    FORMAT_VERSION,
    ROW_SECTIONS,
    SECTIONS,
    SUBMISSION,
    Column,
    Kind,
    Section,
)
from danvan.settings import PROJECT_ROOT

SCHEMA_PATH = PROJECT_ROOT / "docs" / "submission.schema.json"
DOC_PATH = PROJECT_ROOT / "docs" / "submission-format.md"

# What JSON may carry for each kind of cell: spreadsheets and e-reporting
# systems send numbers as text ("1.234,5", "hơn 300"), codes as numbers, and so on.
KIND_TYPES: dict[Kind, list[str]] = {
    Kind.TEXT: ["string"],
    Kind.CODE: ["string", "integer"],
    Kind.INTEGER: ["integer", "string"],
    Kind.NUMBER: ["number", "string"],
    Kind.DATE: ["string", "integer"],
    Kind.ROUGH_DATE: ["string", "integer"],
    Kind.PERIOD: ["string", "integer"],
    Kind.YEAR: ["integer", "string"],
    Kind.BOOLEAN: ["boolean", "string"],
}
KIND_NOTES = {
    Kind.TEXT: "text",
    Kind.CODE: "code",
    Kind.INTEGER: "whole number",
    Kind.NUMBER: "number, Vietnamese style allowed",
    Kind.DATE: "date dd/mm/yyyy",
    Kind.ROUGH_DATE: "date dd/mm/yyyy, month mm/yyyy or year",
    Kind.PERIOD: "period",
    Kind.YEAR: "year",
    Kind.BOOLEAN: "có / không",
    Kind.UNIT: "unit of measure",
    Kind.MAP_VERSION: "map version",
    Kind.LEVEL: "level",
    Kind.FIELD: "field (catalogue)",
    Kind.INDICATOR: "indicator (catalogue)",
    Kind.CONTRIBUTION_TYPE: "contribution type (catalogue)",
    Kind.CONTRIBUTION_SOURCE: "contribution source (catalogue)",
    Kind.ACTIVITY: "activity (catalogue)",
    Kind.ORGANIZATIONS: "organisations (catalogue), ';'-separated",
    Kind.MODEL_STATUS: "model status",
}


def _column_schema(column: Column) -> dict[str, Any]:
    types = KIND_TYPES.get(column.kind, ["string"])
    return {
        "title": column.header_vi,
        "description": column.description,
        "type": types if column.required else [*types, "null"],
    }


def _section_schema(section: Section) -> dict[str, Any]:
    schema = {
        "title": f"{section.sheet_vi} / {section.sheet_en}",
        "description": section.description,
        "type": "object",
        "properties": {column.name: _column_schema(column) for column in section.columns},
        "required": [column.name for column in section.columns if column.required],
        "additionalProperties": False,
    }
    if section.required_one_of:
        schema["anyOf"] = [{"required": [name]} for name in section.required_one_of]
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of the JSON form of a submission."""
    properties = {
        "$schema": {"type": "string"},
        "format_version": {"const": FORMAT_VERSION},
        SUBMISSION.name: _section_schema(SUBMISSION),
    }
    for section in ROW_SECTIONS:
        properties[section.name] = {"type": "array", "items": _section_schema(section)}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": f"Dân vận khéo submission, format version {FORMAT_VERSION}",
        "description": "One report from one reporting unit for one period.",
        "type": "object",
        "properties": properties,
        "required": [SUBMISSION.name],
        "additionalProperties": False,
    }


def schema_text() -> str:
    return json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"


def column_table(section: Section) -> str:
    """A Markdown table of a section's columns."""
    lines = [
        "| column (JSON, CSV) | Excel header | kind | required | meaning |",
        "|---|---|---|---|---|",
    ]
    for column in section.columns:
        required = "yes" if column.required else ""
        if column.name in section.required_one_of:
            required = f"one of {' / '.join(section.required_one_of)}"
        description = column.description.replace("|", "\\|")
        lines.append(
            f"| `{column.name}` | {column.header_vi} | {KIND_NOTES[column.kind]} | {required} "
            f"| {description} |"
        )
    return "\n".join(lines)


def generated_blocks() -> dict[str, str]:
    """The doc's generated parts by name: one column table per section, the CSV header."""
    blocks = {section.name: column_table(section) for section in SECTIONS}
    blocks["csv_identity"] = "\n".join(f"- `{name}`" for name in CSV_IDENTITY_COLUMNS)
    blocks["sheets"] = "\n".join(
        f"| `{section.name}` | {section.sheet_vi} | {section.sheet_en} | {section.description} |"
        for section in SECTIONS
    )
    return blocks


_BLOCK = re.compile(r"(<!-- generated:(\w+) -->\n)(.*?)(<!-- end generated -->)", re.DOTALL)


def render_doc(text: str) -> str:
    """``text`` with every generated block replaced by its current content."""
    blocks = generated_blocks()
    return _BLOCK.sub(lambda m: f"{m.group(1)}{blocks[m.group(2)]}\n{m.group(4)}", text)


def write_docs(schema_path: Path = SCHEMA_PATH, doc_path: Path = DOC_PATH) -> None:
    schema_path.write_text(schema_text(), encoding="utf-8")
    doc_path.write_text(render_doc(doc_path.read_text(encoding="utf-8")), encoding="utf-8")


if __name__ == "__main__":
    write_docs()
