"""The Dask path (geo.distributed) on a local 2-process cluster: its records are exactly the
lines `geo extract` writes for the same input."""
import json

import pytest

pytest.importorskip("dask.bag")
distributed = pytest.importorskip("distributed")

from geo import distributed as geo_dask  # noqa: E402
from geo.cli import main  # noqa: E402
from geo.types import Document  # noqa: E402

ARTICLES = [
    "Russia keeps its air base at Hmeimim, near Latakia, and its naval base at Tartous.",
    "Protests spread from Tunis to Sfax on Friday, and on to Sousse by the weekend.",
    "Flooding closed roads between Alexandria, Virginia, and Washington.",
    "The delegation flew from Kabul to Islamabad before talks in Doha.",
    "Nothing here names a place at all.",
]


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        with distributed.Client(cluster) as c:
            yield c


@pytest.fixture(scope="module")
def jsonl(tmp_path_factory):
    path = tmp_path_factory.mktemp("dask") / "news.jsonl"
    lines = [{"id": f"a{i}", "title": f"Article {i}", "text": t} for i, t in enumerate(ARTICLES)]
    lines[3].pop("id")  # named by geo extract after its line: news:4
    text = lines[1]["text"]
    lines.append({"id": "given", "text": text, "mentions": [  # resolution mode
        {"start": text.index("Sfax"), "end": text.index("Sfax") + 4}]})
    path.write_text("".join(json.dumps(l) + "\n" for l in lines), encoding="utf-8")
    return path


def geo_extract(path, capsys):
    assert main(["extract", str(path), "--workers", "1", "--quiet"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


def test_bag_of_jsonl_equals_geo_extract(client, jsonl, capsys):
    expected = geo_extract(jsonl, capsys)
    assert len(expected) == 6 and expected[3]["id"] == "news:4"
    records = geo_dask.extract(geo_dask.read_jsonl(jsonl).repartition(npartitions=3)).compute()
    assert records == expected
    assert any(m["name"] == "Latakia" for m in records[0]["mentions"])
    # The work ran on the cluster's worker processes, each with its own parser.
    assert sum(client.run(lambda: bool(geo_dask._parsers)).values()) >= 1


def test_bag_of_documents_and_dicts(client, jsonl, capsys):
    import dask.bag as db

    expected = geo_extract(jsonl, capsys)
    objects = [json.loads(line) for line in jsonl.read_text(encoding="utf-8").splitlines()]
    objects[3]["id"] = "news:4"
    documents = [Document(id=o["id"], text=o["text"], title=o.get("title", ""),
                          mentions=tuple((m["start"], m["end"]) for m in o["mentions"]) if "mentions" in o else None)
                 for o in objects]
    assert geo_dask.extract(db.from_sequence(documents, npartitions=2)).compute() == expected
    assert geo_dask.extract(db.from_sequence(objects, npartitions=4)).compute() == expected


def test_preload_warms_every_worker(client):
    geo_dask.preload(client)
    loaded = client.run(lambda: all("nlp" in vars(p.recognizer) for p in geo_dask._parsers.values()))
    assert len(loaded) == 2 and all(loaded.values())
