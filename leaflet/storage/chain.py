"""The hash chain: canonical bytes, the chain hash, and salted commitments. Standard library
only (the desk's hand-over path imports it).

Every row of the log (an encounter or a log event) and of the stock ledger (a movement) is a
link: hash = sha256(prev_hash || canonical JSON of the row's document with its recorded_at).
A field that may be erased after the retention period (an encounter's `case_ref` and
`not_given_note`) enters the document of a schema-2 record as its *commitment*,
"sha256:" + sha256(salt || value), with a random 128-bit salt kept beside it. Erasing the
value and its salt leaves the commitment, so the chain still verifies, and without the salt
nobody can test a guess against it.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from typing import Any, Mapping

GENESIS_HASH = "0" * 64  # the prev_hash of the first link of a chain
COMMIT_PREFIX = "sha256:"


def canonical_json(data: Mapping[str, Any]) -> bytes:
    """The canonical bytes of a document: keys sorted, no spaces, UTF-8.

    For the values the chain holds (strings, integers, booleans, null, lists of strings) this
    is the JSON Canonicalization Scheme of RFC 8785, so anyone can recompute a hash.
    """
    return json.dumps(data, sort_keys=True, separators=(",", ":"),
                      ensure_ascii=False).encode("utf-8")


def chain_hash(prev_hash: str, document: Mapping[str, Any], recorded_at: str) -> str:
    """sha256(prev_hash || canonical JSON of the document with its recorded_at), hex."""
    data = dict(document)
    data["recorded_at"] = recorded_at
    return hashlib.sha256(prev_hash.encode("ascii") + canonical_json(data)).hexdigest()


def new_salt() -> str:
    return secrets.token_hex(16)


def commit(salt: str, value: str) -> str:
    """The commitment to one erasable value: "sha256:" + hex(sha256(salt bytes || UTF-8))."""
    return COMMIT_PREFIX + hashlib.sha256(bytes.fromhex(salt) + value.encode("utf-8")).hexdigest()


def digest(data: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical_json(data)).hexdigest()


def accumulate(previous: str, item: str) -> str:
    """One step of a running hash over a sequence of digests (the upgrade's anchor)."""
    return hashlib.sha256((previous + item).encode("ascii")).hexdigest()
