"""Reading-level figures from textstat 0.7.4 (the reference implementation), without rounding.

Reads a JSON list of {"text", "lang"} on stdin; prints a JSON list of
{"flesch_kincaid", "smog", "fernandez_huerta", "syllables", "sentences", "words"}.
"""
import json
import sys

from textstat import textstat as ts

ts.set_rounding(False)
out = []
for item in json.load(sys.stdin):
    # pyphen's "en" is British English; handout hyphenates English with the US patterns.
    ts.set_lang({"en": "en_US"}.get(item["lang"], item["lang"]))
    text = item["text"]
    out.append({
        "flesch_kincaid": ts.flesch_kincaid_grade(text),
        "smog": ts.smog_index(text),
        "fernandez_huerta": ts.fernandez_huerta(text),
        "syllables": ts.syllable_count(text),
        "sentences": ts.sentence_count(text),
        "words": ts.lexicon_count(text),
    })
json.dump(out, sys.stdout)
