"""Paginated listings: the index and each browse page, cut into static pages.

Pages are cut from the oldest record on: archive page 1 holds the oldest
page_size records, page 2 the next, and so on. The first page (index.html, or
browse/<key>-<value>.html) holds the two newest chunks, so it shows between
page_size and twice page_size cards. Counting from the oldest is what keeps a
new record from rewriting the registry: it lands on the first page, and only
when the newest chunk fills does one archive page appear; every other page
stays byte for byte as it was (RFC 5005's archived feeds work the same way).

Every page links to the next newer and older page with plain relative links
(rel="prev" / rel="next", newer first, as in Hugo), so listings work with
JavaScript off and straight from disk.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Sequence


@dataclass(frozen=True, slots=True)
class Link:
    """A link from one listing page to another."""

    href: str  # relative to the page that shows it
    label: str


@dataclass(frozen=True, slots=True)
class ListingPage:
    """One page of a listing: which items it shows and where its neighbours are."""

    path: str  # relative to the site root
    items: Sequence[int]  # positions in the listing (0 = newest), in the order shown
    number: int  # 0 for the first page, else its archive number (1 = the oldest records)
    archive_pages: int  # how many archive pages the listing has besides the first page
    first_position: int  # 1-based, counted from the oldest record: the oldest item shown
    last_position: int  # the newest item shown, counted the same way
    newer: Link | None  # rel="prev"
    older: Link | None  # rel="next"
    newest: Link | None  # the first page, when this is not it
    oldest: Link | None  # archive page 1, when it is neither this page nor the next older one


def archive_path(first_page: str, number: int) -> str:
    """Where archive page `number` of a listing lives: index.html -> page/3.html, browse/x.html -> browse/x/3.html."""
    stem = first_page[: -len(".html")]
    return f"page/{number}.html" if first_page == "index.html" else f"{stem}/{number}.html"


def _relative(from_path: str, to_path: str) -> str:
    """A relative link between two site paths (no leading slash), the way a browser resolves it from disk too."""
    source = from_path.split("/")[:-1]
    target = to_path.split("/")
    common = 0
    while common < len(source) and common < len(target) - 1 and source[common] == target[common]:
        common += 1
    return "../" * (len(source) - common) + "/".join(target[common:])


def paginate(count: int, page_size: int, first_page: str) -> list[ListingPage]:
    """The pages of a listing of `count` items (newest first) at `first_page`; the first page comes first."""
    chunks = max(1, -(-count // page_size))  # chunk k (1-based) holds oldest-first positions [(k-1)*size, k*size)
    archives = max(0, chunks - 2)

    def newest_first(first: int, last: int) -> list[int]:
        """Oldest-first positions first..last (1-based, inclusive) as listing positions, newest first."""
        return [count - position for position in range(last, first - 1, -1)]

    def path(number: int) -> str:
        return first_page if number == 0 else archive_path(first_page, number)

    pages = []
    for number in [0, *range(archives, 0, -1)]:
        if number == 0:
            first, last = archives * page_size + 1, count
        else:
            first, last = (number - 1) * page_size + 1, number * page_size
        here = path(number)
        newer_number = None if number == 0 else (0 if number == archives else number + 1)
        older_number = (archives if archives else None) if number == 0 else (number - 1 or None)

        def link(n: int | None, label: str) -> Link | None:
            return None if n is None else Link(_relative(here, path(n)), label)

        pages.append(ListingPage(
            path=here, items=newest_first(first, last) if count else [], number=number, archive_pages=archives,
            first_position=first if count else 0, last_position=last,
            newer=link(newer_number, "Newer records"), older=link(older_number, "Older records"),
            newest=link(0 if number not in (0, archives) else None, "Newest records"),
            oldest=link(1 if number != 1 and older_number not in (None, 1) else None, "Oldest records"),
        ))
    return pages


def placed(page: ListingPage) -> ListingPage:
    """The page without its items' positions, for its key (engine/sitewide.py): positions count from the newest,
    so a new record moves them all, and a page shows them only as the cards its key holds already. An archive
    page is not told how many archive pages there are (render.listing_context), so its key does not hold it."""
    return replace(page, items=(), archive_pages=page.archive_pages if page.number == 0 else 0)
