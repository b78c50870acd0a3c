"""No file can stop the service: the hostile corpus, sent in one night with good reports.

Every case of danvan.synthetic.hostile meets its fate — rejected whole, refused
unopened, its bad rows quarantined, its report held — with a reason the sender is
told; everything else is published that same night.
"""

from __future__ import annotations

from decimal import Decimal

import psycopg
import pytest

from danvan.ingest.inbox import feedback_path
from danvan.pipeline import NightlySummary
from danvan.settings import Settings
from danvan.synthetic.hostile import write_corpus
from danvan.synthetic.samples import copy_samples

pytestmark = [pytest.mark.database, pytest.mark.e2e]


@pytest.fixture(scope="module")
def night(module_warehouse: Settings) -> tuple[NightlySummary, list[dict]]:
    from flows.nightly import nightly_pipeline

    # GIVEN the whole hostile corpus in the inbox, beside the bundled good samples
    corpus = write_corpus(module_warehouse.inbox_dir / "corpus")
    copy_samples(module_warehouse.inbox_dir)
    # WHEN the night runs
    summary = nightly_pipeline(settings=module_warehouse, inbox=module_warehouse.inbox_dir)
    return summary, corpus


def query(url: str, sql: str, params: list | None = None) -> list[tuple]:
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def test_the_night_publishes_everything_else(night, module_warehouse):
    summary, _ = night
    # THEN it is published, with the good samples' figures in the marts
    assert summary.status == "published", summary.render()
    canals = query(
        module_warehouse.database_url,
        """select value from marts.fct_indicator_values
           where indicator_code = 'canals_built_km' and period_code = '2023-9M'""",
    )
    assert canals == [(Decimal("7.1"),)]


def test_every_case_meets_its_fate(night, module_warehouse):
    _, corpus = night
    url = module_warehouse.database_url
    files = {
        name: (status, reason)
        for name, status, reason in query(url, "select file_name, status, reason_en from raw.files")
    }
    quarantined = {
        (name, code)
        for name, code in query(url, "select file_name, reason_code from audit.quarantine")
    }
    held = {
        (name, rule)
        for name, rule in query(
            url,
            """select file.file_name, hold.rule from audit.holds as hold
               join raw.files as file using (file_id)
               join audit.submission_states as states
                   using (file_id, reporting_unit_code, period_code, submitted_on)
               where states.state = 'held'""",
        )
    }
    refused = dict(
        query(url, "select inbox_name, reason_en from audit.deliveries where file_id is null")
    )
    wrong = []
    for case in corpus:
        name, fate, code = case["file"], case["fate"], case["code"]
        met = {
            "rejected": files.get(name, ("?", ""))[0] == "rejected"
            and files[name][1].startswith(f"[{code}]"),
            "refused": (refused.get(name) or "").startswith(f"[{code}]"),
            "quarantined": (name, code) in quarantined and files.get(name, ("",))[0] == "loaded",
            "held": (name, code) in held,
            "landed": files.get(name, ("",))[0] == "loaded"
            and not any(file == name for file, _ in quarantined),
        }[fate]
        if not met:
            observed = (
                files.get(name),
                refused.get(name),
                sorted(reason for file, reason in quarantined if file == name),
                sorted(rule for file, rule in held if file == name),
            )
            wrong.append((case["case"], fate, code, observed))
    assert wrong == [], "\n".join(map(str, wrong))


def test_every_sender_is_told(night, module_warehouse):
    _, corpus = night
    archived = list(module_warehouse.archive_dir.rglob("*")) + list(
        module_warehouse.rejected_dir.rglob("*")
    )
    by_name = {path.name: path for path in archived if not path.name.endswith(".feedback.txt")}
    untold = [
        case["case"]
        for case in corpus
        if case["file"] not in by_name or not feedback_path(by_name[case["file"]]).exists()
    ]
    assert untold == []
    # AND a refused link's target was never read
    feedback = feedback_path(by_name["link.json"]).read_text(encoding="utf-8")
    assert "do-not-land-me" not in feedback and "liên kết" in feedback


def test_the_minus_three_is_quarantined_and_its_fifty_figures_published(night, module_warehouse):
    url = module_warehouse.database_url
    (row,) = query(
        url,
        """select column_name, value_text, reason_vi from audit.quarantine
           where file_name = 'negative.json'""",
    )
    assert row[:2] == ("value", "-3") and "nhỏ hơn" in row[2]
    (patrols,) = query(
        url,
        """select count(*) from marts.fct_indicator_values
           where indicator_code = 'patrols' and submitted_on = '2024-01-26'""",
    )
    assert patrols == (50,)
