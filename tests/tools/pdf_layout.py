"""Measurements of a PDF's pages for handout's tests, with pdfminer.six.

    python3 pdf_layout.py sizes FILE         every character's font size as printed, per page
    python3 pdf_layout.py lines FILE PAGE    each text line: its box (y up), its largest type, its text
                                             in visual order (left to right), and its place in
                                             its block (paragraph)
    python3 pdf_layout.py shapes FILE PAGE   the boxes of filled shapes (rectangles, paths)

Output is JSON on stdout.
"""
import json
import sys

from pdfminer.high_level import extract_pages
from pdfminer.layout import LAParams, LTChar, LTCurve, LTTextBox, LTTextLine


def walk(item):
    yield item
    if hasattr(item, "__iter__"):
        for child in item:
            yield from walk(child)


def pages(path, page=None):
    numbers = None if page is None else [int(page) - 1]
    yield from extract_pages(path, page_numbers=numbers, laparams=LAParams(line_margin=0.75))


def sizes(path):
    out = []
    for number, layout in enumerate(pages(path), start=1):
        for item in walk(layout):
            if isinstance(item, LTChar) and item.get_text().strip():
                out.append({"page": number, "size": round(item.size, 2), "text": item.get_text()})
    return out


def lines(path, page):
    out = []
    for layout in pages(path, page):
        for block, box in enumerate(b for b in walk(layout) if isinstance(b, LTTextBox)):
            box_lines = [line for line in box if isinstance(line, LTTextLine)]
            for index, line in enumerate(box_lines):
                chars = sorted((c for c in line if isinstance(c, LTChar)), key=lambda c: c.x0)
                out.append({
                    "x0": line.x0, "y0": line.y0, "x1": line.x1, "y1": line.y1,
                    "size": max((c.size for c in chars), default=0),
                    "visual": "".join(c.get_text() for c in chars),
                    "text": line.get_text().strip(),
                    "block": block, "index": index, "count": len(box_lines),
                })
    return out


def shapes(path, page):
    out = []
    for layout in pages(path, page):
        for item in walk(layout):
            if isinstance(item, LTCurve) and item.fill:
                out.append({"x0": item.x0, "y0": item.y0, "x1": item.x1, "y1": item.y1})
    return out


if __name__ == "__main__":
    command, path, *rest = sys.argv[1:]
    result = {"sizes": sizes, "lines": lines, "shapes": shapes}[command](path, *rest)
    json.dump(result, sys.stdout)
