"""Near-duplicate items: MinHash over character 3-grams, banded for lookup (LSH).

An item's body text (not its title: a copy often gets a new one) is cut into
overlapping 3-character shingles, digits folded to 0 (a copy with changed
figures is still a copy) and punctuation and spaces dropped; each shingle is
hashed to 32 bits (CRC-32). The set of hashes is stored once per item
(``ItemFingerprint``), so a check compares candidates without reading and
re-cutting their text. Its MinHash signature (datasketch, 128 permutations) is
split into 32 bands of 4; each band hashes to one key, stored in
``ItemBandKey``. Two texts whose shingle sets have Jaccard similarity J share
at least one key with probability 1 - (1 - J⁴)³²: 0.56 at J = 0.4, 0.88 at
J = 0.5, 0.99 at J = 0.6, 0.03 at J = 0.2. Candidates sharing a key are then
compared exactly (``similarity``), which decides.

Measured with ``python manage.py bench_duplicates --items 100000`` (PostgreSQL,
2 000 edited copies and 2 000 unrelated items on the same topics, shared 2-core
machine at load 10–14): recall 1.000, precision 0.998 at the shipped threshold;
one check p50 18 ms, p95 32 ms. A lower threshold for "the same event told by
two units" floods: unrelated items on one topic are flagged 235/2000 at 0.6,
1530/2000 at 0.5, all at 0.4, so none is shipped: briefing.same_event compares
the events' facts instead.
"""

import hashlib
import re
import struct
import zlib
from array import array

from datasketch import MinHash

NUM_PERM = 128
BANDS = 32
ROWS = NUM_PERM // BANDS
SHINGLE = 3
SEED = 17
# At or above this (shared shingles over the smaller set) an item is shown as
# 疑似重复. Chosen with bench_duplicates: unrelated items on one topic reach
# 0.6 (shared stock phrases), edited copies stay above 0.8.
THRESHOLD = 0.7

# The permutations depend only on NUM_PERM and SEED: drawn once, not per text.
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme="affine32").permutations

_DROP_RE = re.compile(r"[\s\W_]+", re.UNICODE)
_DIGITS_RE = re.compile(r"\d+")


def shingles(text: str) -> set[int]:
    """The text's 3-character shingles (no spaces or punctuation, a run of
    digits as one 0), each as a 32-bit hash."""
    text = _DROP_RE.sub("", _DIGITS_RE.sub("0", text or "").lower())
    if len(text) < SHINGLE:
        return {zlib.crc32(text.encode())} if text else set()
    return {
        zlib.crc32(text[i : i + SHINGLE].encode())
        for i in range(len(text) - SHINGLE + 1)
    }


def band_keys(shingle_set: set[int]) -> list[int]:
    """One signed 64-bit key per band of the MinHash signature."""
    if not shingle_set:
        return []
    minhash = MinHash(
        num_perm=NUM_PERM, hashfunc=int, permutations=_PERMUTATIONS, scheme="affine32"
    )
    minhash.update_batch(shingle_set)
    values = minhash.hashvalues
    keys = []
    for band in range(BANDS):
        digest = hashlib.blake2b(
            struct.pack("<I", band) + values[band * ROWS : (band + 1) * ROWS].tobytes(),
            digest_size=8,
        ).digest()
        keys.append(struct.unpack("<q", digest)[0])
    return keys


def pack(shingle_set: set[int]) -> bytes:
    """The shingle hashes as stored in ``ItemFingerprint.shingles``."""
    return array("I", sorted(shingle_set)).tobytes()


def unpack(data: bytes) -> set[int]:
    hashes = array("I")
    hashes.frombytes(bytes(data))
    return set(hashes)


def similarity(a: set[int], b: set[int]) -> float:
    """Shared shingles over the smaller set: 1.0 for a copy, and for a text
    with a paragraph added or cut as long as the rest is the same."""
    if not a or not b:
        return 0.0
    return len(a & b) / min(len(a), len(b))


def body_text(search_text: str) -> str:
    """The body part of ``Item.search_text`` (its first line is the title)."""
    _title, _sep, body = (search_text or "").partition("\n")
    return body
