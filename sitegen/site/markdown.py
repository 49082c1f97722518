"""Markdown to HTML: one configured markdown-it-py parser for every body and abstract.

Record text is untrusted. The parser is configured so that it can never emit
markup the author typed:
- raw HTML is off, so `<script>` is shown as text;
- links and images only keep http, https, mailto and relative targets; any
  other scheme (javascript:, data:, vbscript:, file:) makes markdown-it leave
  the link as plain text;
- images become links, because the site loads nothing from elsewhere;
- nesting is bounded by limits.max_markdown_nesting.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Iterable, Sequence

from markdown_it import MarkdownIt
from markdown_it.renderer import RendererHTML
from markdown_it.token import Token

_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):", re.IGNORECASE)
SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
# Characters a browser strips or ignores before it reads a scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading of a rendered document, for anchors and tables of contents."""

    id: str  # the element id, unique within the page
    text: str  # the heading as plain text
    level: int  # 1-6 as written in the source (before any offset)
    line: int  # source line (1-based, counted from first_line)


@dataclass(frozen=True, slots=True)
class RenderedMarkdown:
    """A Markdown document as HTML, plus what later stages need from it."""

    html: str
    text: str  # plain text, whitespace collapsed: for search and descriptions
    headings: tuple[Heading, ...]


def is_safe_url(url: str) -> bool:
    """True for http(s), mailto and relative URLs; false for every other scheme."""
    probe = _IGNORED_IN_SCHEME.sub("", url)
    if probe.startswith(("//", "\\\\", "/\\", "\\/")):
        return False  # protocol-relative: a host we did not name, resolved against file:// or http
    match = _SCHEME.match(probe)
    if match is None:
        # No clean scheme: relative, unless a colon comes before the first / ? or #
        # ("java%09script:" after normalisation), which some reader could take as one.
        return ":" not in re.split(r"[/?#]", probe, maxsplit=1)[0]
    return match.group(1).lower() in SAFE_SCHEMES


def is_external(url: str) -> bool:
    """True for links that leave the site (they get rel=nofollow noopener)."""
    return url.lower().startswith(("http://", "https://"))


def slugify(text: str) -> str:
    """A heading's text as a stable id: lower case, words joined by hyphens, any script kept."""
    text = unicodedata.normalize("NFKC", text).casefold()
    kept = "".join(ch if (ch.isalnum() or ch in " -_") else "" for ch in text)
    slug = re.sub(r"[\s-]+", "-", kept.strip()).strip("-")
    return slug or "section"


def _validate_link(url: str) -> bool:
    return is_safe_url(url)


class _Renderer(RendererHTML):
    """HTML renderer with heading ids, safe link attributes, image links and wrapped tables."""

    def heading_open(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        token = tokens[idx]
        level = min(int(token.tag[1]) + env.get("heading_offset", 0), 6)
        return f'<h{level} id="{self.escape(token.attrGet("id") or "")}">'

    def heading_close(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        level = min(int(tokens[idx].tag[1]) + env.get("heading_offset", 0), 6)
        return f"</h{level}>\n"

    def link_open(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        token = tokens[idx]
        if is_external(str(token.attrGet("href") or "")):
            token.attrSet("rel", "nofollow noopener")
        return self.renderToken(tokens, idx, options, env)

    def image(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        # The site loads nothing from elsewhere and records have no image files:
        # an image is shown as a link to its source, labelled by its alt text.
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        alt = self.renderInlineAsText(token.children or [], options, env) or src
        rel = ' rel="nofollow noopener"' if is_external(src) else ""
        return f'<a class="image-link" href="{self.escape(src)}"{rel}>Image: {self.escape(alt)}</a>'

    def table_open(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        # Wide tables scroll inside their own box instead of widening a phone's page.
        return '<div class="table-wrap">\n' + self.renderToken(tokens, idx, options, env)

    def table_close(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        return self.renderToken(tokens, idx, options, env) + "</div>\n"

    def th_open(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        return self._cell(tokens, idx, options, env)

    def td_open(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        return self._cell(tokens, idx, options, env)

    def _cell(self, tokens: Sequence[Token], idx: int, options: Any, env: dict) -> str:
        # Column alignment becomes a class: the pages' security policy refuses style attributes.
        token = tokens[idx]
        style = str(token.attrGet("style") or "")
        if style.startswith("text-align:"):
            token.attrs.pop("style", None)
            token.attrSet("class", "align-" + style.split(":", 1)[1])
        return self.renderToken(tokens, idx, options, env)

    @staticmethod
    def escape(text: str) -> str:
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


@lru_cache(maxsize=8)
def parser(max_nesting: int) -> MarkdownIt:
    """The one configured parser: CommonMark plus tables, no raw HTML, no linkify."""
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False, "maxNesting": max_nesting},
                    renderer_cls=_Renderer)
    md.enable("table")
    md.validateLink = _validate_link  # type: ignore[method-assign]
    return md


def _inline_text(token: Token) -> str:
    parts: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline"):
            parts.append(child.content)
        elif child.type in ("softbreak", "hardbreak"):
            parts.append(" ")
        elif child.type == "image":
            parts.append(_inline_text(child))
    return "".join(parts)


def _collapse(parts: Iterable[str]) -> str:
    return " ".join(" ".join(parts).split())


def render_markdown(source: str, *, max_nesting: int, heading_offset: int = 0,
                    reserved_ids: Iterable[str] = (), first_line: int = 1) -> RenderedMarkdown:
    """A Markdown document as HTML with heading ids that avoid reserved_ids.

    heading_offset shifts heading levels (a record's `##` sits under the
    page's own h2 sections); reserved_ids are ids the page already uses.
    """
    md = parser(max_nesting)
    env: dict[str, Any] = {"heading_offset": heading_offset}
    tokens = md.parse(source, env)
    used = set(reserved_ids)
    headings: list[Heading] = []
    text_parts: list[str] = []
    for index, token in enumerate(tokens):
        if token.type == "inline":
            text_parts.append(_inline_text(token))
        elif token.type in ("fence", "code_block"):
            text_parts.append(token.content)
        if token.type != "heading_open":
            continue
        text = _collapse([_inline_text(tokens[index + 1])])
        base = slugify(text)
        anchor, n = base, 1
        while anchor in used:
            n += 1
            anchor = f"{base}-{n}"
        used.add(anchor)
        token.attrSet("id", anchor)
        line = (token.map[0] if token.map else 0) + first_line
        headings.append(Heading(anchor, text, int(token.tag[1]), line))
    html = md.renderer.render(tokens, md.options, env)
    return RenderedMarkdown(html=html, text=_collapse(text_parts), headings=tuple(headings))


def render_inline(source: str, *, max_nesting: int) -> str:
    """One paragraph of inline Markdown (emphasis, code, links) as HTML, without a <p>."""
    return parser(max_nesting).renderInline(source).strip()


def inline_text(source: str, *, max_nesting: int) -> str:
    """Inline Markdown as plain text, for search data and descriptions."""
    tokens = parser(max_nesting).parseInline(source, {})
    return _collapse(_inline_text(t) for t in tokens)
