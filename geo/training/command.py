"""`geo train ...`: the command line of the training room (argparse only at import time)."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

from geo.errors import GeoError


def add_arguments(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser(
        "recognizer", help="the model that decides which candidate spans are places",
        description="Train the recognizer's place-or-not model on annotated documents (what `geo eval` "
                    "reads: LGL, TR-News, GeoVirus XML, conflict-set JSONL), with name-substituted copies "
                    "and generated negatives; report k-fold cross-validated and training-set figures; "
                    "write the model. Deterministic for a given seed; CPU only.")
    p.add_argument("data", nargs="*", type=Path, metavar="CORPUS",
                   help="annotated files (default: the dev corpora in ../shared/corpora/)")
    p.add_argument("-o", "--output", type=Path, metavar="PATH",
                   help="model file to write (default: the one shipped in the package); use it with "
                        "`geo map/extract --recognizer PATH`")
    p.add_argument("--folds", type=int, default=5, metavar="K",
                   help="cross-validation folds, by document within each corpus (default: 5; 1: none)")
    p.add_argument("--copies", type=int, default=2, metavar="N",
                   help="name-substituted copies of each document (default: 2)")
    p.add_argument("--seed", type=int, default=13, help="seed of every random choice (default: 13)")
    p.add_argument("--errors", type=Path, metavar="FILE",
                   help="write every cross-validated miss as JSONL (the records of `geo eval --errors`)")
    p.add_argument("--gazetteer", action="append", default=[], type=Path, metavar="PATH",
                   help="extra gazetteer CSV for candidates and substitute names (repeatable)")
    p.set_defaults(func=train_recognizer)

    p = sub.add_parser(
        "resolver", help="the ranker that chooses among a mention's gazetteer candidates",
        description="Train the resolver's ranker on annotated documents (the same files as `geo train "
                    "recognizer`), given their gold spans: every gazetteer candidate of a gold span is an "
                    "example, right when it lies within the gold point's tolerance; report k-fold "
                    "cross-validated and training-set figures; write the model. Deterministic; CPU only.")
    p.add_argument("data", nargs="*", type=Path, metavar="CORPUS",
                   help="annotated files (default: the dev corpora in ../shared/corpora/)")
    p.add_argument("-o", "--output", type=Path, metavar="PATH",
                   help="model file to write (default: the one shipped in the package); use it with "
                        "`geo map/extract --resolver PATH`")
    p.add_argument("--folds", type=int, default=5, metavar="K",
                   help="cross-validation folds, by document within each corpus (default: 5; 1: none)")
    p.add_argument("--seed", type=int, default=13, help="seed of every random choice (default: 13)")
    p.add_argument("--errors", type=Path, metavar="FILE",
                   help="write every cross-validated miss as JSONL (the records of `geo eval --errors`)")
    p.add_argument("--gazetteer", action="append", default=[], type=Path, metavar="PATH",
                   help="extra gazetteer CSV for candidates (repeatable)")
    p.set_defaults(func=train_resolver)

    p = sub.add_parser(
        "languages", help="the model that decides which French, Russian and Arabic proposals are places",
        description="Train the place-or-not model of the French, Russian and Arabic recognisers on annotated "
                    "paragraphs (JSON Lines with `lang`, as multilingual-dev), with renamed copies and generated "
                    "negatives in each language; report k-fold cross-validated and training-set figures per "
                    "language; write the model. Deterministic for a given seed; CPU only.")
    p.add_argument("data", nargs="*", type=Path, metavar="CORPUS",
                   help="annotated files (default: ../shared/corpora/multilingual-dev.jsonl)")
    p.add_argument("-o", "--output", type=Path, metavar="PATH",
                   help="model file to write (default: the one shipped in the package)")
    p.add_argument("--copies", type=int, default=3, metavar="N",
                   help="renamed copies of each paragraph (default: 3; the languages have fewer paragraphs)")
    for flag in ("--folds", "--seed", "--errors", "--gazetteer"):
        p._add_action(next(a for a in sub.choices["recognizer"]._actions if flag in a.option_strings))
    p.set_defaults(func=train_languages)


def train_recognizer(args: argparse.Namespace) -> int:
    from geo.gazetteer.index import Gazetteer
    from geo.recognize.model import DEFAULT_PATH
    from geo.training.recognizer import train

    if args.copies < 0:
        raise GeoError("--copies must be at least 0")
    data = _data(args)
    train(data, args.output or DEFAULT_PATH, folds=args.folds, copies=args.copies, seed=args.seed,
          gazetteer=Gazetteer.load(args.gazetteer), errors=args.errors,
          progress=lambda line: print(line, file=sys.stderr))
    return 0


def train_resolver(args: argparse.Namespace) -> int:
    from geo.gazetteer.index import Gazetteer
    from geo.resolve.ranker import DEFAULT_PATH
    from geo.training.resolver import train

    data = _data(args)
    train(data, args.output or DEFAULT_PATH, folds=args.folds, seed=args.seed,
          gazetteer=Gazetteer.load(args.gazetteer), errors=args.errors,
          progress=lambda line: print(line, file=sys.stderr))
    return 0


def _data(args: argparse.Namespace) -> list[Path]:
    """The training files named, or the dev corpora; one line for what is missing."""
    from geo.training.examples import default_data

    if args.folds < 1:
        raise GeoError("--folds must be at least 1")
    data = args.data or default_data()
    missing = [str(p) for p in data if not p.is_file()]
    if missing:
        raise GeoError(f"no such training file: {missing[0]}" + ("" if args.data else
                       " (the dev corpora are looked for in ../shared/corpora/; name your files)"))
    return data


def train_languages(args: argparse.Namespace) -> int:
    from geo.gazetteer.index import Gazetteer
    from geo.recognize.languages.learned import DEFAULT_PATH
    from geo.training.languages import default_data, train_languages as train

    if args.folds < 1 or args.copies < 0:
        raise GeoError("--folds must be at least 1 and --copies at least 0")
    data = args.data or default_data()
    missing = [str(p) for p in data if not p.is_file()]
    if missing:
        raise GeoError(f"no such training file: {missing[0]}")
    train(data, args.output or DEFAULT_PATH, folds=args.folds, copies=args.copies, seed=args.seed,
          gazetteer=Gazetteer.load(args.gazetteer), errors=args.errors,
          progress=lambda line: print(line, file=sys.stderr))
    return 0
