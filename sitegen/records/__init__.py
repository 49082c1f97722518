"""Reading and checking records: record files into RawRecords, the contracts and rules across fields into Records, the aliases that keep old page addresses, and the append-only history against a git revision.

May import: config, errors, model and formats; never what turns records into pages.
"""
