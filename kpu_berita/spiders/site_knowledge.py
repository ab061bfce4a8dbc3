"""Moved to `kpu_berita.site_knowledge` (plain data that spiders and pipelines both read,
so pipelines need not import spiders). Kept only for `spiders/berita.py`, which is being
rewritten separately; import `kpu_berita.site_knowledge` instead."""
from kpu_berita.site_knowledge import *  # noqa: F401,F403
from kpu_berita.site_knowledge import listing_url  # noqa: F401  (explicit: the one function)
