"""Ingestion: submission files into ``raw``, with every bad row in ``audit.quarantine``.

By kind:

- ``service``: what the flows call (``land_batch``, ``IngestReport``); ``inbox``: the
  inbox, archive and feedback files; ``quarantine``: what ``danvan errors`` shows.
- ``format/``: the submission format (``definition``) and what is derived from it:
  JSON Schema and docs (``schema``), the three encodings (``writers``), the Excel
  template (``template``).
- ``readers/``: a file into tables of cells (``json``, ``csv``, ``xlsx``, and
  ``xlsx_guard`` for the zip/XML checks before a workbook is parsed).
- ``values/``: cell text into numbers, quantities in canonical units, dates, periods.
- ``reference_data``: the catalogue, administrative map and units, from the seeds
  directory the settings name.
- ``landing/``: tables of cells into ``raw`` (see its docstring for the walk).
"""
