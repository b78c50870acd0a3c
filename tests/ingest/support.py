"""Small builders shared by the ingestion tests: submissions, hand-made workbooks, raw reads."""

from __future__ import annotations

import copy
import zipfile
from pathlib import Path

import psycopg

from danvan.ingest.landing import FileResult
from danvan.ingest.service import land_batch
from danvan.settings import Settings
from danvan.synthetic.samples import TRA_KA_2023

SEEDS_DIR = Settings().reference_seeds_dir

TRA_KA = {
    "submission": TRA_KA_2023["submission"],
    "models": [
        {"model_code": "TK-1", "model_name": "Trồng nghệ đen", "field": "kinh tế"},
    ],
    "indicators": [
        {"model_code": "TK-1", "indicator": "ocop_products", "value": 1},
        {"model_code": "TK-1", "indicator": "Lợi nhuận", "value": "60 triệu"},
    ],
}


def submission(**header) -> dict:
    """A small valid submission of Trà Ka commune; ``header`` overrides header cells."""
    document = copy.deepcopy(TRA_KA)
    document["submission"].update(header)
    return document


def land(url: str, *paths: Path) -> dict[str, FileResult]:
    return {result.file_name: result for result in land_batch(url, list(paths), SEEDS_DIR)}


def fetch(url: str, query: str, params: tuple = ()) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(query, params).fetchall()


CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/'
    'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
)
PACKAGE_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?><Relationships '
    'xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


def sheet_xml(rows: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{rows}</sheetData></worksheet>"
    )


def hand_made_workbook(path: Path, sheet: str, workbook_prologue: str = "") -> Path:
    """A one-sheet .xlsx written part by part, to say what no spreadsheet program would."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("_rels/.rels", PACKAGE_RELS)
        archive.writestr("xl/workbook.xml", workbook_prologue + WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return path
