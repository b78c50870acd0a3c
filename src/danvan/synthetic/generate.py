"""Realistic synthetic submissions on the real administrative map, at any scale.

``generate`` picks real communes from the reference seeds (three in four on
the map before the 2025 reform, reporting 2023-style periods; the rest on
today's map), gives each a few models, and writes one submission per commune
and period in the JSON form that ``writers`` encodes as xlsx, csv or json.
Periods run quarter by quarter with a nine-month report overlapping the first
three quarters and a year report; some submissions are revised later. With
``messy`` the submissions look like what communes really type: unit names
without diacritics, in NFD, with or without prefixes; Vietnamese number
styles and units inside values; catalogue names in any alias; a few
deliberately bad rows (``messy``), which landing quarantines; and a known share
of submissions breaking one rule that needs context (``HELD_RULES``), which the
nightly gate holds. Without ``messy`` every submission passes those rules: a
model starts by the end of the first period reported and is recognised between
its start and that period's end. The manifest says what is known about the
result (rows, bad rows and why, held submissions and which rule, indicator
totals), for tests and benchmarks (``manifest``); ``corrections`` are the held
submissions sent again, corrected. One module, because its draws depend on each
other (a model's dates on its commune's periods, a revision on what it revises).

Everything is drawn from one ``random.Random(seed)``: the same arguments
give the same submissions.
"""

from __future__ import annotations

import copy
import csv
import math
import random
from collections import defaultdict
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from danvan.ingest.format.writers import Submission, write_csv, write_json, write_workbook
from danvan.ingest.reference_data import ReferenceData
from danvan.ingest.values.periods import Period
from danvan.reference.admin_map import UnitMatchError
from danvan.settings import Settings
from danvan.synthetic.manifest import BadRow, Manifest, SubmissionFacts
from danvan.synthetic.messy import (
    BAD_INDICATORS,
    BAD_SOURCES,
    BAD_VALUES,
    Spellings,
    name_spellings,
    render_value,
    slug,
)
from danvan.synthetic.vocabulary import (
    ACTIVITY_RANGES,
    DEFAULT_RANGE,
    PEOPLE,
    ROLES,
    TOPIC_INDICATORS,
    VALUE_RANGES,
    VILLAGES,
)

FORMS = ("xlsx", "csv", "json")
NEW_MAP_SHARE = 4  # one commune in this many is on today's map
REVISION_RATE = 0.1
BAD_ROW_RATE = 0.02  # of indicator and contribution rows, when messy
HELD_SHARE = 0.02  # of submissions (rounded up), when messy: each breaks one of HELD_RULES
CORRECTION_DELAY = timedelta(days=10)  # a held submission is sent again, corrected, this late
# The hold_submission rules (expectations/, by name) that messy submissions break, in turn.
PETITIONS_RULE = "petitions resolved ≤ under authority ≤ received"
# Generated reports are of periods that have ended and are sent (revisions too) well
# before any day the generator runs: a report of the future is quarantined at landing.
LAST_PERIOD_END = date(2026, 6, 30)
NEW_MAP_PERIODS = 6  # 2025 Q3, 9M, Q4, year; 2026 Q1, Q2: up to LAST_PERIOD_END
RECOGNISED_BEFORE_START_RULE = "recognised between the model's start and the report"
STARTED_AFTER_PERIOD_RULE = "model started by the end of the period reported"
HELD_RULES = (PETITIONS_RULE, RECOGNISED_BEFORE_START_RULE, STARTED_AFTER_PERIOD_RULE)


Row = dict[str, Any]  # a section row in the JSON form
QuarterKey = tuple[str, str, str, int, int]  # unit, model, indicator, year, quarter


@dataclass(frozen=True)
class GeneratedSubmission:
    name: str  # file stem
    submission: Submission  # the JSON form
    group: str  # province: CSV exports hold one province's submissions
    language: str  # of the Excel form's headers


@dataclass
class Generated:
    submissions: list[GeneratedSubmission]
    manifest: Manifest
    # The held submissions (manifest ``held_rules``) sent again, corrected, a little later.
    corrections: list[GeneratedSubmission] = field(default_factory=list)


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str
    short_name: str
    unit_type: str
    map_version: str


@dataclass(frozen=True)
class _Commune(_Unit):
    province: _Unit
    district: _Unit | None  # on the 2025-01 map


@dataclass
class _Model:
    code: str | None
    name: str
    topic: str
    field_code: str
    organizations: tuple[str, ...]
    village: str
    started: date
    households: int
    recognition: tuple[str, int] | None


@dataclass(frozen=True)
class _Sent:
    """A submission as generated, with what is needed to spoil it afterwards."""

    generated: GeneratedSubmission
    facts: SubmissionFacts
    models: list[_Model]
    period: Period
    last_revision: bool


def generate(
    communes: int = 10,
    periods: int = 4,
    models: int = 3,
    *,
    seed: int = 0,
    messy: bool = False,
    seeds_dir: Path | None = None,
) -> Generated:
    """Submissions of ``communes`` communes for ``periods`` periods, ``models`` models each;
    ``seeds_dir``: the reference seeds (default: the settings' ``reference_seeds_dir``)."""
    seeds_dir = seeds_dir or Settings().reference_seeds_dir
    return _Generator(seeds_dir, random.Random(seed), messy).run(communes, periods, models, seed)


class _Generator:
    def __init__(self, seeds_dir: Path, rng: random.Random, messy: bool) -> None:
        self.rng = rng
        self.messy = messy
        reference = ReferenceData.from_seeds(seeds_dir)
        self.catalogue = reference.catalogue
        self.admin_map = reference.admin_map
        self.units = reference.units
        self.spell = Spellings(rng, messy, reference.catalogue)
        self.communes = _communes(seeds_dir / "admin" / "ref_admin_units.csv")
        with (seeds_dir / "catalogue" / "ref_topics.csv").open(encoding="utf-8") as handle:
            self.topics = {row["topic_code"]: row for row in csv.DictReader(handle)}

    def run(self, communes: int, periods: int, models: int, seed: int) -> Generated:
        old = [unit for unit in self.communes if unit.map_version == "2025-01"]
        new = [unit for unit in self.communes if unit.map_version == "2025-07"]
        new_count = communes // NEW_MAP_SHARE
        if communes - new_count > len(old) or new_count > len(new):
            raise ValueError(f"the map has {len(self.communes):,} communes; asked for {communes:,}")
        chosen = self.rng.sample(old, communes - new_count) + self.rng.sample(new, new_count)
        manifest = Manifest(seed, communes, periods, models, self.messy)
        sent_all: list[_Sent] = []
        for unit in chosen:
            unit_periods = _periods(unit.map_version, periods)
            first_end = min(period.end for period in unit_periods)
            unit_models = [self._model(unit, number, first_end) for number in range(1, models + 1)]
            for number, model in enumerate(unit_models, start=1):
                if any(other.name == model.name for other in unit_models[: number - 1]):
                    model.name += f" ({number})"  # names identify models that have no code
            quarters: dict[QuarterKey, Decimal] = {}
            for period in unit_periods:
                revisions = 2 if self.rng.random() < REVISION_RATE else 1
                sent = period.end + timedelta(days=self.rng.randint(3, 25))
                for revision in range(1, revisions + 1):
                    generated, facts = self._submission(
                        unit, unit_models, period, sent, revision, quarters
                    )
                    sent_all.append(
                        _Sent(generated, facts, unit_models, period, revision == revisions)
                    )
                    sent += timedelta(days=self.rng.randint(5, 30))
        corrections = self._spoil(sent_all, manifest) if self.messy else []
        manifest.submissions += [sent.facts for sent in sent_all]
        return Generated([sent.generated for sent in sent_all], manifest, corrections)

    # -- submissions the nightly gate holds ------------------------------------------

    def _spoil(self, sent_all: list[_Sent], manifest: Manifest) -> list[GeneratedSubmission]:
        """Make ``HELD_SHARE`` of the submissions break one of ``HELD_RULES`` each (in turn),
        and return them corrected, sent again later. Only a report's last revision is
        spoiled, so that the held submission is the one its sender must correct."""
        candidates = [index for index, sent in enumerate(sent_all) if sent.last_revision]
        count = min(len(candidates), math.ceil(HELD_SHARE * len(sent_all)))
        corrections = []
        for turn, index in enumerate(sorted(self.rng.sample(candidates, count))):
            sent = sent_all[index]
            corrected = copy.deepcopy(sent.generated.submission)
            rule = HELD_RULES[turn % len(HELD_RULES)]
            self._break_rule(rule, sent)
            sent_all[index] = replace(sent, facts=replace(sent.facts, held_rules=(rule,)))
            again = sent.facts.submitted_on + CORRECTION_DELAY
            corrected["submission"]["submitted_on"] = again.strftime("%d/%m/%Y")
            first_name = sent.facts.name.removesuffix(f"_r{sent.facts.revision}")
            name = f"{first_name}_r{sent.facts.revision + 1}"
            corrections.append(replace(sent.generated, name=name, submission=corrected))
            manifest.corrections.append(
                replace(
                    sent.facts,
                    name=name,
                    submitted_on=again,
                    revision=sent.facts.revision + 1,
                )
            )
        return corrections

    def _break_rule(self, rule: str, sent: _Sent) -> None:
        rng = self.rng
        submission = sent.generated.submission
        position = rng.randrange(len(sent.models))
        model, row = sent.models[position], submission["models"][position]
        if rule == PETITIONS_RULE:
            # received, under authority, resolved: the last three activity rows
            under_authority, resolved = submission["activities"][-2:]
            resolved["value"] = under_authority["value"] + rng.randint(1, 10)
        elif rule == RECOGNISED_BEFORE_START_RULE:
            row["recognition_level"] = row.get("recognition_level") or "xã"
            row["recognition_year"] = model.started.year - rng.randint(1, 3)
        elif rule == STARTED_AFTER_PERIOD_RULE:
            for column in ("recognition_level", "recognition_year", "is_typical"):
                row.pop(column, None)  # a recognition year before the start is another rule
            started = sent.period.end + timedelta(days=rng.randint(1, 90))
            row["start_date"] = self.spell.day(started)
        else:
            raise ValueError(f"no way to break the rule {rule!r}")

    # -- one submission ----------------------------------------------------------

    def _submission(
        self,
        unit: _Commune,
        unit_models: list[_Model],
        period: Period,
        sent: date,
        revision: int,
        quarters: dict[QuarterKey, Decimal],
    ) -> tuple[GeneratedSubmission, SubmissionFacts]:
        rng = self.rng
        name = f"{slug(unit.province.short_name)}_{slug(unit.short_name)}-{unit.code}_{period.code}"
        if revision > 1:
            name += f"_r{revision}"
        header = self._header(unit, period, sent)
        models = [self._model_row(model) for model in unit_models]
        indicators, contributions, values, bad = [], [], [], []
        for model in unit_models:
            reference = {"model_code": model.code} if model.code else {"model_name": model.name}
            for indicator in TOPIC_INDICATORS[model.topic]:
                value = self._period_value(quarters, unit, model, indicator, period, revision)
                cells = self._indicator_cells(indicator, value)
                indicators.append({**reference, **cells})
                mistake = self._mistake(indicators, "indicators")
                if mistake:
                    bad.append(mistake)
                else:
                    values.append((indicator, value))
            for _ in range(rng.randint(1, 2)):
                contributions.append({**reference, **self._contribution_cells()})
                if mistake := self._mistake(contributions, "contributions"):
                    bad.append(mistake)
        submission = {
            "submission": header,
            "models": models,
            "indicators": indicators,
            "contributions": contributions,
            "activities": self._activities(),
        }
        facts = SubmissionFacts(
            name=name,
            reporting_unit_code=unit.code,
            map_version=unit.map_version,
            period_code=period.code,
            submitted_on=sent,
            revision=revision,
            rows={
                section: len(rows)
                for section, rows in submission.items()
                if section != "submission"
            },
            bad_rows=tuple(bad),
            indicator_values=tuple(values),
        )
        language = "en" if self.messy and rng.random() < 0.2 else "vi"
        return GeneratedSubmission(
            name, submission, slug(unit.province.short_name), language
        ), facts

    def _header(self, unit: _Commune, period: Period, sent: date) -> Row:
        rng = self.rng
        header = {
            "reporting_unit_level": self.spell.choose(
                ("xã", "commune", "Xã", "xa", unit.unit_type)
            ),
            "period": self.spell.period(period),
            "submitted_on": self.spell.day(sent),
            "submitter": f"{rng.choice(PEOPLE)}, {rng.choice(ROLES)}",
        }
        header.update(self._unit_reference(unit))
        return header

    def _unit_reference(self, unit: _Commune) -> dict[str, str]:
        """How the unit names itself: a spelling that still identifies it, else its code."""
        rng = self.rng
        if self.messy and rng.random() < 0.1:
            return {"reporting_unit_code": unit.code}
        names = [unit.name]
        provinces = [unit.province.name]
        districts: list[str | None] = [unit.district.name if unit.district else None]
        if self.messy:
            names = name_spellings(unit.name, unit.short_name, rng)
            provinces = [
                *name_spellings(unit.province.name, unit.province.short_name, rng),
                unit.province.code,
            ]
            if unit.district:
                districts = [*name_spellings(unit.district.name, unit.district.short_name, rng)]
        for name, province, district in zip(names, provinces, districts * len(names), strict=False):
            if self._identifies(unit, name, province, district):
                reference = {"reporting_unit_name": name, "province": province}
                if district:
                    reference["district"] = district
                if self.messy and rng.random() < 0.2:
                    reference["reporting_unit_code"] = unit.code
                return reference
        return {"reporting_unit_code": unit.code, "reporting_unit_name": unit.name}

    def _identifies(self, unit: _Commune, name: str, province: str, district: str | None) -> bool:
        try:
            match = self.admin_map.match(
                name,
                map_version=unit.map_version,
                level="commune",
                province=province,
                district=district,
            )
        except UnitMatchError:
            return False
        return match.unit_code == unit.code

    def _model(self, unit: _Commune, number: int, first_end: date) -> _Model:
        """A model started by ``first_end`` (the end of the first period the unit reports),
        and recognised (if it is) between its start and then."""
        rng = self.rng
        topic = rng.choice(sorted(TOPIC_INDICATORS))
        village = rng.choice(VILLAGES)
        organizations = tuple(
            sorted(rng.sample(self.catalogue.lookups["organization"].codes, rng.randint(1, 2)))
        )
        recognised = rng.random() < 0.3
        year = rng.randint(2015, min(2023, first_end.year))
        last_recognition = min(2024, first_end.year)
        started = date(
            year,
            rng.randint(1, 12 if year < first_end.year else first_end.month),
            rng.randint(1, 28),
        )
        return _Model(
            code=None if self.messy and rng.random() < 0.2 else f"{unit.code}-M{number:02d}",
            name=f"{self.topics[topic]['name_vi']} – {village}",
            topic=topic,
            field_code=self.topics[topic]["field_code"],
            organizations=organizations,
            village=village,
            started=started,
            households=rng.randint(5, 200),
            recognition=(
                rng.choice(("commune", "province")),
                rng.randint(min(max(2020, year), last_recognition), last_recognition),
            )
            if recognised
            else None,
        )

    def _model_row(self, model: _Model) -> Row:
        rng = self.rng
        organizations = [
            self.spell.catalogue_name("organization", code) for code in model.organizations
        ]
        row = {
            "model_code": model.code,
            "model_name": self.spell.text(model.name),
            "field": self.spell.catalogue_name("field", model.field_code),
            "topic": self.topics[model.topic]["name_vi"],
            "lead_organizations": "; ".join(organizations),
            "village": model.village,
            "start_date": str(model.started.year)
            if self.messy and rng.random() < 0.3
            else self.spell.day(model.started),
            "status": self.spell.choose(("đang thực hiện", "active", "duy trì", "dang thuc hien")),
            "households": model.households,
        }
        if model.recognition:
            level, year = model.recognition
            row["recognition_level"] = self.spell.choose(
                {"commune": ("xã", "commune", "Xa"), "province": ("tỉnh", "province", "tinh")}[
                    level
                ]
            )
            row["recognition_year"] = year
            row["is_typical"] = self.spell.choose(("có", "x", "Có"))
        return row

    # -- values ------------------------------------------------------------------

    def _period_value(
        self,
        quarters: dict[QuarterKey, Decimal],
        unit: _Unit,
        model: _Model,
        indicator: str,
        period: Period,
        revision: int,
    ) -> Decimal:
        """Quarters are drawn; longer periods sum them, or take the last for stocks and rates."""
        rule = self.catalogue.lookups["indicator"].rows[indicator]["aggregation_rule"]
        first, last = period.start.month // 3 + 1, period.end.month // 3
        parts = [
            self._quarter_value(quarters, unit, model, indicator, period.end.year, quarter)
            for quarter in range(first, last + 1)
        ]
        value = sum(parts, Decimal(0)) if rule == "sum" else parts[-1]
        return value + revision - 1 if revision > 1 and rule == "sum" else value

    def _quarter_value(
        self,
        quarters: dict[QuarterKey, Decimal],
        unit: _Unit,
        model: _Model,
        indicator: str,
        year: int,
        quarter: int,
    ) -> Decimal:
        key = (unit.code, model.name, indicator, year, quarter)
        if key not in quarters:
            quarters[key] = self._draw(indicator)
        return quarters[key]

    def _draw(self, indicator: str) -> Decimal:
        unit = self.catalogue.indicator_unit(indicator)
        low, high, places = VALUE_RANGES.get(indicator) or VALUE_RANGES.get(unit) or DEFAULT_RANGE
        step = Decimal(1).scaleb(-places)
        value = Decimal(self.rng.randint(int(low / step), int(high / step))) * step
        return value * 1_000_000 if unit == "VND" else value

    def _indicator_cells(self, indicator: str, value: Decimal) -> Row:
        spelling = self.spell.catalogue_name("indicator", indicator)
        unit_code = self.catalogue.indicator_unit(indicator)
        value_text, unit = render_value(value, self.units.units[unit_code], self.rng, self.messy)
        cells = {"indicator": spelling, "value": value_text}
        if unit:
            cells["unit"] = unit
        return cells

    def _contribution_cells(self) -> Row:
        rng = self.rng
        kind = rng.choice(("money", "money", "labour", "land", "materials"))
        unit = self.catalogue.lookups["contribution_type"].rows[kind]["canonical_unit_code"]
        amount = {
            "VND": Decimal(rng.randint(1, 300) * 500_000),
            "labour_days": Decimal(rng.randint(10, 500)),
            "m2": Decimal(rng.randint(20, 2000)),
        }[unit]
        value_text, unit_text = render_value(amount, self.units.units[unit], rng, self.messy)
        source = rng.choice(self.catalogue.lookups["contribution_source"].codes)
        cells = {
            "contribution_type": self.spell.catalogue_name("contribution_type", kind),
            "source": self.spell.catalogue_name("contribution_source", source),
            "amount": value_text,
        }
        if unit_text:
            cells["unit"] = unit_text
        return cells

    def _activities(self) -> list[Row]:
        rng = self.rng
        rows = [
            {
                "activity": self.spell.catalogue_name("activity", code),
                "value": rng.randint(low, high),
            }
            for code, (low, high) in ACTIVITY_RANGES.items()
            if rng.random() < 0.7
        ]
        received = rng.randint(0, 40)
        under_authority = rng.randint(0, received)
        for code, value in (
            ("petitions_received", received),
            ("petitions_under_authority", under_authority),
            ("petitions_resolved", rng.randint(0, under_authority)),
        ):
            rows.append({"activity": self.spell.catalogue_name("activity", code), "value": value})
        return rows

    def _mistake(self, rows: list[Row], section: str) -> BadRow | None:
        """Sometimes spoil the row just added, the way communes do."""
        if not self.messy or self.rng.random() >= BAD_ROW_RATE:
            return None
        row = rows[-1]
        if section == "contributions":
            column, (text, code) = "source", self.rng.choice(BAD_SOURCES)
        elif self.rng.random() < 0.5:
            column, (text, code) = "indicator", self.rng.choice(BAD_INDICATORS)
        else:
            column, (text, code) = "value", self.rng.choice(BAD_VALUES)
            row.pop("unit", None)
        row[column] = text
        return BadRow(section, len(rows), column, code)


def _periods(map_version: str, count: int) -> list[Period]:
    """Quarters with a nine-month report after the third and a year report after the fourth;
    a unit of today's map (since July 2025) reports at most up to ``LAST_PERIOD_END``."""
    if map_version == "2025-07":
        first_year, quarters = 2025, [3, 4]
        count = min(count, NEW_MAP_PERIODS)
    else:
        first_year, quarters = 2024 - (count - 1) // 6, [1, 2, 3, 4]
    periods: list[Period] = []
    year = first_year
    while len(periods) < count:
        for quarter in quarters:
            periods.append(Period.of_quarter(year, quarter))
            if quarter == 3:
                periods.append(Period.of_nine_months(year))
            if quarter == 4:
                periods.append(Period.of_year(year))
        year, quarters = year + 1, [1, 2, 3, 4]
    return periods[:count]


def _communes(units_csv: Path) -> list[_Commune]:
    """Every commune of both maps, with its province and (old map) district, in code order."""
    with units_csv.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    units: dict[tuple[str, str], _Unit] = {}
    communes: list[_Commune] = []
    for level in ("province", "district", "commune"):
        for row in rows:
            if row["unit_level"] == level:
                version = row["map_version"]
                names = (row["unit_code"], row["unit_name"], row["unit_short_name"])
                if level != "commune":
                    units[(version, row["unit_code"])] = _Unit(*names, row["unit_type"], version)
                    continue
                province = units[(version, row["province_code"])]
                district = units.get((version, row["district_code"]))
                communes.append(_Commune(*names, row["unit_type"], version, province, district))
    return sorted(communes, key=lambda unit: (unit.map_version, unit.code))


def write_form(submissions: list[GeneratedSubmission], directory: Path, form: str) -> list[Path]:
    """Every submission in one form: a workbook or a JSON file each, CSV exports by province."""
    directory.mkdir(parents=True, exist_ok=True)
    if form == "csv":
        by_group: dict[str, list[Submission]] = defaultdict(list)
        for generated in submissions:
            by_group[generated.group].append(generated.submission)
        return [
            path
            for group, group_submissions in sorted(by_group.items())
            for path in write_csv(group_submissions, directory, f"{group}_export")
        ]
    if form == "json":
        return [write_json(s.submission, directory / f"{s.name}.json") for s in submissions]
    if form == "xlsx":
        return [
            write_workbook(s.submission, directory / f"{s.name}.xlsx", language=s.language)
            for s in submissions
        ]
    raise ValueError(f"unknown form {form!r}; forms are {', '.join(FORMS)}")


def write_submissions(
    submissions: list[GeneratedSubmission], directory: Path, forms: tuple[str, ...] = FORMS
) -> list[Path]:
    """Submissions spread over ``forms`` in turn (an inbox takes them as they are)."""
    written = []
    for index, form in enumerate(forms):
        written += write_form(submissions[index :: len(forms)], directory, form)
    return written


def write_generated(
    generated: Generated, directory: Path, forms: tuple[str, ...] = FORMS
) -> list[Path]:
    """Submissions spread over ``forms`` in turn, and ``manifest.json`` beside them."""
    written = write_submissions(generated.submissions, directory, forms)
    (directory / "manifest.json").write_text(generated.manifest.to_json(), encoding="utf-8")
    return written
