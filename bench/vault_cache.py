"""What encryption at rest costs the label cache: put and get of N rows, plain and sealed.

    .venv/bin/python bench/vault_cache.py [N]

Prints seconds per operation and per 1,000 rows. The machine is shared: read the
figures as rough, and compare plain with sealed from the same run.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path

from cyclemap.moves.cache import LabelCache
from cyclemap.vault import SCRYPT_N, Vault


def run(rows: int) -> None:
    keys = [os.urandom(32) for _ in range(rows)]
    values = [[i / 25 for i in range(25)] for _ in range(rows)]  # 21 classes + 4 flags, like the labeller
    with tempfile.TemporaryDirectory() as folder:
        start = time.perf_counter()
        vault = Vault.create("a passphrase of several words", Path(folder), n=SCRYPT_N)
        print(f"scrypt unlock (n=2^{SCRYPT_N.bit_length() - 1}): {time.perf_counter() - start:.3f} s")
        for label, chosen in (("plain", None), ("sealed", vault)):
            cache = LabelCache(Path(folder) / f"{label}.sqlite", vault=chosen)
            start = time.perf_counter()
            cache.put_many("model", zip(keys, values))
            put = time.perf_counter() - start
            start = time.perf_counter()
            found = cache.get_many("model", keys)
            get = time.perf_counter() - start
            assert len(found) == rows
            cache.close()
            print(f"{label:6s}: put {put:.3f} s ({put / rows * 1000:.3f} s per 1,000), "
                  f"get {get:.3f} s ({get / rows * 1000:.3f} s per 1,000)")


if __name__ == "__main__":
    run(int(sys.argv[1]) if len(sys.argv) > 1 else 20_000)
