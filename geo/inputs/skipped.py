"""What an input that could not be read becomes with `on_error="skip"`: a stand-in that keeps
its id and place in the output and says what was wrong, so that one bad file never ends a run
of many."""
from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from geo.errors import InputError
from geo.types import Document


@dataclass(frozen=True, slots=True)
class UnreadableDocument(Document):
    """Stands in for an input that could not be read (with `on_error="skip"`): it keeps the
    input's id and place in the output, and `error` says what was wrong."""

    error: str = ""



def guarded(documents: Iterator[Document], doc_id: str, source: str, on_error: str) -> Iterator[Document]:
    """The documents of one input; with `on_error="skip"` a failure becomes an UnreadableDocument."""
    try:
        yield from documents
    except InputError as exc:
        if on_error != "skip":
            raise
        yield UnreadableDocument(id=doc_id, text="", source=source, error=str(exc))
