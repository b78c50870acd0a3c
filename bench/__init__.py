"""Benchmarks of ingestion, each reported as a ratio to a reference measured in the same run.

``python -m bench`` runs them all; ``python -m bench.<name>`` one (bulk, excel, small_files).
They need a PostgreSQL server they may create databases on: DANVAN_BENCH_ADMIN_URL
(default postgresql://postgres@127.0.0.1:5432/postgres). Generated input files are kept
in DANVAN_BENCH_DATA (default: the system temporary directory) and reused.
"""
