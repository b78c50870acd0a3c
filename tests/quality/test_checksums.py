"""The checksum the write-audit-publish tests rely on sees every change, and only changes."""

from __future__ import annotations

import psycopg
import pytest

from tests.quality.checksums import schema_checksums

pytestmark = pytest.mark.database


@pytest.fixture
def shop(database_url: str) -> str:
    with psycopg.connect(database_url) as conn:
        conn.execute("create schema shop")
        conn.execute("create table shop.items (id int, name text)")
        conn.execute("insert into shop.items values (1, 'cầu'), (2, 'nhà')")
        conn.execute("create table shop.empty (id int)")
    return database_url


def test_every_table_gets_a_checksum(shop):
    # WHEN a schema with two tables is checksummed
    checksums = schema_checksums(shop, "shop")
    # THEN each table has one, and an empty table differs from a filled one
    assert sorted(checksums) == ["empty", "items"]
    assert checksums["empty"] != checksums["items"]


def test_a_changed_value_changes_the_checksum(shop):
    # GIVEN the checksums of a schema
    before = schema_checksums(shop, "shop")
    # WHEN one value of one row changes
    with psycopg.connect(shop) as conn:
        conn.execute("update shop.items set name = 'cầu treo' where id = 1")
    # THEN that table's checksum changes and the other's does not
    after = schema_checksums(shop, "shop")
    assert after["items"] != before["items"]
    assert after["empty"] == before["empty"]


def test_row_order_and_rewrites_do_not_change_the_checksum(shop):
    # GIVEN the checksums of a schema
    before = schema_checksums(shop, "shop")
    # WHEN the same rows are rewritten in another physical order
    with psycopg.connect(shop) as conn:
        conn.execute("delete from shop.items")
        conn.execute("insert into shop.items values (2, 'nhà'), (1, 'cầu')")
    # THEN nothing BI could see changed, and neither did the checksum
    assert schema_checksums(shop, "shop") == before


def test_a_new_column_or_table_changes_the_checksums(shop):
    before = schema_checksums(shop, "shop")
    # WHEN a column is added (all null) and a table created
    with psycopg.connect(shop) as conn:
        conn.execute("alter table shop.items add column note text")
        conn.execute("create table shop.more (id int)")
    # THEN the checksums show both
    after = schema_checksums(shop, "shop")
    assert after["items"] != before["items"]
    assert "more" in after
