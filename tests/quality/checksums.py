"""What BI would read: a checksum of every table of a schema, to prove it did not change."""

from __future__ import annotations

import psycopg
from psycopg import sql


def schema_checksums(url: str, schema: str) -> dict[str, str]:
    """Per table, md5 of its columns and md5 of its rows (each row hashed, sorted, hashed again).

    Sorting the row hashes makes the checksum independent of physical row order,
    so only a change of content, columns or the set of tables shows.
    """
    with psycopg.connect(url) as conn:
        tables = [
            name
            for (name,) in conn.execute(
                "select tablename from pg_tables where schemaname = %s order by tablename",
                [schema],
            )
        ]
        return {table: _table_checksum(conn, schema, table) for table in tables}


def _table_checksum(conn: psycopg.Connection, schema: str, table: str) -> str:
    (columns,) = conn.execute(
        """select md5(string_agg(column_name || ' ' || data_type, ',' order by ordinal_position))
           from information_schema.columns where table_schema = %s and table_name = %s""",
        [schema, table],
    ).fetchone()
    (rows,) = conn.execute(
        sql.SQL(
            "select coalesce(md5(string_agg(md5(t::text), '' order by md5(t::text))), md5(''))"
            " from {}.{} as t"
        ).format(sql.Identifier(schema), sql.Identifier(table))
    ).fetchone()
    return f"{columns}:{rows}"
