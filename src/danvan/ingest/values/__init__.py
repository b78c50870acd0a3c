"""Read the values communes type into spreadsheets.

``numbers`` (Vietnamese number styles, qualifiers, scale words), ``units`` (the
units-of-measure seed and quantities in canonical units), ``dates`` and
``periods``. Every failure is an ``errors.ValueParseError`` saying, in English
and Vietnamese, what was wrong and which forms are accepted.
"""
