"""Shared fixtures: saved pages rebuilt as responses with their original URL."""
from __future__ import annotations

import fcntl
import os
import re
import shutil
import subprocess
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
    """A home with the demo network crawled and built (`kpu-berita demo`), shared by the slow tests.

    Under pytest-xdist the demo is crawled once per run, not once per worker: the first worker
    that needs it builds it in the run's shared temporary folder while the others wait on a
    lock, and each worker gets its own copy (tests may change their worker's home)."""
    from kpu_berita.cli import main

    home = tmp_path_factory.mktemp("demo-home")
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        assert main(["--home", str(home), "demo"]) == 0
        return home
    shared = tmp_path_factory.getbasetemp().parent / "demo-home-shared"
    with open(shared.with_name(shared.name + ".lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # released when the file closes, also if the demo fails
        done = shared.with_name(shared.name + ".done")
        if not done.exists():
            shutil.rmtree(shared, ignore_errors=True)  # a worker's failed attempt
            assert main(["--home", str(shared), "demo"]) == 0
            done.touch()
    shutil.copytree(shared, home, dirs_exist_ok=True)
    return home


@pytest.fixture(scope="session")
def soffice(tmp_path_factory):
    """to_pdf(docx, timeout) -> the PDF LibreOffice wrote beside it, with a user profile of this
    pytest process; None when LibreOffice is not installed. Two soffice processes on one profile
    (pytest-xdist workers converting at the same moment) hand the work to each other, and one
    may exit 1 having written nothing."""
    path = shutil.which("soffice") or shutil.which("libreoffice")
    if not path:
        return None
    profile = f"-env:UserInstallation={tmp_path_factory.mktemp('libreoffice-profile').as_uri()}"

    def to_pdf(docx_path: Path, timeout: int) -> Path:
        subprocess.run([path, profile, "--headless", "--convert-to", "pdf", "--outdir", str(docx_path.parent),
                        str(docx_path)], check=True, capture_output=True, timeout=timeout)
        return docx_path.with_suffix(".pdf")
    return to_pdf


# `make test` runs the suite on two pytest-xdist workers, a test file at a time (--dist
# loadfile, so a module-scoped fixture is built on one worker only). The files that take
# longest start first, so the two workers finish at about the same time; the order comes
# from `--durations` and only changes when a file starts: a file missing here runs after
# these, in the usual order.
LONGEST_FIRST = ("test_dagster_nightly.py", "test_dagster_daemon.py", "test_build_kill_safe.py",
                 "test_bench_warehouse.py", "test_crawl_resume.py", "test_crawl_faults.py", "test_end_to_end.py",
                 "test_review_loop.py", "test_publish.py", "test_nightly.py", "test_classify_cli.py",
                 "test_breakage.py", "test_classify.py")


def pytest_collection_modifyitems(items):
    rank = {name: i for i, name in enumerate(LONGEST_FIRST)}
    items.sort(key=lambda item: rank.get(item.path.name, len(rank)))  # stable: file order otherwise
