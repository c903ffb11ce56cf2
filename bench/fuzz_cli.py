"""Fuzz the `geo` command in-process: generated inputs through `geo.cli.main`, counting crashes.

A crash is an exception escaping `main` or an exit code other than 0 (done) or 2 (an input
error, reported on one line). Inputs mix random bytes, text in many scripts and encodings,
HTML and Markdown soup, JSONL with broken lines, empty files, huge lines and folders; the
options (`extract`/`map`, output format, `--on-error`, `--input-format`) vary too.

    .venv/bin/python bench/fuzz_cli.py [-n 10000] [--seed 1] [--crashes DIR]

The language model loads once: every run shares one Geoparser (`geo.cli.parser_for` is
patched), which is the only way ten thousand runs fit in a few minutes.
"""
from __future__ import annotations

import argparse
import collections
import contextlib
import io
import json
import random
import shutil
import sys
import tempfile
import time
import traceback
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import geo.cli
from geo.pipeline import Geoparser

PLACES = ["Damascus", "Aleppo", "Tartous", "Paris", "Syria", "Syrian", "New York", "St. Louis", "U.S.",
          "Georgia", "Kyiv", "Tokyo", "Cairo", "Lagos", "the Hague", "Hmeimim", "Latakia"]
SCRIPTS = [(0x20, 0x7E), (0xA0, 0x24F), (0x370, 0x3FF), (0x400, 0x4FF), (0x590, 0x5FF), (0x600, 0x6FF),
           (0x900, 0x97F), (0xE00, 0xE7F), (0x300, 0x36F), (0x4E00, 0x4FFF), (0xAC00, 0xACFF),
           (0x1F300, 0x1F64F), (0x200B, 0x202E), (0x0, 0x1F), (0xFFF0, 0xFFFF), (0x10000, 0x10FFFF)]
PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "${x}`\\"]
SLOW = 10.0  # seconds: a run this slow on inputs this small is a finding too
ENCODINGS = ["utf-8", "utf-8", "utf-8-sig", "utf-16", "utf-16-le", "cp1252", "latin-1", "cp1251", "utf-32"]


class Gen:
    def __init__(self, rng: random.Random):
        self.r = rng

    def unicode(self, n: int) -> str:
        out = []
        while len(out) < n:
            roll = self.r.random()
            if roll < 0.25:
                out.append(self.r.choice(PLACES))
            elif roll < 0.45:
                out.append(self.r.choice([" ", " ", "\n", "\n\n\n", "\t", ". ", ", ", "\r\n", "\u00a0"]))
            elif roll < 0.5:
                out.append(self.r.choice(PAYLOADS))
            else:
                lo, hi = self.r.choice(SCRIPTS)
                cp = self.r.randint(lo, hi)
                out.append(" " if 0xD800 <= cp <= 0xDFFF else chr(cp))
        return "".join(out)

    def news(self, n: int) -> str:
        words = []
        for _ in range(n):
            roll = self.r.random()
            words.append(self.r.choice(PLACES) if roll < 0.15 else self.r.choice(
                ["fighting", "near", "in", "the", "talks", "and", "officials", "said", "."]))
        return " ".join(words)

    def encoded(self, text: str) -> bytes:
        return text.encode(self.r.choice(ENCODINGS), "replace")

    def mutate(self, data: bytes) -> bytes:
        data = bytearray(data)
        for _ in range(self.r.randint(1, 8)):
            op = self.r.random()
            if not data or op < 0.3:
                data.insert(self.r.randint(0, len(data)), self.r.randrange(256))
            elif op < 0.6:
                data[self.r.randrange(len(data))] = self.r.randrange(256)
            elif op < 0.8:
                del data[self.r.randrange(len(data)):][: self.r.randint(1, 20)]
            else:
                data[:] = data[: self.r.randrange(len(data) + 1)]
        return bytes(data)

    def html(self) -> str:
        parts = []
        for _ in range(self.r.randint(0, 40)):
            roll = self.r.random()
            if roll < 0.35:
                parts.append(self.news(self.r.randint(1, 12)))
            elif roll < 0.6:
                tag = self.r.choice(["p", "div", "b", "h1", "title", "script", "style", "noscript", "template",
                                     "pre", "li", "svg", "br", "table", "td"])
                parts.append(self.r.choice([f"<{tag}>", f"</{tag}>", f"<{tag} class='x'>", f"<{tag}/>"]))
            elif roll < 0.7:
                parts.append(self.r.choice(["&amp;", "&eacute;", "&#x2013;", "&#0;", "&#x110000;", "&bogus;", "&"]))
            elif roll < 0.8:
                parts.append(self.r.choice(["<!--", "-->", "<![CDATA[", "<![if x]>", "<![foo", "<!doctype html>",
                                            "<?xml?>", "<", ">", "</", "<a href='javascript:alert(1)'>"]))
            elif roll < 0.85:
                parts.append(self.r.choice(['<link rel="canonical" href="https://x.example/a">',
                                            '<meta property="og:url" content="javascript:alert(1)">']))
            else:
                parts.append(self.unicode(self.r.randint(1, 30)))
        return "".join(parts)

    def markdown(self) -> str:
        lines = []
        for _ in range(self.r.randint(0, 30)):
            prefix = self.r.choice(["", "", "# ", "## ", "> ", "- ", "1. ", "```", "---", "[x]: http://y ", "    "])
            body = self.news(self.r.randint(0, 10))
            deco = self.r.choice(["*{}*", "**{}**", "_{}_", "[{}](http://x)", "![{}](y.png)", "`{}`", "{}", "~~{}"])
            lines.append(prefix + deco.format(body) + self.r.choice(["", " #", "\\*"]))
        return "\n".join(lines)

    def jsonl(self) -> bytes:
        lines = []
        for i in range(self.r.randint(0, 12)):
            text = self.r.choice([self.news(self.r.randint(0, 30)), self.unicode(self.r.randint(0, 60))])
            row: dict = {"id": self.r.choice([f"d{i}", i, None, True, ["x"], self.unicode(5)]), "text": text}
            if self.r.random() < 0.5:
                row["mentions"] = self.mentions(text)
            if self.r.random() < 0.3:
                row["title"] = self.r.choice(["T", PAYLOADS[0], 5, None])
            if self.r.random() < 0.3:
                row["url"] = self.r.choice(["https://x.example", "javascript:alert(1)", 7])
            if row["id"] is None:
                del row["id"]
            line = json.dumps(row, ensure_ascii=self.r.random() < 0.5).encode()
            roll = self.r.random()
            if roll < 0.1:
                line = line[: self.r.randrange(len(line))]
            elif roll < 0.15:
                line = self.mutate(line)
            elif roll < 0.18:
                line = self.r.choice([b"[" * 5000, b'{"id": "n", "text": "x", "mentions": ' + b"9" * 5000 + b"}",
                                      b'{"id": "s", "text": "\\ud800 lone"}', b"\xff\xfe garbage", b"null", b"{}"])
            lines.append(line)
        return self.r.choice([b"\n", b"\r\n", b"\n\n"]).join(lines) + self.r.choice([b"", b"\n"])

    def mentions(self, text: str) -> list:
        out = []
        for _ in range(self.r.randint(0, 5)):
            if self.r.random() < 0.9 and text:
                s = self.r.randrange(len(text))
                out.append({"start": s, "end": self.r.randint(s + 1, min(len(text), s + 20))})
            else:
                out.append(self.r.choice([{"start": -1, "end": 3}, {"start": "1", "end": 2}, {"start": 5},
                                          {"start": 0, "end": 10**9}, [1, 2], {"start": True, "end": 2}]))
        for m in out:  # a place name at a valid span now and then
            if isinstance(m, dict) and text and self.r.random() < 0.2:
                for name in PLACES:
                    if name in text:
                        m.update(start=text.index(name), end=text.index(name) + len(name))
                        break
        return out

    def huge_line(self) -> tuple[str, bytes]:
        if self.r.random() < 0.5:  # resolution mode: no model, so it may be big
            text = self.news(self.r.randint(100_000, 400_000))
            row = {"id": "huge", "text": text, "mentions": self.mentions(text)}
            return ".jsonl", json.dumps(row).encode()
        # Through the model: lines that are huge but cheap to tag (long words, symbol runs).
        word, size = self.r.choice([("x" * 70_000, 210_000), ("\U0001f600", 30_000), ("!", 30_000),
                                    ("'\"", 30_000), ("e\u0301", 150_000), ("Damascus" + "-" * 5000 + " ", 150_000)])
        return ".txt", (word * (size // len(word) + 1)).encode()

    def case(self) -> tuple[str, bytes]:
        """(suffix, content) of one generated input."""
        kind = self.r.choices(
            ["bytes", "unicode", "news", "html", "markdown", "jsonl", "empty", "mutated", "huge"],
            weights=[12, 14, 14, 14, 10, 22, 4, 9, 0.5])[0]
        if kind == "bytes":
            return self.r.choice([".txt", ".html", ".md", ".jsonl", ""]), self.r.randbytes(self.r.randint(0, 3000))
        if kind == "unicode":
            return self.r.choice([".txt", ".md", ""]), self.encoded(self.unicode(self.r.randint(0, 250)))
        if kind == "news":
            text = "\n\n\n".join(self.news(self.r.randint(1, 40)) for _ in range(self.r.randint(1, 3)))
            return ".txt", self.encoded(text)
        if kind == "html":
            return self.r.choice([".html", ".htm"]), self.encoded(self.html())
        if kind == "markdown":
            return ".md", self.encoded(self.markdown())
        if kind == "jsonl":
            return ".jsonl", self.jsonl()
        if kind == "empty":
            return self.r.choice([".txt", ".jsonl", ".html"]), self.r.choice([b"", b" \n\t\r\n", b"\xef\xbb\xbf", b"\x00"])
        if kind == "mutated":
            suffix, data = self.r.choice([(".jsonl", self.jsonl()), (".html", self.html().encode()),
                                          (".txt", self.news(50).encode())])
            return suffix, self.mutate(data)
        return self.huge_line()


def argv_for(gen: Gen, inputs: list[str], tmp: Path) -> list[str]:
    r = gen.r
    # In this process, on the shared parser: a worker pool would hide exceptions behind its own.
    common = ["--workers", "1"] if "--workers" in EXTRACT_HELP else []
    if r.random() < 0.5:
        common += ["--on-error", "skip"]
    if r.random() < 0.2:
        common += ["--input-format", r.choice(["auto", "text", "html", "markdown"])]
    if r.random() < 0.04:
        return ["map", *inputs, *common, "-o", str(tmp / "out" / "map.html")]
    argv = ["extract", *inputs, *common, "-f", r.choice(["jsonl", "jsonl", "csv", "geojson"])]
    if r.random() < 0.3:
        argv += ["-o", str(tmp / "out" / "result.out")]
    return argv


def _extract_help() -> str:
    parser = geo.cli.build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    return sub.choices["extract"].format_help()


EXTRACT_HELP = _extract_help()


class Stdin:
    def __init__(self, data: bytes):
        self.buffer = io.BytesIO(data)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-n", "--inputs", type=int, default=10_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--crashes", type=Path, help="copy each crashing input here")
    args = ap.parse_args()

    parser = Geoparser()
    _ = parser.recognizer.nlp  # load the model now, not inside the first timed run
    geo.cli.parser_for = lambda _args: parser

    gen = Gen(random.Random(args.seed))
    codes: collections.Counter = collections.Counter()
    kinds: collections.Counter = collections.Counter()
    crashes, slow = [], []
    generated = runs = 0
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="geo-fuzz-") as tmpdir:
        tmp = Path(tmpdir)
        while generated < args.inputs:
            case_dir = tmp / "case"
            shutil.rmtree(case_dir, ignore_errors=True)
            case_dir.mkdir()
            inputs, stdin = [], None
            roll = gen.r.random()
            count = gen.r.randint(1, 4)  # several inputs per run: the model batches them
            for i in range(count):
                suffix, data = gen.case()
                kinds[suffix or "(none)"] += 1
                if roll > 0.97 and stdin is None:
                    stdin, inputs = data, inputs + ["-"]
                    continue
                folder = case_dir / "dir" if roll < 0.05 else case_dir
                folder.mkdir(exist_ok=True)
                path = folder / f"in{i}{suffix}"
                path.write_bytes(data)
                if folder == case_dir or str(folder) not in inputs:
                    inputs.append(str(folder if folder != case_dir else path))
            generated += count
            argv = argv_for(gen, inputs, tmp)
            out, err = io.StringIO(), io.StringIO()
            old_stdin = sys.stdin
            t0 = time.monotonic()
            try:
                sys.stdin = Stdin(stdin or b"")
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    code = geo.cli.main(argv)
            except BaseException as exc:  # noqa: BLE001 - anything escaping main is the finding
                code = f"exception {type(exc).__name__}"
                crashes.append((argv, "".join(traceback.format_exception(exc)[-3:])))
            finally:
                sys.stdin = old_stdin
            runs += 1
            codes[code] += 1
            if time.monotonic() - t0 > SLOW:
                slow.append((argv, round(time.monotonic() - t0, 1)))
            if code not in (0, 2) and not isinstance(code, str):
                crashes.append((argv, f"exit code {code}: {err.getvalue()[-500:]}"))
            errors = [line for line in err.getvalue().splitlines() if not line.startswith("geo: skipped: ")]
            if code == 2 and (len(errors) != 1 or not errors[0].startswith("geo: error: ")):
                crashes.append((argv, f"exit 2 without a one-line message: {err.getvalue()[-500:]!r}"))
            if crashes and args.crashes and crashes[-1][0] is argv:
                dest = args.crashes / f"crash{len(crashes)}"
                shutil.copytree(case_dir, dest, dirs_exist_ok=True)
                (dest / "argv.json").write_text(json.dumps(argv))
            if runs % 1000 == 0:
                print(f"... {generated} inputs, {runs} runs, {len(crashes)} crashes, "
                      f"{time.monotonic() - started:.0f} s", file=sys.stderr)

    elapsed = time.monotonic() - started
    print(f"inputs: {generated}  runs: {runs}  crashes: {len(crashes)}  slow runs (> {SLOW} s): {len(slow)}  "
          f"time: {elapsed:.0f} s")
    print("exit codes:", dict(codes))
    print("inputs by suffix:", dict(kinds))
    for argv, what in crashes[:10]:
        print("---", argv, "\n", what)
    for argv, seconds in slow[:10]:
        print("--- slow:", seconds, "s", argv)
    return 1 if crashes else 0


if __name__ == "__main__":
    sys.exit(main())
