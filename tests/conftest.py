"""Shared fixtures: saved pages rebuilt as responses with their original URL."""
from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from scrapy.http import HtmlResponse

FILES = Path(__file__).parent / "files"


def saved_page(name: str) -> HtmlResponse:
    """A saved page as a Scrapy response, with the URL its first-line comment names."""
    raw = (FILES / name).read_bytes()
    url = re.match(rb"<!-- url: (\S+)", raw).group(1).decode()
    return HtmlResponse(url=url, body=raw, encoding="utf-8")


@pytest.fixture
def page():
    return saved_page


@pytest.fixture(scope="session")
def demo_home(tmp_path_factory):
    """A home with the demo network crawled and built (`kpu-berita demo`), shared by the slow tests."""
    from kpu_berita.cli import main

    home = tmp_path_factory.mktemp("demo-home")
    assert main(["--home", str(home), "demo"]) == 0
    return home


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """LibreOffice's command with a user profile of this pytest process, or None when it is not
    installed. Two soffice processes on one profile (pytest-xdist workers converting at the same
    moment) hand the work to each other, and one may exit 1 having written nothing."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        return None
    return [path, f"-env:UserInstallation={tmp_path_factory.mktemp('libreoffice-profile').as_uri()}"]
