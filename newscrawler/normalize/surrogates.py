"""Lone surrogates: code points U+D800-U+DFFF on their own, which a Python str can hold (JSON's
"\\ud800" escapes decode to them) but no UTF-8 text can. A record holding one cannot be written."""

from __future__ import annotations


def fix_surrogates(text: str) -> str:
    """`text` with lone surrogates replaced by U+FFFD, and a pair split in two code units joined
    into its character; `text` itself when it has none (the usual case costs one encode)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text
