"""Superset's configuration for danvan: secrets and the metadata database from the environment.

Used by docker-compose (SUPERSET_CONFIG_PATH in the image) and by tests/bi, so the
Superset that is tested is configured as the one that is shipped.
"""

import os

SECRET_KEY = os.environ["SUPERSET_SECRET_KEY"]
SQLALCHEMY_DATABASE_URI = os.environ["SUPERSET_DATABASE_URI"]

# Figures as Vietnamese write them: 13.000.000.000 đồng, 99,2 %.
D3_FORMAT = {
    "decimal": ",",
    "thousands": ".",
    "grouping": [3],
    "currency": ["", " ₫"],
}
