"""Stage 1, inputs: files, folders, stdin, URLs, text, HTML, Markdown, feeds, PDF, Word and
JSONL become `Document`s.

Everything that turns bytes into text lives here (one reader per format behind the dispatch
in `read.py`; decoding, article splitting, markup stripping), so that later stages see only
`Document`s with offsets into their `text`. Every bound on the work an input may cause is in
`limits.py`.
"""
from geo.inputs.read import read_inputs

__all__ = ["read_inputs"]
