"""Submissions made up for demos, tests and benchmarks, written in the real format.

``samples`` (the bundled quick-start submissions, restating published figures) and
``generate`` (realistic synthetic submissions on the real administrative map, at any
scale, with a manifest of what is known about them).
"""
