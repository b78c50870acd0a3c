"""Landing: tables of cells into ``raw`` and ``audit.quarantine``, one transaction per file.

The walk from ``service.land_batch``, module by module:

1. ``files.land_file``: skip a file already received, else read it (``readers``) and,
   in one transaction, register it in ``raw.files``, judge its header, land each
   table, then its submissions and its quarantine; or reject it whole.
2. ``files.land_table``: where the two paths meet. ``columnar`` (a large UTF-8 CSV,
   parsed by Arrow and judged column by column) or, otherwise or if Arrow cannot
   read the file exactly as the row path would, ``rows`` (chunks of rows).
3. Both paths fill a ``table.TableLanding`` (the submissions rows name, rejected rows,
   stray cells) and read the judgements of ``outputs.Judgements``: each distinct
   input of a section's output judged once by ``cells.CellJudge`` against the
   reference data, as values or as ``cells.Invalid``.
4. ``copy_text``: COPY text and streaming it to PostgreSQL.
"""

from danvan.ingest.landing.files import FileResult, land_file

__all__ = ["FileResult", "land_file"]
