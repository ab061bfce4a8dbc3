"""Benchmarks (`kpu-berita bench`): figures printed and written as JSON, never timed tests.

Each part is a module with `run(quick: bool) -> dict` of flat figures; the CLI merges them.
"""
