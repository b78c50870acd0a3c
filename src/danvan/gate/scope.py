"""What a night rebuilds: every reporting unit (and its province) with a submission event
since the last publication.

Any change of a submission's state — landed, held, approved, released,
withdrawn — may change what the marts show for its unit, and a unit's rows
depend on all its reports (model keys are named across periods), so the unit
is rebuilt whole. Events of runs that did not publish are after the last
publication too, so whatever such a run left in the build schema is rebuilt.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

import psycopg


@dataclass(frozen=True)
class BuildScope:
    run_id: uuid.UUID
    units: int
    provinces: int

    @property
    def is_empty(self) -> bool:
        return self.units == 0


def last_published_event(conn: psycopg.Connection) -> int:
    row = conn.execute(
        "select last_event_id from audit.publications order by publication_id desc limit 1"
    ).fetchone()
    return int(row[0]) if row else 0


def plan_build(conn: psycopg.Connection, run_id: uuid.UUID, *, full_refresh: bool) -> BuildScope:
    """Record the units and provinces this run rebuilds (every one on a full rebuild) and
    make it the current build the dbt models and tests read."""
    with conn.transaction():
        since = last_published_event(conn)
        if full_refresh:
            changed = "select reporting_unit_code from raw.submissions"
            parameters: list[object] = []
        else:
            changed = """select reporting_unit_code from audit.submission_events
                         where event_id > %s"""
            parameters = [since]
        units = conn.execute(
            f"""insert into audit.build_scopes (run_id, scope, scope_key)
                select distinct %s::uuid, 'unit', reporting_unit_code from ({changed}) as changed
                on conflict do nothing""",
            [run_id, *parameters],
        ).rowcount
        provinces = conn.execute(
            f"""insert into audit.build_scopes (run_id, scope, scope_key)
                select distinct %s::uuid, 'province', {_province_2025_07(conn)}
                from raw.submissions as submission
                where submission.reporting_unit_code in (
                    select scope_key from audit.build_scopes
                    where run_id = %s and scope = 'unit')
                on conflict do nothing""",
            [run_id, run_id],
        ).rowcount
        conn.execute(
            """insert into audit.current_build (run_id, full_refresh) values (%s, %s)
               on conflict (singleton) do update
               set run_id = excluded.run_id, full_refresh = excluded.full_refresh""",
            [run_id, full_refresh],
        )
        conn.execute("delete from audit.current_build_scopes")
        conn.execute(
            """insert into audit.current_build_scopes (scope, scope_key)
               select scope, scope_key from audit.build_scopes where run_id = %s""",
            [run_id],
        )
        conn.execute("analyze audit.current_build_scopes")
    return BuildScope(run_id, units, provinces)


def _province_2025_07(conn: psycopg.Connection) -> str:
    """Today's province of a submission: old provinces merged whole into new ones."""
    crosswalk = conn.execute("select to_regclass('reference.ref_provinces_crosswalk')").fetchone()
    if crosswalk is None or crosswalk[0] is None:
        return "submission.province_code"
    return """coalesce((
        select crosswalk.new_province_code from reference.ref_provinces_crosswalk as crosswalk
        where submission.map_version = '2025-01'
            and crosswalk.old_province_code = submission.province_code
    ), submission.province_code)"""
