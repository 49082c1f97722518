"""The offline index remade at the cost of a change, from what the previous build kept of it.

Records are numbered from the oldest (search/offline.py), so an edit, a
correction, a new record (the newest takes the next number) or the removal of
the newest keeps every other record's number: the index then differs from
the previous one only in the lists of the words and filter values the changed
records gained or lost, in the orders, in the result files that show them and
in the manifest. Only the word groups holding such words are read back and cut
again; every other word file keeps the key it had, and is linked unchanged.

A change that renumbers records (a record removed or back-dated from the
middle of the registry: every newer record moves down one) changes most lists
anyway, and is made whole (offline_build), as is a change of many records.
"""

from __future__ import annotations

from typing import Any, Callable, Collection, Iterable, Mapping, NamedTuple, Sequence

from ..config import SiteConfig
from .offline import (NO_POSTING, RECORDS_PER_CHUNK, OfflineIndex, OfflineState, Posting, assemble, group_plans,
                      kept_group_plans, results_key, results_plan, score_of, shown, word_group)

# More changed records than one in this many and the whole index is made again: by then most groups
# are read back anyway, and a whole build reads each record's words once, in order.
WHOLE_SHARE = 8


class Before(NamedTuple):
    """What the previous build left of its offline index, and of the records this build did not reuse."""

    state: OfflineState
    load_group: Callable[[str], Mapping[str, Posting]]  # a word group's lists as the previous index had them
    # url -> (words, filter values) as the previous build had them, for every record it had whose row
    # was not reused (changed, removed, or rendered again for another reason).
    old: Mapping[str, tuple[str, Mapping[str, str]]]


def offline_update(before: Before, entries: Sequence[Mapping[str, Any]], urls: Sequence[str], reused: Collection[str],
                   new_words: Callable[[Sequence[str]], Iterable[str]], config: SiteConfig) -> OfflineIndex | None:
    """The offline index of entries (newest first, their urls in urls) made from the previous one, or None
    when the change renumbers records, is too large, or the previous build left too little to go on.

    reused: the urls whose rows were reused unchanged (their search entries and words are the previous ones).
    new_words: the words (offline.entry_words) of the given urls' entries, in order.
    """
    state = before.state
    now = urls[::-1]  # by number
    count, then = len(now), len(state.urls)
    numbered = {url: n for n, url in enumerate(state.urls)}
    changed: list[int] = []
    for n, url in enumerate(now):
        was = numbered.get(url)
        if was is not None and was != n:
            return None  # renumbered
        if was is None or url not in reused:
            changed.append(n)
    changed += range(count, then)  # the newest records, removed
    if len(changed) * WHOLE_SHARE > max(count, 64):
        return None
    olds: dict[int, tuple[set[str], Mapping[str, str]]] = {}
    for n in changed:
        if n < then:
            old = before.old.get(state.urls[n])
            if old is None:
                return None  # its row was lost: what it held is not known
            olds[n] = (set(old[0].split()), old[1])
    fresh = [n for n in changed if n < count]
    news = {n: (set(words.split()), entries[count - 1 - n])
            for n, words in zip(fresh, new_words([now[n] for n in fresh]))}

    # The words and filter values each changed number gained (True) or lost (False).
    word_changes: dict[str, dict[int, bool]] = {}
    filter_changes: dict[tuple[str, str], dict[int, bool]] = {}
    for n in changed:
        old_words, old_filters = olds.get(n, (set(), {}))
        new_words_, entry = news.get(n, (set(), None))
        new_filters: Mapping[str, str] = entry["filters"] if entry is not None else {}
        for word in old_words - new_words_:
            word_changes.setdefault(word, {})[n] = False
        for word in new_words_ - old_words:
            word_changes.setdefault(word, {})[n] = True
        for pair in set(old_filters.items()) - set(new_filters.items()):
            filter_changes.setdefault(pair, {})[n] = False
        for pair in set(new_filters.items()) - set(old_filters.items()):
            filter_changes.setdefault(pair, {})[n] = True

    groups: dict[str, dict[str, Posting] | None] = {}
    for word in sorted(word_changes):
        group = word_group(word)
        if group not in groups:
            groups[group] = dict(before.load_group(group)) if group in state.groups else {}
        members = groups[group]
        assert members is not None
        posting = _changed(members.get(word, NO_POSTING), word_changes[word])
        if posting.count:
            members[word] = posting
        else:
            members.pop(word, None)
    word_plans = []
    chunks = dict(state.groups)
    for group, members in groups.items():
        if not members:
            groups[group] = None
            chunks.pop(group, None)
            continue
        made = group_plans(members)  # word_chunks orders the words
        word_plans += made
        chunks[group] = tuple(sorted((plan.out_path.stem, plan.key) for plan in made))
    for group, kept in state.groups.items():
        if group not in groups:
            word_plans += kept_group_plans(group, kept, before.load_group)

    filters = {key: dict(values) for key, values in state.filters.items()}
    for (key, value), numbers in filter_changes.items():
        posting = _changed(filters.get(key, {}).get(value, NO_POSTING), numbers)
        if posting.count:
            filters.setdefault(key, {})[value] = posting
        else:
            filters.get(key, {}).pop(value, None)
    filters = {key: dict(sorted(values.items())) for key, values in sorted(filters.items()) if values}

    titles, scores = list(state.titles[:count]), list(state.scores[:count])
    titles += [""] * (count - len(titles))
    scores += [0.0] * (count - len(scores))
    for n, (_words, entry) in news.items():
        titles[n], scores[n] = entry["title"].casefold(), score_of(entry)

    # The result files that show a changed record, and the last one when the count changed (it holds more or fewer).
    remade = {n // RECORDS_PER_CHUNK for n in fresh}
    if count != then and count:
        remade.add((count - 1) // RECORDS_PER_CHUNK)
    results, keys = [], []
    for chunk in range((count + RECORDS_PER_CHUNK - 1) // RECORDS_PER_CHUNK):
        first = chunk * RECORDS_PER_CHUNK
        size = min(RECORDS_PER_CHUNK, count - first)
        if chunk in remade:
            key = results_key(first, [shown(e) for e in reversed(entries[count - first - size:count - first])])
        else:
            key = state.results[chunk]
        keys.append(key)
        results.append(results_plan(first, size, key, entries))

    new_state = OfflineState(urls=tuple(now), titles=tuple(titles), scores=tuple(scores), filters=filters,
                             results=tuple(keys), groups=dict(sorted(chunks.items())))
    return OfflineIndex(assemble(word_plans, results, new_state, config), new_state, groups, False)


def _changed(posting: Posting, numbers: Mapping[int, bool]) -> Posting:
    """posting with each number taken out (False), highest first, then each added (True), lowest first: so
    that removing the newest records and adding new ones touch only the end of the list."""
    for number in sorted((n for n, added in numbers.items() if not added), reverse=True):
        posting = posting.without_number(number)
    for number in sorted(n for n, added in numbers.items() if added):
        posting = posting.with_number(number)
    return posting
