"""Submission format, version 1: one definition behind the JSON, CSV and Excel forms.

A submission is one report from one reporting unit for one period. It has a
header (``submission``) and four row sections. Readers, the Excel template,
the JSON Schema, the documentation and the ``raw`` tables are all derived
from the sections below, so the three encodings cannot drift apart.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

FORMAT_VERSION = 1


class Kind(StrEnum):
    """How a cell is read; each kind has one parser in ``danvan.ingest.landing.cells``."""

    TEXT = "text"
    CODE = "code"
    INTEGER = "integer"
    NUMBER = "number"
    DATE = "date"
    ROUGH_DATE = "rough_date"  # a date, or a month or year when the day is not known
    PERIOD = "period"
    YEAR = "year"
    BOOLEAN = "boolean"
    UNIT = "unit"
    MAP_VERSION = "map_version"
    LEVEL = "level"
    FIELD = "field"
    INDICATOR = "indicator"
    CONTRIBUTION_TYPE = "contribution_type"
    CONTRIBUTION_SOURCE = "contribution_source"
    ACTIVITY = "activity"
    ORGANIZATIONS = "organizations"
    MODEL_STATUS = "model_status"


@dataclass(frozen=True)
class Column:
    name: str
    header_vi: str
    kind: Kind
    required: bool
    description: str
    description_vi: str  # the same, for the template's guide sheet


@dataclass(frozen=True)
class Section:
    name: str
    sheet_vi: str
    sheet_en: str
    description: str
    columns: tuple[Column, ...]
    # At least one of these columns must be filled in every row (a code or a name).
    required_one_of: tuple[str, ...] = ()
    description_vi: str = ""

    @cached_property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @cached_property
    def _by_name(self) -> dict[str, Column]:
        return {column.name: column for column in self.columns}

    def column(self, name: str) -> Column:
        return self._by_name[name]


def _col(
    name: str, header_vi: str, kind: Kind, description: str, *, vi: str, required: bool = False
) -> Column:
    return Column(name, header_vi, kind, required, description, vi)


SUBMISSION = Section(
    name="submission",
    sheet_vi="Thông tin chung",
    sheet_en="Submission",
    description="Who reports, for which period, on which administrative map.",
    description_vi="Đơn vị nào báo cáo, cho kỳ nào, theo bản đồ hành chính nào.",
    columns=(
        _col(
            "reporting_unit_code",
            "Mã đơn vị báo cáo",
            Kind.CODE,
            "GSO code of the reporting unit (commune 5 digits, district 3, province 2), "
            "or the agency's own code. Give the code or the name, or both.",
            vi="Mã đơn vị hành chính (xã 5 chữ số, huyện 3, tỉnh 2) hoặc mã riêng của cơ quan. Ghi mã hoặc tên, hoặc cả hai.",
        ),
        _col(
            "reporting_unit_name",
            "Tên đơn vị báo cáo",
            Kind.TEXT,
            "Name of the reporting unit, in any spelling (e.g. 'Xã Trà Ka', 'tra ka').",
            vi="Tên đơn vị báo cáo, viết thế nào cũng được (vd. 'Xã Trà Ka', 'tra ka').",
        ),
        _col(
            "reporting_unit_level",
            "Cấp đơn vị",
            Kind.LEVEL,
            "commune | district | province | agency (xã | huyện | tỉnh | cơ quan).",
            required=True,
            vi="Cấp của đơn vị: xã, huyện, tỉnh hoặc cơ quan.",
        ),
        _col(
            "province",
            "Tỉnh/thành phố",
            Kind.TEXT,
            "Province code or name the unit belongs to; scopes name matching.",
            vi="Tỉnh/thành phố của đơn vị (mã hoặc tên); giúp nhận đúng tên đơn vị.",
        ),
        _col(
            "district",
            "Huyện",
            Kind.TEXT,
            "District code or name (old map only); scopes name matching.",
            vi="Huyện của đơn vị (mã hoặc tên; chỉ với bản đồ cũ); giúp nhận đúng tên đơn vị.",
        ),
        _col(
            "map_version",
            "Bản đồ hành chính",
            Kind.MAP_VERSION,
            "2025-01 (63 provinces, before 1 July 2025) or 2025-07 (34 provinces). "
            "Blank: the map in force on the last day of the period.",
            vi="2025-01 (63 tỉnh, trước 1/7/2025) hoặc 2025-07 (34 tỉnh). Để trống: bản đồ có hiệu lực vào ngày cuối kỳ.",
        ),
        _col(
            "period",
            "Kỳ báo cáo",
            Kind.PERIOD,
            "Reporting period, e.g. 'Quý III/2025', '6 tháng đầu năm 2024', '9 tháng 2023', "
            "'năm 2023', '2020-2025'.",
            required=True,
            vi="Kỳ báo cáo, vd. 'Quý III/2025', '6 tháng đầu năm 2024', '9 tháng 2023', 'Năm 2023', '2020-2025'.",
        ),
        _col(
            "submitted_on",
            "Ngày gửi",
            Kind.DATE,
            "Date the report was sent (dd/mm/yyyy). A later date supersedes an earlier "
            "report of the same unit and period.",
            required=True,
            vi="Ngày gửi báo cáo (ngày/tháng/năm). Báo cáo gửi sau (ngày mới hơn) thay thế báo cáo trước của cùng đơn vị, cùng kỳ.",
        ),
        _col(
            "submitter",
            "Người báo cáo",
            Kind.TEXT,
            "Name and position of the submitter.",
            vi="Họ tên và chức vụ người báo cáo.",
        ),
        _col("notes", "Ghi chú", Kind.TEXT, "Free-text notes.", vi="Ghi chú thêm (nếu có)."),
    ),
    required_one_of=("reporting_unit_code", "reporting_unit_name"),
)

MODELS = Section(
    name="models",
    sheet_vi="Mô hình",
    sheet_en="Models",
    description="The models (mô hình) the unit reports on: what they are and how they stand.",
    description_vi="Các mô hình đơn vị báo cáo: mô hình là gì và đang thực hiện ra sao.",
    columns=(
        _col(
            "model_code",
            "Mã mô hình",
            Kind.CODE,
            "Code of the model if it has one; rows of other sections refer to it.",
            vi="Mã mô hình (nếu có); các trang khác dùng mã này để chỉ mô hình.",
        ),
        _col(
            "model_name",
            "Tên mô hình",
            Kind.TEXT,
            "Name of the model.",
            required=True,
            vi="Tên mô hình.",
        ),
        _col(
            "field",
            "Lĩnh vực",
            Kind.FIELD,
            "economy | culture_society | defence_security | party_building "
            "(kinh tế; văn hóa – xã hội; quốc phòng – an ninh; xây dựng Đảng và HTCT).",
            required=True,
            vi="Lĩnh vực: kinh tế; văn hóa – xã hội; quốc phòng – an ninh; xây dựng Đảng và hệ thống chính trị.",
        ),
        _col(
            "topic",
            "Chủ đề",
            Kind.TEXT,
            "Topic, e.g. rural bridges, houses for the poor.",
            vi="Chủ đề, vd. cầu dân sinh, nhà cho hộ nghèo.",
        ),
        _col(
            "lead_organizations",
            "Tổ chức chủ trì",
            Kind.ORGANIZATIONS,
            "Lead organisation types, separated by ';' (e.g. 'Mặt trận; Hội Phụ nữ').",
            vi="Các tổ chức chủ trì, cách nhau bằng dấu ';' (vd. 'Mặt trận; Hội Phụ nữ').",
        ),
        _col(
            "host_commune",
            "Xã/phường thực hiện",
            Kind.TEXT,
            "Commune code or name hosting the model; blank: the reporting unit.",
            vi="Mã hoặc tên xã/phường thực hiện mô hình; để trống: chính đơn vị báo cáo.",
        ),
        _col(
            "village",
            "Thôn/ấp/tổ dân phố",
            Kind.TEXT,
            "Village or residential group.",
            vi="Thôn, ấp hoặc tổ dân phố.",
        ),
        _col(
            "start_date",
            "Ngày bắt đầu",
            Kind.ROUGH_DATE,
            "When the model started (dd/mm/yyyy, or a month 3/2024, or a year 2024).",
            vi="Ngày bắt đầu mô hình (ngày/tháng/năm, hoặc tháng 3/2024, hoặc chỉ ghi năm 2024).",
        ),
        _col(
            "status",
            "Trạng thái",
            Kind.MODEL_STATUS,
            "active | discontinued (đang thực hiện | dừng).",
            vi="Trạng thái: đang thực hiện hoặc dừng.",
        ),
        _col(
            "households",
            "Số hộ tham gia",
            Kind.INTEGER,
            "Households taking part.",
            vi="Số hộ tham gia (số nguyên, không âm).",
        ),
        _col(
            "members",
            "Số thành viên",
            Kind.INTEGER,
            "Members (persons) taking part.",
            vi="Số thành viên (người) tham gia (số nguyên, không âm).",
        ),
        _col(
            "parent_model_code",
            "Mã mô hình gốc",
            Kind.CODE,
            "For a replicated model: the code of the model it copies.",
            vi="Với mô hình nhân rộng: mã của mô hình gốc được nhân rộng.",
        ),
        _col(
            "recognition_level",
            "Cấp công nhận",
            Kind.LEVEL,
            "commune | district | province | central: level that recognised it as effective.",
            vi="Cấp công nhận mô hình hiệu quả: xã, huyện, tỉnh hoặc trung ương.",
        ),
        _col(
            "recognition_year",
            "Năm công nhận",
            Kind.YEAR,
            "Year of that recognition.",
            vi="Năm được công nhận.",
        ),
        _col(
            "is_typical",
            "Điển hình",
            Kind.BOOLEAN,
            "Selected as a typical model (có/không).",
            vi="Được chọn là mô hình điển hình (có/không).",
        ),
    ),
)

# How rows of other sections name their model: by code, or by name when it has none.
MODEL_REFERENCE = (
    _col(
        "model_code",
        "Mã mô hình",
        Kind.CODE,
        "Model code (or give the model name).",
        vi="Mã mô hình (hoặc ghi tên mô hình).",
    ),
    _col(
        "model_name",
        "Tên mô hình",
        Kind.TEXT,
        "Model name, when it has no code.",
        vi="Tên mô hình, khi mô hình chưa có mã.",
    ),
)
MODEL_REFERENCE_NAMES = tuple(column.name for column in MODEL_REFERENCE)

INDICATORS = Section(
    name="indicators",
    sheet_vi="Chỉ tiêu",
    sheet_en="Indicators",
    description="Measured results of each model in the period.",
    description_vi="Kết quả đo được của từng mô hình trong kỳ.",
    columns=(
        *MODEL_REFERENCE,
        _col(
            "indicator",
            "Chỉ tiêu",
            Kind.INDICATOR,
            "Indicator code or name from the catalogue (e.g. bridges_built, 'Số cầu xây mới').",
            required=True,
            vi="Chỉ tiêu: chọn trong danh sách (tên hoặc mã trong danh mục, vd. 'Số cầu xây mới').",
        ),
        _col(
            "value",
            "Giá trị",
            Kind.NUMBER,
            "Value, Vietnamese style allowed: '13.000.000.000', '1,2', '60 triệu', 'hơn 280'.",
            required=True,
            vi="Giá trị, ghi kiểu Việt Nam được: '13.000.000.000', '1,2', '60 triệu', 'hơn 280'.",
        ),
        _col(
            "unit",
            "Đơn vị tính",
            Kind.UNIT,
            "Unit of the value (m, km, ha, m², hộ, người, đồng…); blank: the indicator's unit.",
            vi="Đơn vị tính: chọn trong danh sách các đơn vị của chỉ tiêu ở cùng dòng; để trống: đơn vị của chỉ tiêu.",
        ),
    ),
    required_one_of=MODEL_REFERENCE_NAMES,
)

CONTRIBUTIONS = Section(
    name="contributions",
    sheet_vi="Đóng góp",
    sheet_en="Contributions",
    description="Resources mobilised for each model in the period.",
    description_vi="Nguồn lực huy động cho từng mô hình trong kỳ.",
    columns=(
        *MODEL_REFERENCE,
        _col(
            "contribution_type",
            "Loại đóng góp",
            Kind.CONTRIBUTION_TYPE,
            "money | land | labour | materials (tiền | đất | ngày công | hiện vật).",
            required=True,
            vi="Loại đóng góp: tiền, đất, ngày công hoặc hiện vật.",
        ),
        _col(
            "source",
            "Nguồn",
            Kind.CONTRIBUTION_SOURCE,
            "state_budget | residents | enterprises | philanthropists | organizations | other.",
            required=True,
            vi="Nguồn đóng góp: ngân sách nhà nước, nhân dân, doanh nghiệp, nhà hảo tâm, tổ chức hoặc nguồn khác.",
        ),
        _col(
            "amount",
            "Số lượng",
            Kind.NUMBER,
            "Amount: '13 tỷ đồng', '500 m²', '120 ngày công'.",
            required=True,
            vi="Số lượng, vd. '13 tỷ đồng', '500 m²', '120 ngày công'.",
        ),
        _col(
            "unit",
            "Đơn vị tính",
            Kind.UNIT,
            "Unit of the amount; blank: the type's unit.",
            vi="Đơn vị tính của số lượng: chọn trong danh sách các đơn vị của loại đóng góp; để trống: đơn vị của loại đóng góp.",
        ),
    ),
    required_one_of=MODEL_REFERENCE_NAMES,
)

ACTIVITIES = Section(
    name="activities",
    sheet_vi="Hoạt động",
    sheet_en="Activities",
    description="Unit-level mass-mobilisation work in the period (not tied to one model).",
    description_vi="Công tác dân vận chung của đơn vị trong kỳ (không gắn với một mô hình).",
    columns=(
        _col(
            "activity",
            "Hoạt động",
            Kind.ACTIVITY,
            "conferences | conference_participants | trainings | trainees | citizens_received "
            "| petitions_received | petitions_under_authority | petitions_resolved "
            "| commendations_collective | commendations_individual.",
            required=True,
            vi="Hoạt động: chọn trong danh sách (hội nghị, tập huấn, tiếp dân, đơn thư, khen thưởng…).",
        ),
        _col(
            "value",
            "Số lượng",
            Kind.NUMBER,
            "Count in the period.",
            required=True,
            vi="Số lượng trong kỳ.",
        ),
    ),
)

ROW_SECTIONS: tuple[Section, ...] = (MODELS, INDICATORS, CONTRIBUTIONS, ACTIVITIES)
SECTIONS: tuple[Section, ...] = (SUBMISSION, *ROW_SECTIONS)
SECTIONS_BY_NAME = {section.name: section for section in SECTIONS}

# In the CSV form each row carries its submission's identity, so one file can
# hold many submissions (exports from provincial e-reporting systems).
CSV_IDENTITY_COLUMNS: tuple[str, ...] = tuple(
    name for name in SUBMISSION.column_names if name != "notes"
)

ACTIVITY_CODES: tuple[str, ...] = (
    "conferences",
    "conference_participants",
    "trainings",
    "trainees",
    "citizens_received",
    "petitions_received",
    "petitions_under_authority",
    "petitions_resolved",
    "commendations_collective",
    "commendations_individual",
)
