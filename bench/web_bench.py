#!/usr/bin/env python
"""How fast geo reads saved web pages (trafilatura article extraction + metadata + Documents).

    .venv/bin/python bench/web_bench.py            # 300 pages of each kind
    .venv/bin/python bench/web_bench.py --pages 100

Pages are news-like: an article from ../shared/corpora/conflict-dev.jsonl (or LGL) inside a
page template with what real news pages carry around it (head metadata and JSON-LD, inline
scripts, a cookie banner, edition and section menus, "most read" and related lists, comments,
a footer of bureau addresses). Three sizes: "small" (~4 KB, a lean page), "typical"
(~70 KB, scripts and menus as on a big news site), "heavy" (~260 KB, four times the menus,
lists and scripts). Each is written to a
folder and read with `geo.inputs.read.read_inputs` in this process (one core), after a warm-up
page (trafilatura's import, ~0.8 s, is not counted). Prints pages/s (wall clock), pages per
CPU-second (what the reader costs, whatever else the machine runs), MB/s and ms per page.
"""
from __future__ import annotations

import argparse
import html
import json
import os
import platform
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from geo.inputs.read import read_inputs  # noqa: E402

CITIES = ["New York", "London", "Paris", "Berlin", "Tokyo", "Sydney", "Cairo", "Lagos", "Mumbai",
          "Toronto", "Madrid", "Rome", "Nairobi", "Seoul", "Lima", "Dubai", "Moscow", "Beijing"]


def articles() -> list[str]:
    shared = ROOT.parent / "shared" / "corpora"
    texts = []
    path = shared / "conflict-dev.jsonl"
    if path.exists():
        texts = [json.loads(line)["text"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    if not texts:
        texts = ["Shelling hit Aleppo and Idlib on Monday, residents said. " * 20]
    return texts


def page(article: str, k: int, size: str, rng: random.Random) -> str:
    scale = {"small": 0, "typical": 1, "heavy": 4}[size]
    sentences = [s.strip() + "." for s in article.split(".") if s.strip()]
    paras = [" ".join(sentences[i:i + 3]) for i in range(0, len(sentences), 3)]
    links = lambda n, words: "".join(
        f'<li><a href="/{k}/{i}">{rng.choice(words)} {rng.choice(["news", "live", "latest", "video"])}</a></li>'
        for i in range(n))
    script = "<script>window.__STATE__ = " + json.dumps({"items": [
        {"id": i, "city": rng.choice(CITIES), "t": "x" * 40} for i in range(300 * scale)]}) + ";</script>"
    style = "<style>" + "".join(f".c{i}{{margin:{i}px;color:#{i:06x}}}" for i in range(400 * scale)) + "</style>"
    day = f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{html.escape(sentences[0][:80])} | The Bench Times</title>
<link rel="canonical" href="https://bench.example/{day.replace('-', '/')}/story-{k}">
<meta property="og:site_name" content="The Bench Times"><meta name="author" content="Staff Writer">
<meta property="article:published_time" content="{day}T08:00:00Z">
<script type="application/ld+json">{{"@type": "NewsArticle", "datePublished": "{day}T08:00:00Z"}}</script>
{style}{script}</head><body>
<div class="cookie-banner">We and our partners in {rng.choice(CITIES)} use cookies. <button>OK</button></div>
<header><nav class="editions"><ul>{links(12 + 30 * scale, CITIES)}</ul></nav>
<nav class="sections"><ul>{links(10 + 20 * scale, ["World", "Business", "Sport", "Culture"])}</ul></nav></header>
<main><article><h1>{html.escape(sentences[0][:120])}</h1><p class="byline">By Staff Writer, {day}</p>
{"".join(f"<p>{html.escape(p)}</p>" for p in paras)}
</article>
<aside class="most-read"><h3>Most read</h3><ol>{links(10 * (1 + scale), CITIES)}</ol></aside>
<section class="related"><h3>Related</h3><ul>{links(8 * (1 + scale), CITIES)}</ul></section>
<div class="comments">{"".join(f"<p>Greetings from {rng.choice(CITIES)}!</p>" for _ in range(5 * scale))}</div></main>
<footer><ul>{links(20 + 20 * scale, CITIES)}</ul><p>&copy; 2020 The Bench Times</p></footer>
{script if scale else ""}</body></html>"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--pages", type=int, default=300)
    args = ap.parse_args()
    rng = random.Random(14)
    texts = articles()
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(f"{os.cpu_count()} CPUs, load average {load:.1f} at the start; Python {platform.python_version()}\n")
    print("| pages | size | KB/page (median) | pages/s (wall) | pages per CPU-second | MB/s (wall) | ms/page (wall) |")
    print("|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        warm = Path(tmp) / "warm.html"
        warm.write_text(page(texts[0], 0, "small", rng), encoding="utf-8")
        list(read_inputs([warm]))
        for size in ("small", "typical", "heavy"):
            folder = Path(tmp) / size
            folder.mkdir()
            sizes = []
            for k in range(args.pages):
                data = page(rng.choice(texts), k, size, rng).encode("utf-8")
                (folder / f"p{k:05d}.html").write_bytes(data)
                sizes.append(len(data))
            start, cpu = time.perf_counter(), time.process_time()
            docs = list(read_inputs([folder]))
            seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
            dated = sum(bool(d.date) for d in docs)
            assert dated == len(docs) == args.pages, (dated, len(docs))
            print(f"| {args.pages} | {size} | {statistics.median(sizes) / 1024:.0f} | {args.pages / seconds:.1f} | "
                  f"{args.pages / cpu:.1f} | "
                  f"{sum(sizes) / seconds / 1e6:.2f} | {1000 * seconds / args.pages:.1f} |", flush=True)


if __name__ == "__main__":
    main()
