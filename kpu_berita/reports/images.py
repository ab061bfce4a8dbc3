"""Lead photos of humas articles, fetched politely and cached under HOME/images/.

One request at a time, an identifying User-Agent, a timeout, a size cap, http(s) only, and
no private or loopback address unless the caller allows it (tests and the demo serve their
pages on loopback). A photo that can't be had is simply absent: the report item then has
no photo and says nothing about it.
"""
from __future__ import annotations

import hashlib
import ipaddress
import logging
import socket
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

USER_AGENT = "kpu-berita/0.1 (+laporan Bakohumas; satu gambar per permintaan)"
MAX_BYTES = 2 * 1024 * 1024
TIMEOUT_S = 10
IMAGE_TYPES = {"image/jpeg": ".jpg", "image/png": ".png", "image/gif": ".gif"}
log = logging.getLogger(__name__)


def cache_path(cache_dir: Path, url: str, suffix: str = "") -> Path:
    return Path(cache_dir) / (hashlib.sha256(url.encode()).hexdigest()[:32] + suffix)


def cached(cache_dir: Path, url: str) -> Path | None:
    for suffix in IMAGE_TYPES.values():
        path = cache_path(cache_dir, url, suffix)
        if path.exists():
            return path
    return None


def _address_allowed(host: str, allow_loopback: bool) -> bool:
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    for info in infos:
        address = ipaddress.ip_address(info[4][0])
        if address.is_loopback and allow_loopback:
            continue
        if address.is_loopback or address.is_private or address.is_link_local or address.is_unspecified:
            return False
    return True


def _read_capped(response, limit: int) -> bytes | None:
    data = response.read(limit + 1)
    return None if len(data) > limit else data


def fetch(url: str, cache_dir: Path, *, allow_loopback: bool = False, max_bytes: int = MAX_BYTES,
          timeout: float = TIMEOUT_S) -> Path | None:
    """The cached file of `url`, fetching it first if needed; None when it can't be had."""
    hit = cached(cache_dir, url)
    if hit:
        return hit
    parts = urlsplit(url or "")
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    if not _address_allowed(parts.hostname, allow_loopback):
        log.info("image %s: address not allowed", url)
        return None
    request = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "image/*"})
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            kind = response.headers.get_content_type()
            declared = int(response.headers.get("Content-Length") or 0)
            if kind not in IMAGE_TYPES or declared > max_bytes:
                return None
            data = _read_capped(response, max_bytes)
    except (OSError, ValueError) as exc:  # URLError, HTTPError, timeouts are OSErrors
        log.info("image %s: %s", url, exc)
        return None
    if data is None:
        return None
    path = cache_path(cache_dir, url, IMAGE_TYPES[kind])
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    tmp.replace(path)
    return path


def fetch_all(urls, cache_dir: Path, *, allow_loopback: bool = False) -> dict[str, Path]:
    """url -> cached file for each URL that could be had; one request at a time."""
    found = {}
    for url in dict.fromkeys(u for u in urls if u):
        path = fetch(url, cache_dir, allow_loopback=allow_loopback)
        if path:
            found[url] = path
    return found
