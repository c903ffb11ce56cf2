"""Scale out with Dask: geoparse a `dask.bag` of documents on a cluster.

    >>> import dask.bag as db
    >>> from distributed import Client
    >>> from geo import distributed as geo_dask
    >>> client = Client("tcp://scheduler:8786")         # or Client() for a local cluster
    >>> docs = geo_dask.read_jsonl("s3://news/2024-*.jsonl", blocksize="64MiB")
    >>> records = geo_dask.extract(docs)                  # a bag of `geo extract` JSONL records
    >>> records.map(json.dumps).to_textfiles("out/part-*.jsonl")

`extract` maps each partition through one `Geoparser` per worker process, created on first
use and then kept (module state, one per configuration): the language model loads
once per worker, not once per task, and spaCy batches the documents of a partition. Each
record is exactly what `geo extract` writes for the document (`geo.outputs.export.document_record`).

The gazetteer: each worker process opens the SQLite index (compiled when geo was installed,
or in its cache directory, `$GEO_CACHE_DIR`, default `~/.cache/geo`) read-only; the processes
of one host share it through the OS page cache. A worker that finds no up-to-date index
builds it once from the gazetteer CSV files (the shipped `gazetteer.csv` plus `gazetteers`,
paths as the *workers* see them; those go into a copy of the shipped index); point
`GEO_CACHE_DIR` at a shared or pre-filled folder to skip that.

Run workers with one thread each (`dask worker --nworkers N --nthreads 1`): the work holds
the GIL, so the threads of one worker process share its parser one partition at a time.
"""
from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from geo.outputs.export import document_record
from geo.types import Document

if TYPE_CHECKING:  # pragma: no cover
    import dask.bag

    from geo.pipeline import Geoparser

BATCH_SIZE = 16

_parsers: dict[tuple[tuple[str, ...], bool], "Geoparser"] = {}  # per process, by configuration
_locks: dict[tuple[tuple[str, ...], bool], threading.Lock] = {}
_guard = threading.Lock()


def worker_parser(gazetteers: Sequence[str] = (), demonyms: bool = True) -> "Geoparser":
    """This process's parser for this configuration, built on first use and then kept."""
    return _parser_and_lock(gazetteers, demonyms)[0]


def _parser_and_lock(gazetteers: Sequence[str], demonyms: bool) -> tuple["Geoparser", threading.Lock]:
    from geo.pipeline import Geoparser

    key = (tuple(str(g) for g in gazetteers), demonyms)
    with _guard:
        parser = _parsers.get(key)
        if parser is None:
            parser = _parsers[key] = Geoparser(gazetteers=list(key[0]), demonyms=demonyms)
            _locks[key] = threading.Lock()
        return parser, _locks[key]


def as_document(item: Document | dict[str, Any] | str, index: int = 0) -> Document:
    """A bag element as a `Document`: one already, a JSONL object (dict), or a JSONL line."""
    if isinstance(item, Document):
        return item
    from geo.inputs.read import parse_jsonl_line

    raw = item if isinstance(item, str) else json.dumps(item, ensure_ascii=False)
    return parse_jsonl_line(raw, "<bag>", index)


def parse_partition(
    items: Iterable[Document | dict[str, Any] | str], *, gazetteers: Sequence[str] = (),
    demonyms: bool = True, batch_size: int = BATCH_SIZE, on_error: str = "fail",
) -> list[dict[str, Any]]:
    """`geo extract` records for one partition, in order (runs on the workers)."""
    parser, lock = _parser_and_lock(gazetteers, demonyms)
    documents = (as_document(item, i) for i, item in enumerate(items, start=1))
    with lock:  # a worker with several threads shares one model: one partition at a time
        return [
            document_record(result)
            for result in parser.parse_many(documents, batch_size=batch_size, on_error=on_error)
        ]


def extract(
    documents: "dask.bag.Bag", *, gazetteers: Sequence[str | Path] = (), demonyms: bool = True,
    batch_size: int = BATCH_SIZE, on_error: str = "fail",
) -> "dask.bag.Bag":
    """A bag of `geo extract` JSONL records (dicts), one per document, in the bag's order.

    `documents` holds `geo.Document`s, JSONL objects (dicts with "id", "text", ...) or JSONL
    lines. `gazetteers` are extra gazetteer CSVs, as paths the workers can read.
    """
    return documents.map_partitions(
        parse_partition, gazetteers=tuple(str(g) for g in gazetteers), demonyms=demonyms,
        batch_size=batch_size, on_error=on_error,
    )


def read_jsonl(urlpath: str | Path | Sequence[str | Path], *, blocksize: int | str | None = None,
               **storage_options: Any) -> "dask.bag.Bag":
    """A bag of `Document`s from JSONL files (local paths, globs, or any fsspec URL).

    With `blocksize=None`, one partition per file and the same document ids as `geo extract`
    (lines without an "id" are named `<file stem>:<line>`). With a blocksize ("64MiB"), big
    files split into many partitions; then give every line an "id".
    """
    import dask.bag as db

    paths = [str(p) for p in urlpath] if isinstance(urlpath, (list, tuple)) else str(urlpath)
    lines = db.read_text(paths, blocksize=blocksize, include_path=True, **storage_options)
    return lines.map_partitions(_documents, numbered=blocksize is None)


def _documents(lines: Iterable[tuple[str, str]], numbered: bool) -> Iterator[Document]:
    from geo.inputs.read import parse_jsonl_line

    for line_no, (line, path) in enumerate(lines, start=1):
        if line.strip():
            yield parse_jsonl_line(line, path, line_no if numbered else 0)


def preload(client: Any, *, gazetteers: Sequence[str | Path] = (), demonyms: bool = True) -> None:
    """Build every worker's parser and load its model now (optional: else on first task)."""
    key = tuple(str(g) for g in gazetteers)

    def warm() -> bool:
        worker_parser(key, demonyms).recognizer.nlp
        return True

    client.run(warm)
