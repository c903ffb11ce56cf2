"""Stage 1, inputs: files, folders, stdin, JSONL, HTML and Markdown become `Document`s.

Everything that turns bytes into text lives here (decoding, article splitting, markup
stripping), so that later stages see only `Document`s with offsets into their `text`.
"""
from geo.inputs.read import read_inputs

__all__ = ["read_inputs"]
