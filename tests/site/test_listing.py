"""Listing pages (site/listing.py): every record once, newest first, and pages that stay put as records are added."""

from __future__ import annotations

import posixpath

from hypothesis import given, settings
from hypothesis import strategies as st

from sitegen.site.listing import paginate

FIRST_PAGES = st.sampled_from(["index.html", "browse/level-l2.html"])


def follow(page_path: str, href: str) -> str:
    return posixpath.normpath(posixpath.join(posixpath.dirname(page_path), href))


@settings(max_examples=300, deadline=None)
@given(count=st.integers(0, 400), size=st.integers(5, 40), first=FIRST_PAGES)
def test_every_item_once_in_order_through_the_older_links(count, size, first):
    pages = {p.path: p for p in paginate(count, size, first)}
    seen, at = [], first
    while at is not None:
        page = pages[at]
        seen.extend(page.items)
        if page.older:
            back = pages[follow(page.path, page.older.href)]
            assert follow(back.path, back.newer.href) == page.path  # rel=next and rel=prev agree
        at = follow(page.path, page.older.href) if page.older else None
    assert seen == list(range(count))  # newest first, each once, no page skipped
    assert len(seen) == sum(len(p.items) for p in pages.values())


@settings(max_examples=300, deadline=None)
@given(count=st.integers(0, 400), size=st.integers(5, 40))
def test_page_sizes(count, size):
    first, *archives = paginate(count, size, "index.html")
    assert all(len(p.items) == size for p in archives)
    assert len(first.items) == count if count <= 2 * size else size < len(first.items) <= 2 * size


@settings(max_examples=300, deadline=None)
@given(count=st.integers(0, 400), size=st.integers(5, 40))
def test_a_new_record_leaves_every_archive_page_but_the_newest_as_it_was(count, size):
    def pages(n):
        # What a page shows, as stable identities: oldest-first positions, plus its links.
        return {p.path: ([n - i for i in p.items], p.newer, p.older, p.newest, p.oldest) for p in paginate(n, size, "index.html")}

    before, after = pages(count), pages(count + 1)
    changed = {path for path in before if after.get(path) != before[path]} | (after.keys() - before.keys())
    assert "index.html" in changed
    # Besides the first page, at most the archive page that used to be the newest (its "newer"
    # link moves) and one new archive page change.
    assert len(changed - {"index.html"}) <= 2


def test_links_are_relative_and_work_from_disk():
    first, *rest = paginate(101, 25, "browse/level-l2.html")
    assert first.older.href == "level-l2/3.html" and first.oldest.href == "level-l2/1.html"
    assert [p.path for p in rest] == [f"browse/level-l2/{n}.html" for n in (3, 2, 1)]
    assert rest[0].newer.href == "../level-l2.html" and rest[-1].older is None
    first, *rest = paginate(101, 25, "index.html")
    assert first.older.href == "page/3.html" and rest[0].newer.href == "../index.html"
