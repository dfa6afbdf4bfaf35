"""Help resources shown when the safety screen fires, from a data file the user can edit.

The bundled file lists a neutral default and a few countries. A copy named
``help_resources.json`` in the user's data folder replaces it (``cyclemap
resources --init`` makes that copy), so a therapist or a couple can put in the
services they trust where they live.
"""

from __future__ import annotations

import json
import os
import shutil
from importlib import resources as package_files
from pathlib import Path
from typing import Any

from .errors import InputError
from .paths import data_dir

FILE_NAME = "help_resources.json"


def bundled_path() -> Path:
    return Path(str(package_files.files("cyclemap") / "data" / FILE_NAME))


def user_path() -> Path:
    return data_dir() / FILE_NAME


def _load(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as error:
        raise InputError(path, f"not valid JSON: {error.msg}", line=error.lineno, hint="fix or delete your copy") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InputError(path, f"cannot read: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("default"), list):
        raise InputError(path, "needs a 'default' list of resources", hint="see the bundled file for the shape")
    return data


def help_resources(country: str | None = None) -> list[dict[str, str]]:
    """The resources for ``country`` (ISO code; else $CYCLEMAP_COUNTRY; else the default list)."""
    mine = user_path()
    data = _load(mine if mine.is_file() else bundled_path())
    code = (country or os.environ.get("CYCLEMAP_COUNTRY") or "").upper()
    chosen = data.get(code) if code else None
    return list(chosen if isinstance(chosen, list) else data["default"])


def init_user_copy() -> Path:
    """Copy the bundled file into the data folder for editing; never overwrite an existing copy."""
    target = user_path()
    if not target.exists():
        shutil.copyfile(bundled_path(), target)
        target.chmod(0o600)
    return target
