"""Run every benchmark; exit 1 if one misses its target."""

from __future__ import annotations

import sys

from bench import bulk, excel, small_files

if __name__ == "__main__":
    results = [bulk.run(), excel.run(), small_files.run()]
    sys.exit(0 if all(results) else 1)
