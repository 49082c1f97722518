"""What `sitegen check` takes from the build cache: the diagnostics of every record whose bytes the last build
validated, read only.

`sitegen check` writes nothing, so it keeps no cache of its own; it reads the one `sitegen build` leaves
beside the output folder (cache.py), or a CI step restores. A record's result is taken from it under the
build's conditions without the published files, since check renders nothing:

- the cache is sound (cachedb.py and stored.py check every row, as for the build) and was written under
  this check's environment key, with or without the search index (check cannot tell which the build had);
- the record file's bytes have the sha256 noted, and so has the local artifact it names, still inside the
  content folder;
- every date of the record is at most the latest day allowed now: the rule for dates in the future
  reads the day, which the key does not hold (SITEGEN_TODAY set back).

The file is opened with SQLite's mode=ro and nothing is written, not even the new stamps of files found
unchanged by content. A cache that cannot be used is said in one line, as the build says it, and every
record is then validated; one made under another environment is passed over silently.
"""

from __future__ import annotations

import datetime as dt
import os
import sqlite3
import sys
from contextlib import closing
from pathlib import Path
from typing import Collection, Sequence

from ..config import SiteConfig
from ..model import RecordOutcome
from ..records.load import SourceFile
from ..records.validate import latest_date_of
from .cache import cache_path, unchanged_inputs
from .cachedb import check_header, connect, read_meta, read_records
from .stored import Unusable, entry_from_json, env_from_json, search_from_json, state_from_json


def unchanged_checks(config: SiteConfig, envs: Collection[str], sources: Sequence[SourceFile]) -> dict[str, RecordOutcome]:
    """The outcome the last build noted for every source whose inputs are unchanged, by rel path; {} when there
    is no cache beside the output folder or it was written under another environment than envs.

    A reused record carries no body: the build keeps none.
    """
    path = cache_path(config)
    if not sources or not os.path.lexists(path):
        return {}
    wanted = {source.rel: source for source in sources}
    found: dict[str, RecordOutcome] = {}
    try:
        if path.is_symlink():
            raise Unusable("it is a symbolic link")
        with closing(connect(path, read_only=True)) as conn:
            check_header(conn)
            meta = read_meta(conn)
            env = env_from_json(meta["env"])
            search_from_json(meta["search"])  # checked as the build checks them: a cache is sound or unused
            state_from_json(meta["state"])
            if env not in envs:
                return {}  # another generator, other layouts, site.yaml or settings: every record is validated
            latest, content = config.latest_date, config.content_dir.resolve()
            for rel, value in read_records(conn):
                source = wanted.get(rel)  # type: ignore[arg-type]
                if source is None:
                    continue  # a record deleted since
                # Without its search entry, cards and words, which are not even read: check renders nothing.
                outcome = entry_from_json(value, source.rel).outcome
                if unchanged_inputs(config, outcome, source, content) is not None and _dated_by(outcome, latest):
                    found[source.rel] = outcome
    except Unusable as why:
        return _unusable(config, path, str(why))
    except sqlite3.Error as error:
        if getattr(error, "sqlite_errorname", "") == "SQLITE_READONLY_ROLLBACK":
            # The journal of a build stopped while updating it: only a writer may roll it back.
            return _unusable(config, path, "a build was stopped while updating it; the next build repairs it")
        return _unusable(config, path, f"it is damaged or not an SQLite database: {error}")
    return found


def _dated_by(outcome: RecordOutcome, latest: dt.date) -> bool:
    """Whether every date of the record is at most latest; a row whose dates do not read is not used."""
    assert outcome.record is not None
    try:
        return latest_date_of(outcome.record) <= latest
    except (KeyError, TypeError, ValueError, AttributeError):
        return False


def _unusable(config: SiteConfig, path: Path, reason: str) -> dict[str, RecordOutcome]:
    """Say why the cache is not used, in the build's words, and use none of it."""
    print(f"sitegen: the build cache {config.rel(path)} could not be used ({reason}); checking every record",
          file=sys.stderr)
    return {}
