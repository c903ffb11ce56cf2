"""The worker pool (geo.parallel), the --workers / --quiet CLI options and the progress bar.

Most tests run in resolution mode (spans given) on the mini gazetteer, so the workers start
in about a second and load no model; one test runs the full model in a 2-worker pool.
"""
import io
import itertools
import json
import os
import pickle

import pytest
from conftest import SHARED

from geo import parallel
from geo.cli import main
from geo.errors import InputError
from geo.outputs.export import document_record
from geo.parallel import parse_parallel, portable
from geo.pipeline import Geoparser
from geo.progress import progress, wanted
from geo.types import Document

NAMES = ["Damascus", "Latakia", "Tartous", "Syria", "Xqzzyville", "Aleppo"]


def given(i: int) -> Document:
    """Document i: a few names, with their spans given (resolution mode, no model)."""
    names = [NAMES[(i + k) % len(NAMES)] for k in range(1 + i % 3)]
    text = f"Report {i}: " + ", then ".join(f"shelling near {n}" for n in names) + "."
    spans = tuple((text.index(n), text.index(n) + len(n)) for n in names)
    return Document(id=f"d{i}", text=text, title=f"Report {i}", mentions=spans)


@pytest.fixture(scope="module")
def mini_parser(mini_gazetteer):
    return Geoparser(mini_gazetteer)


@pytest.fixture
def pool_spy(monkeypatch):
    """Counts the pools parse_parallel starts."""
    calls = []
    real = parallel._pooled

    def spy(*args, **kwargs):
        calls.append(args[1])  # workers
        return real(*args, **kwargs)

    monkeypatch.setattr(parallel, "_pooled", spy)
    return calls


def records(results):
    return [document_record(r) for r in results]


def test_pool_output_equals_one_process_in_input_order(mini_parser, pool_spy):
    docs = [given(i) for i in range(41)]
    expected = records(mini_parser.parse_many(docs))
    got = list(parse_parallel(docs, workers=2, geoparser=mini_parser, chunk_size=3))
    assert pool_spy == [2]
    assert [r.document for r in got] == docs  # every document back, in order
    assert records(got) == expected
    assert any(m["name"] == "Latakia" for rec in expected for m in rec["mentions"])


def test_retired_workers_are_replaced_without_losing_order(mini_parser, monkeypatch):
    """Workers retire after MAX_CHUNKS_PER_WORKER chunks (spaCy's vocabulary only grows);
    their replacements carry on, and the output stays complete and in order."""
    monkeypatch.setattr(parallel, "MAX_CHUNKS_PER_WORKER", 2)
    docs = [given(i) for i in range(36)]
    got = list(parse_parallel(docs, workers=2, geoparser=mini_parser, chunk_size=4))
    assert records(got) == records(mini_parser.parse_many(docs))


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status") as f:
            return not any(line.startswith("State:") and "Z" in line for line in f)
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc"), reason="needs /proc")
def test_workers_do_not_outlive_a_killed_parent(tmp_path, mini_gazetteer):
    import subprocess
    import sys
    import time

    script = tmp_path / "killed.py"
    script.write_text(f"""
import multiprocessing, os, signal, sys
from geo.gazetteer.index import Gazetteer
from geo.parallel import parse_parallel
from geo.pipeline import Geoparser
from geo.types import Document

if __name__ == "__main__":
    gazetteer = Gazetteer({str(mini_gazetteer.index_path)!r}, [])
    docs = (Document(id=str(i), text="Near Damascus.", mentions=((5, 13),)) for i in range(10**6))
    results = parse_parallel(docs, workers=2, geoparser=Geoparser(gazetteer), chunk_size=2)
    next(results)
    print(" ".join(str(p.pid) for p in multiprocessing.active_children()), flush=True)
    os.kill(os.getpid(), signal.SIGKILL)
""")
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=120)
    pids = [int(p) for p in proc.stdout.split()]
    assert len(pids) == 2, proc.stderr
    deadline = time.monotonic() + 20
    while any(_alive(p) for p in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(p) for p in pids)


def test_an_interrupted_run_ends_its_busy_workers_at_once(tmp_path, mini_gazetteer):
    """Ctrl-C or SIGTERM (a KeyboardInterrupt in the parent) while workers are in the middle of
    chunks that would take minutes: the workers are ended, not waited for."""
    import subprocess
    import sys

    script = tmp_path / "interrupted.py"
    script.write_text(f"""
import multiprocessing, signal, time
from geo.gazetteer.index import Gazetteer
from geo.parallel import parse_parallel
from geo.pipeline import Geoparser
from geo.types import Document


class Slow(Geoparser):
    def parse_many(self, documents, **kwargs):
        time.sleep(300)  # a chunk that takes minutes
        return super().parse_many(documents, **kwargs)


def interrupt(signum, frame):
    raise KeyboardInterrupt


if __name__ == "__main__":
    gazetteer = Gazetteer({str(mini_gazetteer.index_path)!r}, [])
    docs = [Document(id=str(i), text="Near Damascus.", mentions=((5, 13),)) for i in range(100)]
    signal.signal(signal.SIGALRM, interrupt)
    signal.alarm(5)  # the workers have started their chunks by then
    try:
        list(parse_parallel(docs, workers=2, geoparser=Slow(gazetteer), chunk_size=2))
    except KeyboardInterrupt:
        print("interrupted", len(multiprocessing.active_children()), flush=True)
""")
    # A guard: waiting for the chunks would take 300 s.
    proc = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=90)
    assert proc.stdout == "interrupted 0\n", proc.stderr


def test_workers_1_and_small_inputs_stay_in_process(mini_parser, pool_spy):
    docs = [given(i) for i in range(5)]
    expected = records(mini_parser.parse_many(docs))
    assert records(parse_parallel(docs, workers=1, geoparser=mini_parser, chunk_size=1)) == expected
    assert records(parse_parallel(docs, workers=2, geoparser=mini_parser, chunk_size=3)) == expected
    assert records(parse_parallel([], workers=2, geoparser=mini_parser)) == []
    assert pool_spy == []
    with pytest.raises(ValueError):
        list(parse_parallel(docs, workers=0, geoparser=mini_parser))


def test_pool_streams_an_endless_input(mini_parser):
    """Results come while the input is still being read, and the reader stays only a
    bounded window ahead: an input of any size never sits in memory."""
    consumed = []

    def endless():
        for i in itertools.count():
            consumed.append(i)
            yield given(i)

    results = parse_parallel(endless(), workers=2, geoparser=mini_parser, chunk_size=2)
    first = list(itertools.islice(results, 30))
    assert [r.document.id for r in first] == [f"d{i}" for i in range(30)]
    # At most 2 * workers chunks in flight, plus the chunk being read.
    assert len(consumed) <= 30 + (2 * 2 + 1) * 2 + 1
    results.close()  # stops the pool


def test_bad_input_mid_stream_yields_what_came_before_then_raises(mini_parser):
    def documents():
        for i in range(40):
            if i == 25:
                raise InputError("in.jsonl: line 26: not valid JSON")
            yield given(i)

    seen = []
    with pytest.raises(InputError, match="line 26"):
        for result in parse_parallel(documents(), workers=2, geoparser=mini_parser, chunk_size=2):
            seen.append(result.document.id)
    assert seen == [f"d{i}" for i in range(25)]


def test_a_failing_document_in_a_worker(mini_parser):
    docs = [given(i) for i in range(20)]
    docs[13] = Document(id="bad", text=None, mentions=((0, 3),))  # type: ignore[arg-type]
    skipped = list(parse_parallel(docs, workers=2, geoparser=mini_parser, chunk_size=2, on_error="skip"))
    assert [r.document.id for r in skipped] == [d.id for d in docs]
    assert skipped[13].error and "bad" in skipped[13].error
    good = [i for i in range(20) if i != 13]
    assert records(skipped[i] for i in good) == records(mini_parser.parse_many(docs[i] for i in good))
    with pytest.raises(TypeError):
        list(parse_parallel(docs, workers=2, geoparser=mini_parser, chunk_size=2))


def test_portable_parser_leaves_a_loaded_model_behind(geoparser):
    geoparser.recognizer.nlp  # loaded in this process
    clone = portable(geoparser)
    assert len(pickle.dumps(clone)) < 1_000_000  # the model is not shipped to the workers
    assert "nlp" in vars(geoparser.recognizer)  # the original keeps its model


@pytest.mark.skipif(not (SHARED / "corpora" / "trnews.xml").exists(), reason="corpora not present")
def test_full_model_pool_equals_one_process(geoparser, pool_spy):
    from geo.evaluation.corpora import read_corpus

    gold = read_corpus(SHARED / "corpora" / "trnews.xml")[:10]
    docs = [Document(id=d.id, text=d.text, title=d.title) for d in gold]
    expected = records(geoparser.parse_many(docs))
    got = records(parse_parallel(docs, workers=2, geoparser=geoparser, chunk_size=2, batch_size=2))
    assert pool_spy == [2]
    assert got == expected
    assert sum(len(r["mentions"]) for r in got) > 20


def test_cli_workers_output_equals_one_process(tmp_path, capsys):
    path = tmp_path / "in.jsonl"
    with path.open("w", encoding="utf-8") as f:
        for i in range(40):
            d = given(i)
            f.write(json.dumps({"id": d.id, "text": d.text, "mentions": [
                {"start": s, "end": e} for s, e in d.mentions]}) + "\n")
    outs = []
    for workers in ("1", "2"):
        code = main(["extract", str(path), "--workers", workers, "--quiet"])
        out, err = capsys.readouterr()
        assert code == 0, err
        assert err == ""  # no progress bar: stderr is not a terminal
        outs.append(out)
    assert outs[0] == outs[1]
    assert [json.loads(line)["id"] for line in outs[1].splitlines()] == [f"d{i}" for i in range(40)]
    assert main(["extract", str(path), "--workers", "0"]) == 2
    assert "--workers" in capsys.readouterr().err


def test_progress_bar_only_when_wanted():
    assert not wanted(io.StringIO())  # not a terminal
    assert not wanted(quiet=True)

    class Tty(io.StringIO):
        def isatty(self):
            return True

    assert wanted(Tty())
    stream = Tty()
    assert list(progress(iter(range(7)), stream=stream, delay=0)) == list(range(7))
    assert "7" in stream.getvalue() and "doc" in stream.getvalue()
    quiet = Tty()
    assert list(progress(range(3), enabled=False, stream=quiet)) == [0, 1, 2]
    assert quiet.getvalue() == ""


def test_default_workers_is_every_core():
    assert 1 <= parallel.default_workers() <= (os.cpu_count() or 1)
