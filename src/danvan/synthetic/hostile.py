"""A corpus of hostile and broken inputs, each with the fate it must meet.

``python -m danvan.synthetic.hostile DIR`` writes every case into ``DIR`` and
``corpus.json``: for each file, its case, and what the night must do with it —
``rejected`` (the whole file, with a reason code), ``refused`` (not even opened:
a link), ``quarantined`` (its bad rows, with a reason code), ``held`` (its report,
by a rule needing context) or ``landed`` (clean). Whatever the corpus holds, the
night after it publishes everything else. The large cases are written at build
time; nothing binary is kept in the repository.
"""

from __future__ import annotations

import json
import os
import random
import sys
import unicodedata
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from danvan.ingest.format.writers import Submission, write_json, write_workbook
from danvan.synthetic.samples import TRA_KA_2023

MB = 1 << 20
TRA_KA: Submission = {
    "submission": dict(TRA_KA_2023["submission"]),
    "models": [{"model_code": "TK-1", "model_name": "Trồng nghệ đen", "field": "kinh tế"}],
    "indicators": [
        {"model_code": "TK-1", "indicator": "ocop_products", "value": 1},
        {"model_code": "TK-1", "indicator": "Lợi nhuận", "value": "60 triệu"},
    ],
}


def tra_ka(**header: Any) -> Submission:
    """A small valid report of Trà Ka commune; ``header`` overrides header cells."""
    document = json.loads(json.dumps(TRA_KA))
    document["submission"].update(header)
    return dict(document)


CSV_HEADER = "reporting_unit_name,reporting_unit_level,province,period,submitted_on,model_code,indicator,value\n"
CSV_ROW_START = "Xã Trà Ka,xã,Quảng Nam,Năm 2023,15/01/2024,TK-1,patrols,"


def zip_bomb(directory: Path) -> Path:
    """A workbook whose sheet is 600 MiB of spaces, compressed to well under 1 MiB."""
    path = directory / "bomb.xlsx"
    hand_made_workbook(path, sheet_xml(""))
    with (
        zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive,
        archive.open("xl/worksheets/sheet2.xml", "w") as member,
    ):
        for _ in range(600):
            member.write(b" " * MB)
    return path


def billion_laughs(directory: Path) -> Path:
    """Nested XML entities that expand to a billion 'lol's in a parser that expands them."""
    entities = '<!ENTITY lol0 "lol">' + "".join(
        f'<!ENTITY lol{n} "{f"&lol{n - 1};" * 10}">' for n in range(1, 10)
    )
    return hand_made_workbook(
        directory / "laughs.xlsx",
        sheet_xml('<row r="1"><c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row>'),
        workbook_prologue=f'<?xml version="1.0"?><!DOCTYPE lolz [{entities}]>',
    )


def _file(path: Path, content: bytes) -> Path:
    path.write_bytes(content)
    return path


def renamed_pdf(directory: Path) -> Path:
    return _file(directory / "report.xlsx", b"%PDF-1.4\n" + random.Random(1).randbytes(4096))


def renamed_xls(directory: Path) -> Path:
    return _file(directory / "old-excel.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(4096))


def renamed_docx(directory: Path) -> Path:
    path = directory / "letter.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("word/document.xml", "<document/>")
    return path


def truncated_workbook(directory: Path) -> Path:
    path = write_workbook(tra_ka(), directory / "cut.xlsx")
    path.write_bytes(path.read_bytes()[:3000])
    return path


def far_cell(directory: Path) -> Path:
    """A1 and XFD1048576: a reader holding the sheet as a grid would need 17 billion cells."""
    return hand_made_workbook(
        directory / "far.xlsx",
        sheet_xml(
            '<row r="1"><c r="A1" t="inlineStr"><is><t>x</t></is></c></row>'
            '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>y</t></is></c></row>'
        ),
    )


def wide_row_without_refs(directory: Path) -> Path:
    """16,384 cells without a position on row 900,000: as far, said without any cell ref."""
    return hand_made_workbook(
        directory / "wide.xlsx",
        sheet_xml(
            '<row r="1"><c t="inlineStr"><is><t>x</t></is></c></row>'
            f'<row r="900000">{"<c/>" * 16384}</row>'
        ),
    )


def _with_100_mib_cell(path: Path, before: str, mebibyte: str, after: str) -> Path:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(before)
        for _ in range(100):
            handle.write(mebibyte)
        handle.write(after)
    return path


def huge_csv_cell(directory: Path) -> Path:
    """A 100 MiB cell on one line."""
    return _with_100_mib_cell(
        directory / "huge.indicators.csv", CSV_HEADER + CSV_ROW_START, "9" * MB, "\n"
    )


def huge_multiline_csv_cell(directory: Path) -> Path:
    """A 100 MiB quoted cell spread over a million short lines."""
    return _with_100_mib_cell(
        directory / "tall.indicators.csv",
        CSV_HEADER + CSV_ROW_START + '"',
        ("9" * 99 + "\n") * (MB // 100),
        '"\n',
    )


def huge_json_string(directory: Path) -> Path:
    return _with_100_mib_cell(
        directory / "huge.json", '{"submission": {"notes": "', "x" * MB, '"}}'
    )


def deep_json(directory: Path) -> Path:
    return _file(
        directory / "deep.json",
        b'{"submission": {}, "models": ' + b"[" * 100_000 + b"]" * 100_000 + b"}",
    )


def binary_junk_csv(directory: Path) -> Path:
    return _file(directory / "junk.indicators.csv", random.Random(2).randbytes(100_000))


def binary_junk_json(directory: Path) -> Path:
    return _file(directory / "junk.json", b"\xff\xfe\x00" + random.Random(3).randbytes(100_000))


def windows_1258(text: str) -> bytes:
    """Text as Windows-1258 stores it: letters the code page lacks (ả, ế…) as their letter
    and a combining tone mark."""
    encoded = bytearray()
    for letter in text:
        try:
            encoded += letter.encode("cp1258")
        except UnicodeEncodeError:
            decomposed = unicodedata.normalize("NFD", letter)
            base, marks = decomposed[0], decomposed[1:]
            tones = "".join(mark for mark in marks if mark in "\u0300\u0301\u0303\u0309\u0323")
            kept = "".join(mark for mark in marks if mark not in tones)
            encoded += (unicodedata.normalize("NFC", base + kept) + tones).encode("cp1258")
    return bytes(encoded)


def windows_1258_csv(directory: Path) -> Path:
    """A CSV saved in the legacy Vietnamese Windows code page (Excel's 'CSV' on a
    Vietnamese Windows): read in it, and noted."""
    return _file(
        directory / "legacy.indicators.csv",
        windows_1258(CSV_HEADER + "Xã Trà Ka,xã,Quảng Nam,Năm 2023,18/01/2024,TK-1,patrols,3\n"),
    )


def utf16_csv_without_bom(directory: Path) -> Path:
    return _file(
        directory / "utf16.indicators.csv", (CSV_HEADER + CSV_ROW_START + "3\n").encode("utf-16-le")
    )


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


# -- what issue reports showed stopping a night, each now met where it belongs -----------


def _with(directory: Path, name: str, change: Callable[[Submission], None], **header: Any) -> Path:
    document = tra_ka(**header)
    change(document)
    return write_json(document, directory / name)


def _indicator(value: object, indicator: str = "households_helped") -> Callable[[Submission], None]:
    def change(document: Submission) -> None:
        document["indicators"].append(
            {"model_code": "TK-1", "indicator": indicator, "value": value}
        )

    return change


def _unchanged(document: Submission) -> None:
    """No change: the case is in the header."""


def not_a_submission(suffix: str) -> Callable[[Path], Path]:
    """An office file dropped in the inbox: a PDF, or a workbook in another format."""

    def build(directory: Path) -> Path:
        return _file(
            directory / f"baocao{suffix}", f"not a submission ({suffix})".encode() + bytes(512)
        )

    build.__name__ = f"a_{suffix.lstrip('.')}_file"
    return build


def households_beyond_any_count(directory: Path) -> Path:
    """3,000,000,000 households: fits a reader, not an integer column."""

    def change(document: Submission) -> None:
        document["models"][0]["households"] = 3_000_000_000

    return _with(directory, "households.json", change, submitted_on="21/01/2024")


def negative_count(directory: Path) -> Path:
    """50 good figures and one -3 households helped: the one is quarantined, the 50 land."""

    def change(document: Submission) -> None:
        document["indicators"] = [
            {"model_code": f"TK-{n}", "indicator": "patrols", "value": n} for n in range(1, 51)
        ]
        _indicator(-3)(document)

    return _with(directory, "negative.json", change, submitted_on="26/01/2024")


def absurd_figure(directory: Path) -> Path:
    return _with(
        directory,
        "absurd.json",
        _indicator("1" + "0" * 200, "bridges_built"),
        submitted_on="22/01/2024",
    )


def absurd_activity(directory: Path) -> Path:
    def change(document: Submission) -> None:
        document["activities"] = [{"activity": "conferences", "value": "1" + "0" * 27}]

    return _with(directory, "conferences.json", change, submitted_on="23/01/2024")


def rate_over_100(directory: Path) -> Path:
    return _with(
        directory,
        "rate.json",
        _indicator("150%", "multidimensional_poverty_rate"),
        submitted_on="24/01/2024",
    )


def fraction_of_cases(directory: Path) -> Path:
    return _with(
        directory, "cases.json", _indicator("2,5", "cases_detected"), submitted_on="25/01/2024"
    )


def future_date_sent(directory: Path) -> Path:
    return _with(directory, "future-date.json", _unchanged, submitted_on="05/07/2029")


def future_period(directory: Path) -> Path:
    return _with(directory, "future-period.json", _unchanged, period="Quý I/2030")


def large_models_csv_without_topic(directory: Path) -> Path:
    """A models export of over 1 MiB without the optional topic column (Arrow's path)."""
    path = directory / "big-export.models.csv"
    header = "reporting_unit_name,reporting_unit_level,province,period,submitted_on,"
    header += "model_code,model_name,field,lead_organizations\n"
    with path.open("w", encoding="utf-8") as handle:
        handle.write(header)
        for n in range(12_000):
            handle.write(
                f"Xã Trà Ka,xã,Quảng Nam,Năm 2023,16/01/2024,TK-{n},Mô hình số {n} "
                f"của xã Trà Ka với tên dài,kinh tế,Mặt trận; Hội Phụ nữ\n"
            )
    return path


def long_name(directory: Path) -> Path:
    """A file name of 249 bytes: its feedback file must still fit."""
    stem = ("báo cáo năm 2023 xã Trà Ka " * 10).encode("utf-8")[:244].decode("utf-8", "ignore")
    name = stem + ".json"
    return write_json(tra_ka(submitted_on="17/01/2024"), directory / name)


# Reports of a year no other case sends, so no later version supersedes their holds.
HELD_REPORT = {"period": "Năm 2022", "submitted_on": "18/01/2023"}


def same_day_twice(directory: Path) -> list[Path]:
    """Two different reports of one unit, period and day: neither may win silently."""
    first = tra_ka(**HELD_REPORT)
    second = tra_ka(**HELD_REPORT)
    second["indicators"][0]["value"] = 2
    return [
        write_json(first, directory / "same-day-a.json"),
        write_json(second, directory / "same-day-b.json"),
    ]


def petitions_out_of_order(directory: Path) -> Path:
    def change(document: Submission) -> None:
        document["activities"] = [
            {"activity": "petitions_received", "value": 392},
            {"activity": "petitions_under_authority", "value": 392},
            {"activity": "petitions_resolved", "value": 3920},
        ]

    return _with(directory, "petitions.json", change, period="Năm 2022", submitted_on="19/01/2023")


def password_protected(directory: Path) -> Path:
    """An OLE container holding an encrypted workbook, as Excel saves one with a password."""
    stream = "EncryptedPackage".encode("utf-16-le")
    return _file(
        directory / "locked.xlsx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(2048) + stream
    )


def link_to_a_secret(directory: Path) -> Path:
    """A link in the inbox to a file the process could read."""
    secret = directory.parent / "secret-outside-the-inbox.txt"
    secret.write_text("DANVAN_PASSWORD=do-not-land-me\n", encoding="utf-8")
    link = directory / "link.json"
    link.symlink_to(secret)
    return link


@dataclass(frozen=True)
class Case:
    name: str
    build: Callable[[Path], Path | list[Path]]
    fate: str  # rejected | refused | quarantined | held | landed
    code: str | None  # the reason code (rejected, refused, quarantined), the rule (held)


PETITIONS_RULE = "petitions resolved ≤ under authority ≤ received"
CONFLICT_RULE = "one file per report section and date"
CASES = [
    Case("zip bomb", zip_bomb, "rejected", "zip_bomb"),
    Case("billion laughs", billion_laughs, "rejected", "xml_entities"),
    Case("PDF renamed .xlsx", renamed_pdf, "rejected", "not_xlsx"),
    Case("old .xls renamed .xlsx", renamed_xls, "rejected", "not_xlsx"),
    Case("Word document renamed .xlsx", renamed_docx, "rejected", "not_xlsx"),
    Case("truncated workbook", truncated_workbook, "rejected", "not_xlsx"),
    Case("cell at XFD1048576", far_cell, "rejected", "sheet_too_large"),
    Case("wide row without refs", wide_row_without_refs, "rejected", "sheet_too_large"),
    Case("100 MiB CSV cell", huge_csv_cell, "rejected", "line_too_long"),
    Case("100 MiB multi-line CSV cell", huge_multiline_csv_cell, "rejected", "cell_too_large"),
    Case("100 MiB JSON string", huge_json_string, "rejected", "file_too_large"),
    Case("deep JSON", deep_json, "rejected", "invalid_json"),
    Case("binary junk CSV", binary_junk_csv, "rejected", "binary_content"),
    Case("binary junk JSON", binary_junk_json, "rejected", "not_utf8"),
    Case("Windows-1258 CSV", windows_1258_csv, "landed", None),
    Case("UTF-16 CSV without BOM", utf16_csv_without_bom, "rejected", "binary_content"),
    *(Case(f"a {suffix} file", not_a_submission(suffix), "rejected", "unsupported_type")
      for suffix in (".pdf", ".xls", ".xlsb", ".xlsm", ".ods")),
    Case("3,000,000,000 households", households_beyond_any_count, "quarantined", "count_out_of_range"),
    Case("-3 households helped", negative_count, "quarantined", "below_minimum"),
    Case("10^200 bridges", absurd_figure, "quarantined", "implausible"),
    Case("10^27 conferences", absurd_activity, "quarantined", "implausible"),
    Case("a rate of 150 %", rate_over_100, "quarantined", "implausible"),
    Case("2.5 cases", fraction_of_cases, "quarantined", "not_whole"),
    Case("sent on 05/07/2029", future_date_sent, "quarantined", "future_date"),
    Case("period Quý I/2030", future_period, "quarantined", "future_period"),
    Case("1 MiB models CSV without topic", large_models_csv_without_topic, "landed", None),
    Case("a 249-byte file name", long_name, "landed", None),
    Case("two reports of one day", same_day_twice, "held", CONFLICT_RULE),
    Case("resolved > received", petitions_out_of_order, "held", PETITIONS_RULE),
    Case("password-protected workbook", password_protected, "rejected", "password_protected"),
    Case("a link to a secret", link_to_a_secret, "refused", "not_a_regular_file"),
]  # fmt: skip


def write_corpus(directory: Path) -> list[dict[str, Any]]:
    """Every case into ``directory`` (and corpus.json); what each file must meet."""
    directory.mkdir(parents=True, exist_ok=True)
    manifest = []
    for case in CASES:
        built = case.build(directory)
        for path in built if isinstance(built, list) else [built]:
            manifest.append(
                {"case": case.name, "file": path.name, "fate": case.fate, "code": case.code}
            )
    (directory.parent / "corpus.json").write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8"
    )
    return manifest


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: python -m danvan.synthetic.hostile DIR")
    for entry in write_corpus(Path(sys.argv[1])):
        print(f"{entry['fate']:<12} {entry['code'] or '-':<26} {os.fsdecode(entry['file'])}")
