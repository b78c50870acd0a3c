"""Check a workbook's zip container before it is parsed: a workbook that would be unsafe
to read is rejected with its reason.

Not a workbook (or an old .xls renamed), a zip bomb (sizes, ratio, number of parts,
with declared sizes not trusted), XML that declares a DTD or entities, and a sheet
whose cells would make an absurdly large dense grid. Every part but the worksheets
is checked at once; each worksheet just before it is parsed.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from pathlib import Path

from defusedxml import ElementTree

from danvan.ingest.readers.contents import FileRejected, excerpt

MAX_XLSX_UNCOMPRESSED_BYTES = 512 * 1024 * 1024
MAX_XLSX_COMPRESSION_RATIO = 200
MAX_XLSX_MEMBERS = 10_000
MAX_SHEET_CELLS = 30_000_000  # a sheet is held as a dense grid from A1 to its last cell
MAX_SHEET_ROWS = 999_999


# Cheap searches over each worksheet's XML as it is decompressed. A cell ref past
# column Z or row 999,999, a cell without a ref, or one with a namespace prefix
# (which these searches do not parse) could make the dense grid huge; all are
# rare in submissions, so finding one triggers an exact count of the sheet.
_FAR_REF = re.compile(rb"""r\s*=\s*["'](?:[A-Z]{2}|[A-Z]?[0-9]{7})""")
_CELL_WITHOUT_REF = re.compile(rb"""<c[\s/>](?![^>]*r\s*=)""")
_PREFIXED_CELL = re.compile(rb""":c[\s/>]""")
_BOOLEAN_CELL = re.compile(rb"""t=["']b["']""")
_ROW_OR_CELL = re.compile(rb"""<(?:\w+:)?(row|c)(?=[\s/>])([^>]*)>""")
_REF_ATTRIBUTE = re.compile(rb"""\br\s*=\s*["']([A-Z]*)([0-9]*)""")
_ROOT_ELEMENT = re.compile(rb"<[A-Za-z_]")
XML_PROLOGUE_BYTES = 1 << 16
_CHUNK = 1 << 20


# An encrypted .xlsx is an OLE container holding this stream (its name in UTF-16).
ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")


def _is_encrypted(path: Path) -> bool:
    """Whether an OLE container is a password-protected workbook rather than an old .xls."""
    tail = b""
    with path.open("rb") as handle:
        while chunk := handle.read(1 << 20):
            if ENCRYPTED_PACKAGE in tail + chunk:
                return True
            tail = chunk[-len(ENCRYPTED_PACKAGE) :]
    return False


class CheckedWorkbook:
    """A workbook's zip container, checked part by part before calamine reads the part.

    Not a workbook, a zip bomb, XML entities or a sheet of absurd extent reject the
    file. Every part but the worksheets is checked at once; a worksheet is checked by
    ``check_sheet`` just before it is parsed, so parsing one overlaps checking the next.
    """

    def __init__(self, path: Path) -> None:
        with path.open("rb") as handle:
            magic = handle.read(8)
        if magic.startswith(b"\xd0\xcf\x11\xe0") and _is_encrypted(path):
            raise FileRejected(
                "password_protected",
                "the workbook is protected by a password, so it cannot be read; save it again "
                "without a password (File › Info › Protect Workbook › Encrypt with Password)",
                "bảng tính được đặt mật khẩu nên không đọc được; hãy lưu lại không có mật khẩu "
                "(Tệp › Thông tin › Bảo vệ sổ làm việc › Mã hóa bằng mật khẩu)",
            )
        if magic.startswith(b"\xd0\xcf\x11\xe0"):
            raise FileRejected(
                "not_xlsx",
                "this is an old Excel 97-2003 (.xls) workbook renamed .xlsx; save it as .xlsx",
                "đây là bảng tính Excel 97-2003 (.xls) bị đổi tên; hãy lưu lại dạng .xlsx",
            )
        try:
            self._archive = zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError, ValueError) as error:
            raise FileRejected(
                "not_xlsx",
                "the file is not an Excel .xlsx workbook (not a zip container)",
                "tệp không phải bảng tính Excel .xlsx",
            ) from error
        try:
            self._unchecked = {member.filename: member for member in self._archive.infolist()}
            if not {"[Content_Types].xml", "xl/workbook.xml"} <= self._unchecked.keys():
                raise FileRejected(
                    "not_xlsx",
                    "the zip container is not an Excel workbook (no xl/workbook.xml)",
                    "tệp nén không phải bảng tính Excel (thiếu xl/workbook.xml)",
                )
            if len(self._unchecked) > MAX_XLSX_MEMBERS:
                raise _bomb(f"{len(self._unchecked):,} parts")
            for member in self._unchecked.values():
                if (
                    member.file_size > _CHUNK
                    and member.file_size > MAX_XLSX_COMPRESSION_RATIO * max(member.compress_size, 1)
                ):
                    raise _bomb(member.filename)
            self._total = 0
            for name in [name for name in self._unchecked if not _is_sheet(name)]:
                self._check(name)
            self._sheet_parts = self._sheet_parts_by_name()
        except BaseException:
            self.close()
            raise

    def check_sheet(self, sheet: str) -> bool:
        """Check the part of one worksheet (all remaining parts, if it cannot be told
        which); return whether it has boolean cells."""
        part = self._sheet_parts.get(sheet)
        parts = [part] if part in self._unchecked else list(self._unchecked)
        return any([self._check(name) for name in parts])

    def check_rest(self) -> None:
        """Check the parts no sheet read: a bomb anywhere in the file rejects it."""
        for name in list(self._unchecked):
            self._check(name)

    def close(self) -> None:
        self._archive.close()

    def _check(self, name: str) -> bool:
        member = self._unchecked.pop(name)
        try:
            size, booleans = _check_member(
                self._archive, member, MAX_XLSX_UNCOMPRESSED_BYTES - self._total
            )
        except (
            zipfile.BadZipFile,
            zlib.error,
            EOFError,
            NotImplementedError,
            RuntimeError,
        ) as error:
            raise FileRejected(
                "invalid_xlsx",
                f"the workbook is damaged or encrypted ({name}: {excerpt(str(error))})",
                f"bảng tính bị hỏng hoặc có mật khẩu ({name})",
            ) from error
        self._total += size
        return booleans

    def _sheet_parts_by_name(self) -> dict[str, str]:
        """Sheet name -> its part, from the (already checked) workbook and its relations."""
        try:
            workbook = ElementTree.fromstring(self._archive.read("xl/workbook.xml"))
            relations = ElementTree.fromstring(self._archive.read("xl/_rels/workbook.xml.rels"))
        except (KeyError, ValueError, ElementTree.ParseError):
            return {}  # calamine decides whether the workbook can be read
        targets = {
            relation.get("Id", ""): relation.get("Target", "")
            for relation in relations
            if relation.tag.endswith("Relationship")
        }
        parts = {}
        for sheet in workbook.iter():
            if sheet.tag.endswith("}sheet"):
                target = targets.get(sheet.get(f"{{{_OFFICE_RELATIONSHIPS}}}id", ""), "")
                parts[sheet.get("name", "")] = (
                    target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                )
        return parts


_OFFICE_RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"


def _is_sheet(name: str) -> bool:
    return name.startswith("xl/worksheets/") and name.endswith(".xml")


def _check_member(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, budget: int
) -> tuple[int, bool]:
    """Decompress with a cap (declared sizes can lie); check XML prologues and sheet extents."""
    name = member.filename
    is_xml = name.endswith((".xml", ".rels", ".vml"))
    is_sheet = _is_sheet(name)
    size = 0
    prologue = b""
    carry = b""
    exact_extent_needed = False
    has_booleans = False
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            size += len(chunk)
            if size > budget:
                raise _bomb(name)
            if is_xml and len(prologue) < XML_PROLOGUE_BYTES:
                prologue += chunk[: XML_PROLOGUE_BYTES - len(prologue)]
            if is_sheet:
                window, carry = _complete_tags(name, carry + chunk)
                exact_extent_needed = exact_extent_needed or any(
                    pattern.search(window)
                    for pattern in (_FAR_REF, _CELL_WITHOUT_REF, _PREFIXED_CELL)
                )
                has_booleans = has_booleans or bool(_BOOLEAN_CELL.search(window))
    if is_xml:
        _check_prologue(name, prologue)
    if exact_extent_needed:
        _check_sheet_extent(archive, member)
    return size, has_booleans


def _complete_tags(name: str, text: bytes) -> tuple[bytes, bytes]:
    """``text`` up to its last complete tag, and the rest, searched with the next chunk."""
    cut = text.rfind(b">") + 1
    if len(text) - cut > _CHUNK:
        raise FileRejected(
            "invalid_xlsx",
            f"{name} has an XML tag longer than {_CHUNK:,} bytes",
            f"{name} có thẻ XML dài quá {_CHUNK:,} byte",
        )
    return text[:cut], text[cut:]


def _check_prologue(name: str, prologue: bytes) -> None:
    """Workbooks never declare a DTD; one can define entities that expand without bound."""
    text = prologue.replace(b"\x00", b"")  # UTF-16 XML
    root = _ROOT_ELEMENT.search(text)
    if root is None and len(prologue) >= XML_PROLOGUE_BYTES:
        raise FileRejected(
            "xml_entities",
            f"{name} has no root element in its first {XML_PROLOGUE_BYTES:,} bytes",
            f"{name} không có phần tử gốc trong {XML_PROLOGUE_BYTES:,} byte đầu",
        )
    before_root = text[: root.start()] if root else text
    if b"<!DOCTYPE" in before_root.upper() or b"<!ENTITY" in before_root.upper():
        raise FileRejected(
            "xml_entities",
            f"{name} declares a DTD/entities, which workbooks never need",
            f"{name} chứa khai báo DTD/entity không hợp lệ trong bảng tính",
        )


def _check_sheet_extent(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> None:
    """Count rows and columns the way a reader places cells (explicit refs, else the next slot)."""
    rows = columns = row = column = 0
    pending = b""
    with archive.open(member) as stream:
        while chunk := stream.read(_CHUNK):
            text, pending = _complete_tags(member.filename, pending + chunk)
            for tag in _ROW_OR_CELL.finditer(text):
                ref = _REF_ATTRIBUTE.search(tag.group(2))
                letters, digits = ref.groups() if ref else (b"", b"")
                if tag.group(1) == b"row":
                    row = int(digits) if digits else row + 1
                    column = 0
                else:
                    column = _column_number(letters) if letters else column + 1
                    row = int(digits) if digits else max(row, 1)
                rows, columns = max(rows, row), max(columns, column)
                if rows > MAX_SHEET_ROWS or rows * columns > MAX_SHEET_CELLS:
                    raise sheet_too_large(
                        member.filename, f"cells up to row {rows:,} and column {columns:,}"
                    )


def _column_number(letters: bytes) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + letter - 64
    return number


def sheet_too_large(name: str, what: str) -> FileRejected:
    return FileRejected(
        "sheet_too_large",
        f"{name} has {what}; a sheet may span at most {MAX_SHEET_CELLS:,} cells and "
        f"{MAX_SHEET_ROWS:,} rows",
        f"{name} có ô ở vị trí quá xa ({what}); mỗi trang tối đa {MAX_SHEET_CELLS:,} ô và "
        f"{MAX_SHEET_ROWS:,} dòng",
    )


def _bomb(member: str) -> FileRejected:
    return FileRejected(
        "zip_bomb",
        f"{member} decompresses beyond the limit ({MAX_XLSX_UNCOMPRESSED_BYTES:,} bytes, "
        f"{MAX_XLSX_COMPRESSION_RATIO}:1, {MAX_XLSX_MEMBERS:,} parts)",
        f"{member} giải nén vượt giới hạn cho phép",
    )
