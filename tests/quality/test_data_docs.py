"""Data Docs pages rewritten to open offline, and the warehouse URL GX connects with."""

from __future__ import annotations

from sqlalchemy.engine import make_url

from danvan.quality.data_docs import offline_page
from danvan.quality.gx_audit import sqlalchemy_url

PAGE = """<html><head>
<link rel="stylesheet" href="https://maxcdn.bootstrapcdn.com/bootstrap/4.3.1/css/bootstrap.min.css"/>
<link rel="stylesheet" href="../static/styles/data_docs_default_styles.css">
<script src="https://code.jquery.com/jquery-3.7.1.min.js"></script>
<style>.logo { background: url('https://example.org/logo.png') no-repeat; }</style>
</head><body>
<a href="https://greatexpectations.io">Great Expectations</a>
<a href="expectations/raw__files.html">raw__files</a>
<table id="suites" data-toggle="table">
</table>
<script>
  $('#suites').bootstrapTable(
    Object.assign(
      {
        columns: [{'field': 'expectation_suite_name', 'title': 'Expectation Suites'}],
        data: [{'expectation_suite_name': 'raw__files', '_table_row_link_path': 'expectations/raw__files.html'}],
        toolbar: '#suites-toolbar'
      },
      {'search': 'true'}
    )
  );
</script>
</body></html>"""


def test_a_page_loses_every_web_reference_and_links_the_local_stylesheet():
    # GIVEN a Data Docs page as GX writes it WHEN made offline
    html = offline_page(PAGE, "../static/styles/danvan_offline.css")
    # THEN nothing is fetched from the web, GX's own local stylesheet stays
    assert "http" not in html
    assert 'href="../static/styles/data_docs_default_styles.css"' in html
    # AND the local stylesheet is linked in the head
    assert '<link rel="stylesheet" href="../static/styles/danvan_offline.css">\n</head>' in html
    # AND the link's text and the local links remain
    assert "Great Expectations</a>" in html
    assert '<a href="expectations/raw__files.html">raw__files</a>' in html


def test_a_table_filled_by_a_script_is_written_out_as_rows():
    # GIVEN the index's table of suites, filled by bootstrap-table WHEN made offline
    html = offline_page(PAGE, "static/styles/danvan_offline.css")
    # THEN the table holds its header and one linked row, and the jQuery script is gone
    assert (
        '<table id="suites" data-toggle="table"><thead><tr><th>Expectation Suites</th></tr>'
        '</thead><tbody><tr><td><a href="expectations/raw__files.html">raw__files</a></td></tr>'
        "</tbody></table>"
    ) in html
    assert "bootstrapTable" not in html
    assert "$(" not in html


def test_gx_connects_to_the_same_warehouse_through_psycopg_3():
    # GIVEN a libpq URL WHEN given to SQLAlchemy THEN the driver is psycopg (3), all else kept
    assert (
        sqlalchemy_url("postgresql://danvan:p%40ss@127.0.0.1:15432/danvan?sslmode=disable")
        == "postgresql+psycopg://danvan:p%40ss@127.0.0.1:15432/danvan?sslmode=disable"
    )
    # AND a socket directory (in a key/value string) goes where libpq reads it: the query
    url = make_url(sqlalchemy_url("host=/run/postgresql port=5433 dbname=dv user=me"))
    assert (url.drivername, url.username, url.host, url.port, url.database) == (
        "postgresql+psycopg",
        "me",
        None,
        None,
        "dv",
    )
    assert dict(url.query) == {"host": "/run/postgresql", "port": "5433"}
