"""The published format (JSON Schema, documentation) is generated from the one definition."""

from __future__ import annotations

import copy

import pytest
from jsonschema import Draft202012Validator

from danvan.ingest.format import FORMAT_VERSION, SECTIONS
from danvan.ingest.format.schema import DOC_PATH, SCHEMA_PATH, json_schema, render_doc, schema_text
from danvan.synthetic import samples
from danvan.synthetic.generate import generate

REGENERATE = "run `python -m danvan.ingest.format.schema` to regenerate it"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    Draft202012Validator.check_schema(json_schema())
    return Draft202012Validator(json_schema())


def test_the_committed_json_schema_is_the_generated_one():
    # GIVEN the committed docs/submission.schema.json
    committed = SCHEMA_PATH.read_text(encoding="utf-8")
    # WHEN the schema is generated from the format
    # THEN they are the same
    assert committed == schema_text(), REGENERATE


def test_the_committed_documentation_tables_are_the_generated_ones():
    # GIVEN the committed docs/submission-format.md
    committed = DOC_PATH.read_text(encoding="utf-8")
    # WHEN its generated tables are rendered again
    # THEN nothing changes, and every column of every section is documented
    assert render_doc(committed) == committed, REGENERATE
    for section in SECTIONS:
        for column in section.columns:
            assert f"| `{column.name}` | {column.header_vi} |" in committed


def test_the_samples_and_generated_submissions_are_valid_json_documents(validator):
    # GIVEN the bundled samples and messy generated submissions, as their JSON form
    documents = [
        samples.TRA_KA_2023,
        samples.TAM_THANG_2023,
        samples.GO_QUAO_TERM,
        *samples.CAN_LOC_QUARTERS,
        samples.CAN_LOC_NINE_MONTHS,
        *(s.submission for s in generate(4, 3, 2, seed=2, messy=True).submissions),
    ]
    # WHEN each is validated against the schema
    # THEN none has an error
    for document in documents:
        errors = list(validator.iter_errors({"format_version": FORMAT_VERSION, **document}))
        assert errors == []


def test_the_schema_refuses_what_the_format_does_not_allow(validator):
    # GIVEN a valid document
    document = {"format_version": 1, **copy.deepcopy(samples.TRA_KA_2023)}
    assert validator.is_valid(document)
    # WHEN a required value, the unit, or the model reference is missing,
    # or a column is unknown, or the version is another
    no_value = copy.deepcopy(document)
    del no_value["indicators"][0]["value"]
    no_unit = copy.deepcopy(document)
    del no_unit["submission"]["reporting_unit_name"]
    no_model = copy.deepcopy(document)
    del no_model["contributions"][0]["model_code"]
    unknown = copy.deepcopy(document)
    unknown["activities"][0]["remark"] = "?"
    version_2 = {**document, "format_version": 2}
    # THEN each is invalid
    for invalid in (no_value, no_unit, no_model, unknown, version_2):
        assert not validator.is_valid(invalid)
