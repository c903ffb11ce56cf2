"""The command line against an unlucky or hostile user: outputs that name an input, limits as
flags, and signals (one line, the right exit code, no temporary file, earlier output kept)."""
import os
import signal
import subprocess
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from conftest import ROOT

from geo.cli import build_parser, main
from geo.inputs.limits import FLAGS


def run(capsys, *argv):
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def article(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text("Talks in Geneva.", encoding="utf-8")
    return path


@pytest.mark.parametrize("command", ["extract", "map"])
def test_an_output_that_is_an_input_is_refused_before_any_work(tmp_path, capsys, article, command, monkeypatch):
    import geo.cli

    monkeypatch.setattr(geo.cli, "parser_for", lambda args: pytest.fail("work started"))
    hard = tmp_path / "hard.txt"
    os.link(article, hard)
    soft = tmp_path / "soft.txt"
    soft.symlink_to(article)
    monkeypatch.chdir(tmp_path)
    for output in (article, "./story.txt", f"../{tmp_path.name}/story.txt", hard, soft):
        code, out, err = run(capsys, command, article, "-o", output)
        assert code == 2 and out == "" and err.count("\n") == 1
        assert "the output is one of the inputs" in err
        assert article.read_text(encoding="utf-8") == "Talks in Geneva."
    urls = tmp_path / "urls.txt"
    urls.write_text("https://example.org/\n", encoding="utf-8")
    code, _, err = run(capsys, command, "--urls", urls, "-o", urls)
    assert code == 2 and "the output is one of the inputs" in err
    assert urls.read_text(encoding="utf-8") == "https://example.org/\n"


def test_an_output_inside_an_input_folder_of_its_kind_is_refused(tmp_path, capsys, article, monkeypatch):
    import geo.cli

    monkeypatch.setattr(geo.cli, "parser_for", lambda args: pytest.fail("work started"))
    code, _, err = run(capsys, "map", tmp_path, "-o", tmp_path / "map.html")
    assert code == 2 and "lies in the input folder" in err
    code, _, err = run(capsys, "extract", tmp_path, "-o", tmp_path / "sub" / "out.jsonl")
    assert code == 2 and "lies in the input folder" in err and not (tmp_path / "sub").exists()


def test_every_limit_is_a_flag_in_help_and_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in ("extract", "map"):
        sub = next(a for a in build_parser()._actions if a.dest == "command").choices[name]
        text = sub.format_help()
        for flag in FLAGS:
            assert flag in text, (name, flag)
    for flag in FLAGS:
        assert f"`{flag}" in readme, flag


def test_a_limit_must_be_positive(capsys, article):
    code, _, err = run(capsys, "extract", article, "--max-pdf-pages", "0")
    assert (code, err) == (2, "geo: error: --max-pdf-pages must be positive, not 0\n")


# -- signals ----------------------------------------------------------------------------------


class Drip(BaseHTTPRequestHandler):
    """Headers at once, then a byte a second: geo is busy fetching when the signal comes."""

    asked = threading.Event()

    def log_message(self, *args):
        pass

    def do_GET(self):
        Drip.asked.set()
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.end_headers()
        try:
            for _ in range(120):
                self.wfile.write(b"x")
                self.wfile.flush()
                time.sleep(1)
        except OSError:
            pass


@pytest.fixture
def drip_server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Drip)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    Drip.asked.clear()
    yield f"http://127.0.0.1:{httpd.server_port}/slow"
    httpd.shutdown()
    httpd.server_close()


@pytest.mark.parametrize("signum, code, line", [(signal.SIGTERM, 143, "geo: terminated"),
                                                (signal.SIGINT, 130, "geo: interrupted")])
@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_signal_stops_geo_cleanly_and_keeps_the_earlier_output(tmp_path, drip_server, signum, code, line, fmt):
    out = tmp_path / f"out.{fmt}"
    out.write_text("earlier output\n", encoding="utf-8")
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "geo", "extract", drip_server, "-f", fmt, "-o", str(out),
                             "--workers", "1", "--fetch-timeout", "300"],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert Drip.asked.wait(timeout=120), "geo never fetched"
        time.sleep(0.5)
        assert any(p.suffix == ".part" for p in tmp_path.iterdir())  # geo is writing: a temporary file
        proc.send_signal(signum)
        stdout, stderr = proc.communicate(timeout=30)  # a guard: it should take a moment
    finally:
        proc.kill()
    assert proc.returncode == code and stderr == line + "\n" and stdout == ""
    assert out.read_text(encoding="utf-8") == "earlier output\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == [out.name]
