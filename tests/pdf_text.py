"""What a printed page says and at what size, read from a PDF with poppler's ``pdftotext -bbox``.

Every word comes with its box. The printed size of text is measured from Japanese words: a kanji is one
em wide in every Japanese font, so a run of kanji gives its font size exactly (its width ÷ its length), and
the median ratio of box height to that size calibrates the heights of every other word of the same PDF
(digits, Latin text, kana in proportional fonts). Chromium draws synthetic bold in Type 3 fonts whose boxes
are taller than the text: a bold word without kanji reads larger than it is (never smaller).
"""

from __future__ import annotations

import html
import re
import statistics
import subprocess
from dataclasses import dataclass
from pathlib import Path

from tests.office import tool

_WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>')
_PAGE = re.compile(r'<page width="([\d.]+)" height="([\d.]+)">')
KANJI = re.compile(r"[\u4e00-\u9fff]{2,}")


@dataclass(frozen=True, slots=True)
class Word:
    page: int  # 1-based
    x0: float
    y0: float
    x1: float
    y1: float
    text: str
    size: float = 0.0  # printed size in points (see the module)

    @property
    def height(self) -> float:
        return self.y1 - self.y0


@dataclass(frozen=True)
class Page:
    number: int
    width: float
    height: float
    words: list[Word]

    @property
    def text(self) -> str:
        return " ".join(w.text for w in self.words)

    def smallest(self, n: int = 5) -> list[Word]:
        return sorted(self.words, key=lambda w: w.size)[:n]


def _em_ratio(words: list[Word]) -> float:
    """Box height ÷ font size, from the words that are runs of kanji only."""
    ratios = [w.height / ((w.x1 - w.x0) / len(w.text)) for w in words if KANJI.fullmatch(w.text)]
    assert ratios, "no Japanese text to measure the font size by"
    return statistics.median(ratios)


def pdf_words(pdf: Path) -> list[Page]:
    """Every page of ``pdf`` with its words and their printed sizes."""
    out = subprocess.run([tool("pdftotext"), "-bbox", str(pdf), "-"], capture_output=True, text=True,
                         timeout=120, check=True).stdout
    raw: list[tuple[float, float, list[Word]]] = []
    for n, chunk in enumerate(out.split("<page ")[1:], 1):
        size = _PAGE.match("<page " + chunk)
        assert size is not None
        words = [Word(n, float(a), float(b), float(c), float(d), html.unescape(t))
                 for a, b, c, d, t in _WORD.findall(chunk)]
        raw.append((float(size.group(1)), float(size.group(2)), words))
    ratio = _em_ratio([w for _w, _h, words in raw for w in words])
    return [Page(n, width, height, [Word(w.page, w.x0, w.y0, w.x1, w.y1, w.text, round(_size(w, ratio), 2))
                                    for w in words])
            for n, (width, height, words) in enumerate(raw, 1)]


def _size(word: Word, ratio: float) -> float:
    if KANJI.fullmatch(word.text):
        return (word.x1 - word.x0) / len(word.text)
    return word.height / ratio
