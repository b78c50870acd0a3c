"""Who may read what: analyst roles scoped to provinces by row-level security.

Group roles (no login): ``danvan_analysts`` read ``marts`` and ``marts_history``;
``danvan_operators`` also read ``dq`` and ``audit``. Login roles are members of
one of them, with scopes in ``access.role_scopes``: a province of today's map
(its pre-reform history included, since every row carries today's province) or
``*`` for the whole country. Every public table that carries a province has
row-level security forced, so neither a reader nor a view or function run on
its behalf sees another province's rows; the pipeline's own role reads all.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass

import psycopg
from psycopg import sql

from danvan.publication.tables import HISTORY_SCHEMA, PROVINCE_COLUMN, PUBLIC_SCHEMA

ANALYSTS = "danvan_analysts"
OPERATORS = "danvan_operators"
EVERY_PROVINCE = "*"
# A reader's session may not hold locks or a connection slot forever.
READER_SETTINGS = {
    "statement_timeout": "5min",
    "idle_in_transaction_session_timeout": "10min",
}
OPERATOR_SCHEMAS = ("dq", "audit")

ACCESS_DDL = """
create schema if not exists access;
comment on schema access is 'Which province each analyst role may read (row-level security).';
create table if not exists access.role_scopes (
    role_name name not null,
    province_code_2025_07 text not null,
    granted_at timestamptz not null default clock_timestamp(),
    granted_by name not null default current_user,
    primary key (role_name, province_code_2025_07)
);
comment on table access.role_scopes is 'The provinces (2025-07 map; * = all) each login role may read.';
"""


class AccessError(RuntimeError):
    """An access change the warehouse refused, said plainly."""


@dataclass(frozen=True)
class Reader:
    role: str
    kind: str  # analyst | operator
    provinces: tuple[str, ...]


def ensure_access_schema(conn: psycopg.Connection) -> None:
    """The scopes table, readable by each role for its own rows only."""
    conn.execute(ACCESS_DDL)
    _force_row_security(conn, "access", "role_scopes")
    owner = sql.Identifier(_current_user(conn))
    _ensure_policy(
        conn,
        "access.role_scopes",
        "own_scopes",
        sql.SQL("for select to public using (pg_has_role(current_user, role_name, 'member'))"),
    )
    _ensure_policy(
        conn,
        "access.role_scopes",
        "pipeline_owner",
        sql.SQL("to {} using (true) with check (true)").format(owner),
    )
    conn.execute("grant usage on schema access to public")
    conn.execute("grant select on access.role_scopes to public")


def ensure_groups(conn: psycopg.Connection) -> None:
    """The group roles exist (an administrator's connection: roles are the cluster's)."""
    for group in (ANALYSTS, OPERATORS):
        if not _role_exists(conn, group):
            conn.execute(sql.SQL("create role {} nologin").format(sql.Identifier(group)))
    if not conn.execute("select pg_has_role(%s, %s, 'member')", [OPERATORS, ANALYSTS]).fetchone()[
        0
    ]:  # type: ignore[index]
        conn.execute(sql.SQL("grant {} to {}").format(*map(sql.Identifier, (ANALYSTS, OPERATORS))))


def protect_table(conn: psycopg.Connection, schema: str, table: str, has_province: bool) -> None:
    """Grants for analysts and, for a table with a province, forced row-level security."""
    relation = sql.Identifier(schema, table)
    if _role_exists(conn, ANALYSTS):
        conn.execute(sql.SQL("grant select on {} to {}").format(relation, sql.Identifier(ANALYSTS)))
    if not has_province:
        return
    _force_row_security(conn, schema, table)
    qualified = f"{schema}.{table}"
    _ensure_policy(
        conn,
        qualified,
        "pipeline_owner",
        sql.SQL("to {} using (true) with check (true)").format(sql.Identifier(_current_user(conn))),
    )
    # role_scopes shows each role only its own scopes, so these subqueries are the
    # reader's provinces; they are evaluated once per query, not per row.
    _ensure_policy(
        conn,
        qualified,
        "province_readers",
        sql.SQL(
            "for select to public using ("
            "exists (select 1 from access.role_scopes where province_code_2025_07 = {every})"
            " or {column} = any (array(select province_code_2025_07 from access.role_scopes)))"
        ).format(every=sql.Literal(EVERY_PROVINCE), column=sql.Identifier(PROVINCE_COLUMN)),
    )


def grant_schemas(conn: psycopg.Connection) -> None:
    """Analysts use the public schemas; operators also the quality and audit records."""
    if _role_exists(conn, ANALYSTS):
        for schema in (PUBLIC_SCHEMA, HISTORY_SCHEMA):
            conn.execute(
                sql.SQL("grant usage on schema {} to {}").format(
                    sql.Identifier(schema), sql.Identifier(ANALYSTS)
                )
            )
    if _role_exists(conn, OPERATORS):
        for schema in OPERATOR_SCHEMAS:
            names = {"schema": sql.Identifier(schema), "role": sql.Identifier(OPERATORS)}
            conn.execute(sql.SQL("grant usage on schema {schema} to {role}").format(**names))
            conn.execute(
                sql.SQL("grant select on all tables in schema {schema} to {role}").format(**names)
            )


def add_reader(
    conn: psycopg.Connection,
    role: str,
    *,
    provinces: tuple[str, ...],
    operator: bool = False,
    password: str | None = None,
) -> str:
    """Create (or update) a login role reading the given provinces; its password.
    ``conn``: an administrator's connection (roles are the cluster's)."""
    if not conn.execute(
        "select rolcreaterole or rolsuper from pg_roles where rolname = current_user"
    ).fetchone()[0]:  # type: ignore[index]
        raise AccessError(
            "this connection may not create roles: give an administrator's URL "
            "(DANVAN_ADMIN_DATABASE_URL) for an external warehouse"
        )
    ensure_groups(conn)
    if conn.execute("select to_regclass('access.role_scopes')").fetchone()[0] is None:  # type: ignore[index]
        raise AccessError("nothing is published yet: run danvan nightly first")
    # Groups made only now (an external warehouse) missed the publication's grants.
    grant_schemas(conn)
    for schema in (PUBLIC_SCHEMA, HISTORY_SCHEMA):
        conn.execute(
            sql.SQL("grant select on all tables in schema {} to {}").format(
                sql.Identifier(schema), sql.Identifier(ANALYSTS)
            )
        )
    password = password or secrets.token_urlsafe(18)
    identifier = sql.Identifier(role)
    verb = "alter" if _role_exists(conn, role) else "create"
    conn.execute(
        sql.SQL(verb + " role {} login password {}").format(identifier, sql.Literal(password))
    )
    for name, value in READER_SETTINGS.items():
        conn.execute(
            sql.SQL("alter role {} set {} = {}").format(
                identifier, sql.Identifier(name), sql.Literal(value)
            )
        )
    group = OPERATORS if operator else ANALYSTS
    conn.execute(sql.SQL("grant {} to {}").format(sql.Identifier(group), identifier))
    conn.execute(
        sql.SQL("grant connect on database {} to {}").format(
            sql.Identifier(_current_database(conn)), identifier
        )
    )
    conn.execute("delete from access.role_scopes where role_name = %s", [role])
    for province in provinces:
        conn.execute(
            "insert into access.role_scopes (role_name, province_code_2025_07) values (%s, %s)",
            [role, province],
        )
    return password


def remove_reader(conn: psycopg.Connection, role: str) -> None:
    conn.execute("delete from access.role_scopes where role_name = %s", [role])
    if _role_exists(conn, role):
        conn.execute(sql.SQL("drop owned by {}").format(sql.Identifier(role)))
        conn.execute(sql.SQL("drop role {}").format(sql.Identifier(role)))


def list_readers(conn: psycopg.Connection) -> list[Reader]:
    rows = conn.execute(
        """select member.rolname,
               case when pg_has_role(member.rolname, %s, 'member') then 'operator'
                    else 'analyst' end,
               coalesce(array_agg(scopes.province_code_2025_07 order by
                   scopes.province_code_2025_07) filter (where scopes.role_name is not null),
                   '{}')
           from pg_roles as member
           left join access.role_scopes as scopes on scopes.role_name = member.rolname
           where member.rolcanlogin and pg_has_role(member.rolname, %s, 'member')
               and member.rolname <> current_user
           group by member.rolname
           order by member.rolname""",
        [OPERATORS, ANALYSTS],
    ).fetchall()
    return [Reader(role, kind, tuple(provinces)) for role, kind, provinces in rows]


def scope_national_reader(conn: psycopg.Connection, role: str) -> None:
    """An analyst role without any scope (the embedded warehouse's own reader) reads the
    whole country."""
    conn.execute(
        """insert into access.role_scopes (role_name, province_code_2025_07)
           select %(role)s, %(every)s
           where exists (select 1 from pg_roles where rolname = %(role)s)
               and not exists (select 1 from access.role_scopes where role_name = %(role)s)""",
        {"role": role, "every": EVERY_PROVINCE},
    )


def _force_row_security(conn: psycopg.Connection, schema: str, table: str) -> None:
    """Row-level security enabled and forced, once: altering a table waits for every
    reader of it (every reader of the marts reads role_scopes through the policies)."""
    relation = sql.Identifier(schema, table)
    forced = conn.execute(
        "select relrowsecurity and relforcerowsecurity from pg_class where oid = %s::regclass",
        [f'"{schema}"."{table}"'],
    ).fetchone()
    if forced and forced[0]:
        return
    conn.execute(sql.SQL("alter table {} enable row level security").format(relation))
    conn.execute(sql.SQL("alter table {} force row level security").format(relation))


def _ensure_policy(
    conn: psycopg.Connection, table: str, name: str, definition: sql.Composable
) -> None:
    """Create a policy once: replacing it would lock the table against its readers."""
    schema, relation = table.split(".")
    exists = conn.execute(
        """select 1 from pg_policies where schemaname = %s and tablename = %s
           and policyname = %s""",
        [schema, relation, name],
    ).fetchone()
    if exists:
        return
    target = sql.Identifier(schema, relation)
    conn.execute(
        sql.SQL("create policy {} on {} ").format(sql.Identifier(name), target) + definition
    )


def _role_exists(conn: psycopg.Connection, role: str) -> bool:
    return conn.execute("select 1 from pg_roles where rolname = %s", [role]).fetchone() is not None


def _current_user(conn: psycopg.Connection) -> str:
    row = conn.execute("select current_user").fetchone()
    assert row is not None
    return str(row[0])


def _current_database(conn: psycopg.Connection) -> str:
    row = conn.execute("select current_database()").fetchone()
    assert row is not None
    return str(row[0])
