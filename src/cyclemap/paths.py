"""Where cyclemap keeps what it stores: one data folder, owner-only, nothing elsewhere.

``CYCLEMAP_HOME`` names the folder; otherwise ``$XDG_DATA_HOME/cyclemap`` or
``~/.local/share/cyclemap``. It is created with mode 0700 on first use, and
every file cyclemap writes for itself (label cache, app database) lives in it.
"""

from __future__ import annotations

import os
from pathlib import Path


def data_dir() -> Path:
    """The user's data folder, created owner-only if it does not exist yet."""
    configured = os.environ.get("CYCLEMAP_HOME")
    if configured:
        folder = Path(configured).expanduser()
    else:
        base = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
        folder = Path(base) / "cyclemap"
    if not folder.exists():
        folder.mkdir(parents=True, exist_ok=True)
        folder.chmod(0o700)  # mkdir's mode is masked by the umask; set it exactly
    return folder
