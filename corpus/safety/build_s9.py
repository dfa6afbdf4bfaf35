"""Build S9's check set (``s9_check.txt`` -> ``s9_check.jsonl``), in the format of ``build.py``.

    python corpus/safety/build_s9.py
"""

from __future__ import annotations

from build import build

if __name__ == "__main__":
    print("s9_check", build("s9_check"))
