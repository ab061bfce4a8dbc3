"""The embedded demo network: mirrored satker sites served on loopback (product, not test scaffolding)."""
from kpu_berita.demo_network.content import DEFAULT_AS_OF, DemoArticle, DemoSite, build_demo_sites, views_at
from kpu_berita.demo_network.server import DemoNetwork

__all__ = ["DEFAULT_AS_OF", "DemoArticle", "DemoSite", "DemoNetwork", "build_demo_sites", "views_at"]
