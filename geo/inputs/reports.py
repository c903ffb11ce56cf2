"""What the report readers (PDF, Word) share: a report's metadata and its text page by page."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Report:
    """A report's metadata and its text, page by page (`pages[k]` is page k+1; a Word file
    is one "page")."""

    title: str = ""
    date: str = ""
    author: str = ""
    pages: list[str] = field(default_factory=list)



def one_line(value: object) -> str:
    return " ".join(str(value).split()) if value else ""
