"""The `geo` command: a thin shell over the public API.

Every expected failure is a `GeoError`, reported as one line on stderr with exit code 2.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import IO

from .errors import GeoError

DEFAULT_MAP = Path("output") / "map.html"
EXIT_ERROR = 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.func(args) or 0
    except GeoError as exc:
        print(f"geo: error: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("geo: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # The reader of our stdout went away (`geo extract ... | head`): not an error.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geo",
        description="Find the places news articles mention, resolve them, and map them.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("inputs", nargs="+", metavar="INPUT",
                       help="text file (may hold several articles), folder, '-' for stdin, or .jsonl")
        gazetteer_option(p)

    p = command("map", cmd_map, "Draw an interactive map of the places the inputs mention.")
    inputs(p)
    p.add_argument("-o", "--output", type=Path, default=DEFAULT_MAP,
                   help=f"map file to write (default: {DEFAULT_MAP})")

    p = command("extract", cmd_extract, "Write the mentions and their places as JSONL, GeoJSON or CSV.")
    inputs(p)
    p.add_argument("-f", "--format", choices=("jsonl", "geojson", "csv"), default="jsonl",
                   help="output format (default: jsonl)")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    p = command("resolve", cmd_resolve, "Show the best gazetteer candidates for a place name.")
    p.add_argument("name", help="the place name, e.g. Tartous")
    p.add_argument("--context", default="", help="text the name appeared in, to rank by")
    p.add_argument("-n", "--limit", type=int, default=5, help="candidates to show (default: 5)")
    gazetteer_option(p)

    p = command("eval", cmd_eval, "Score geo on annotated corpora (LGL, TR-News, GeoVirus XML).")
    p.add_argument("corpora", nargs="+", metavar="CORPUS.xml", type=Path)
    p.add_argument("--mode", choices=("resolution", "e2e", "both"), default="both",
                   help="resolution: gold spans given; e2e: geo finds the spans (default: both)")
    p.add_argument("--errors", type=Path, metavar="FILE",
                   help="write every miss as JSONL, for error analysis")
    gazetteer_option(p)

    gaz = command("gazetteer", lambda a: gaz.print_help() or EXIT_ERROR, "Inspect the gazetteer.")
    gsub = gaz.add_subparsers(dest="action", metavar="ACTION")
    p = gsub.add_parser("info", help="sources, counts by feature type, build date")
    p.set_defaults(func=cmd_gazetteer_info)
    gazetteer_option(p)
    p = gsub.add_parser("search", help="the candidates for a name, as the resolver sees them")
    p.add_argument("name")
    p.add_argument("-n", "--limit", type=int, default=20)
    p.set_defaults(func=cmd_gazetteer_search)
    gazetteer_option(p)
    return parser


def gazetteer_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gazetteer", action="append", default=[], type=Path, metavar="PATH",
                   help="extra gazetteer CSV that adds or overrides places (repeatable; "
                        "also $GEO_GAZETTEER)")


# -- commands --------------------------------------------------------------------------


def parser_for(args: argparse.Namespace):
    from .pipeline import Geoparser

    return Geoparser(gazetteers=args.gazetteer)


def parse_inputs(args: argparse.Namespace) -> Iterator:
    from .read import read_inputs

    return parser_for(args).parse_many(read_inputs(args.inputs))


def cmd_map(args: argparse.Namespace) -> int:
    from .render import build_map, save_map

    results = list(parse_inputs(args))
    places = {r.place.id for res in results for r in res.resolutions if r.place}
    m = build_map(results)
    for path in save_map(m, args.output):
        print(f"wrote {path} ({len(places)} places from {len(results)} documents)", file=sys.stderr)
    return 0


def cmd_extract(args: argparse.Namespace) -> int:
    from .export import WRITERS

    writer = WRITERS[args.format]
    results = parse_inputs(args)
    with output_stream(args.output) as out:
        writer(results, out)
    return 0


@contextlib.contextmanager
def output_stream(path: Path | None) -> Iterator[IO[str]]:
    if path is None:
        yield sys.stdout
        sys.stdout.flush()
        return
    from .atomic import atomic_write

    with atomic_write(path) as out:
        yield out


def cmd_resolve(args: argparse.Namespace) -> int:
    candidates = parser_for(args).rank(args.name, args.context)
    if not candidates:
        print(f"no gazetteer entry for {args.name!r}", file=sys.stderr)
        return 1
    for c in candidates[: args.limit]:
        print_candidate(c)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from .corpora import corpus_name, read_corpus
    from .evaluate import evaluate, format_table, write_errors

    corpora = [(corpus_name(path), read_corpus(path)) for path in args.corpora]
    geoparser = parser_for(args)
    reports, errors = {}, []
    for name, docs in corpora:
        report = evaluate(docs, geoparser.parse, mode=args.mode)
        reports[name] = report
        errors += report.errors
    print(format_table(reports), end="")
    if args.errors:
        count = write_errors(args.errors, errors)
        print(f"wrote {count} error records to {args.errors}", file=sys.stderr)
    return 0


def cmd_gazetteer_info(args: argparse.Namespace) -> int:
    from .gazetteer import Gazetteer

    print(json.dumps(Gazetteer.load(args.gazetteer).stats(), indent=2, ensure_ascii=False))
    return 0


def cmd_gazetteer_search(args: argparse.Namespace) -> int:
    from .gazetteer import Gazetteer

    candidates = Gazetteer.load(args.gazetteer).candidates(args.name)
    if not candidates:
        print(f"no gazetteer entry for {args.name!r}", file=sys.stderr)
        return 1
    for c in candidates[: args.limit]:
        print_candidate(c)
    return 0


def print_candidate(c) -> None:
    p = c.place
    print(json.dumps({
        "score": c.score, "name": p.name, "alias": c.alias, "demonym": c.demonym,
        "lat": p.lat, "lon": p.lon, "country_code": p.country_code, "admin1": p.admin1,
        "feature_code": p.feature_code, "population": p.population, "gazetteer_id": p.id,
        "source": p.source,
    }, ensure_ascii=False))


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
