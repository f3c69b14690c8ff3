"""Removing what a reader never sees or never reads as content, before any text is taken."""

from __future__ import annotations

import re

import lxml.html

_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
# Ad-insertion plugins' numbered blocks (e.g. WordPress Ad Inserter's "code-block-3") and common
# ad/newsletter/share containers: generic markup of widely used tools, not any one site.
_NOISE_CLASS = re.compile(
    r"(^|\s)(code-block-\d+|adsbygoogle|ad-container|ad-slot|advert\w*|sponsored|newsletter\w*|"
    r"share-?(buttons?|bar|tools)|social-share|sharedaddy|jp-relatedposts|related-posts|"
    r"cookie-?(banner|notice|consent))(\s|$)",
    re.IGNORECASE,
)
_ALWAYS_DROP = (
    "script",
    "style",
    "noscript",
    "template",
    "iframe",
    "svg",
    "canvas",
    "object",
    "embed",
    "form",
)


def is_hidden(element: lxml.html.HtmlElement) -> bool:
    return (
        element.get("hidden") is not None
        or (element.get("aria-hidden") == "true" and len(element) > 0)
        or ((style := element.get("style")) is not None and _HIDDEN_STYLE.search(style) is not None)
    )


def is_noise(element: lxml.html.HtmlElement) -> bool:
    return is_hidden(element) or bool(_NOISE_CLASS.search(element.get("class") or ""))


def strip_noise(
    root: lxml.html.HtmlElement, *, drop: tuple[str, ...] = _ALWAYS_DROP
) -> lxml.html.HtmlElement:
    """Remove, in place, scripts, hidden elements, template copies and ad blocks under root."""
    doomed = list(root.iter(*drop))
    doomed_set = set(doomed)
    for element in root.iter():
        if (
            isinstance(element.tag, str)
            and element not in doomed_set
            and element is not root
            and is_noise(element)
        ):
            doomed.append(element)
    for element in doomed:
        if element.getparent() is not None:
            element.drop_tree()
    return root
