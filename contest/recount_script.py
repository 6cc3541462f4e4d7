#!/usr/bin/env python3
"""Re-count a published vote log of Sáng tạo and check it against the published head hash.

Usage:  python3 recount.py vote-log.csv            (or vote-log.json)
        python3 recount.py vote-log.csv HEAD_HASH  (another head than the one written below)

Needs only Python 3 (standard library). Prints the totals per idea; exits with status 1 and says
which line is wrong when the log does not match the published head.
"""

import csv
import hashlib
import io
import json
import sys
from collections import Counter

PUBLISHED_HEAD = ""  # the head hash published on the results page
PUBLISHED_ENTRIES = None  # the number of entries published with it
FIELDS = ("round", "seq", "voter_alias", "idea_code", "action", "time_bucket", "receipt", "reason")
GENESIS = "0" * 64


def entry_hash(prev_hash, row):
    entry = {k: row[k] for k in FIELDS}
    entry["round"], entry["seq"] = int(entry["round"]), int(entry["seq"])
    canonical = json.dumps(entry, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256((prev_hash + canonical).encode("utf-8")).hexdigest()


def read_log(path):
    with open(path, encoding="utf-8-sig") as handle:
        text = handle.read()
    if text.lstrip().startswith("{"):
        return json.loads(text)["entries"], "entry"
    return list(csv.DictReader(io.StringIO(text))), "line"


def main(argv):
    if len(argv) < 2:
        print(__doc__)
        return 2
    head = argv[2].strip().lower() if len(argv) > 2 else PUBLISHED_HEAD
    rows, unit = read_log(argv[1])
    where = (lambda i: f"line {i + 2}") if unit == "line" else (lambda i: f"entry {i + 1} of the JSON file")
    prev, totals, live, hashes = GENESIS, Counter(), {}, []
    for i, row in enumerate(rows):
        if int(row["seq"]) != i + 1:
            print(f"WRONG at {where(i)}: entry number {row['seq']}, expected {i + 1} (removed, added or moved)")
            return 1
        if row["prev_hash"] != prev or entry_hash(prev, row) != row["hash"]:
            print(f"WRONG at {where(i)}: the hash does not match (this entry was changed)")
            return 1
        if row["action"] == "cast":
            totals[row["idea_code"]] += 1
            live[row["receipt"]] = row["idea_code"]
        elif row["receipt"] in live:  # a withdrawal or a void takes the vote back
            totals[live.pop(row["receipt"])] -= 1
        else:
            print(f"WRONG at {where(i)}: {row['action']} of a receipt that has no counted vote")
            return 1
        prev = row["hash"]
        hashes.append(prev)
    if head:
        if head in hashes and hashes.index(head) + 1 < len(hashes):
            print(f"WRONG at {where(hashes.index(head) + 1)}: entries added after the published head")
            return 1
        if PUBLISHED_ENTRIES is not None and head == PUBLISHED_HEAD and len(hashes) < PUBLISHED_ENTRIES:
            print(f"WRONG: the file has {len(hashes)} entries, the published log {PUBLISHED_ENTRIES}: entries removed")
            return 1
        if prev != head:
            print(f"WRONG: the last hash {prev} is not the published head {head} (entries changed or removed)")
            return 1
        print(f"OK: {len(hashes)} entries; the chain ends at the published head {head}")
    else:
        print(f"OK: {len(hashes)} entries; head hash {prev} (compare it with the published one)")
    for code, votes in sorted(totals.items(), key=lambda item: (-item[1], item[0])):
        if votes:
            print(f"{code}\t{votes}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
