"""Benchmarks (`make bench`).

Placeholder until the quality-gates issue (#9) fills it: the district-scale generator and
the measurements described there land here. It says so instead of pretending to measure.
"""

print("No benchmarks yet: they arrive with issue #9 (district-scale data, page timings, load, book build).")
