"""The logging policy: cyclemap logs counts and ids, never message text or names.

Every cyclemap logger comes from :func:`get_logger`, which attaches
:class:`PrivacyFilter`. The filter lets a record through only when its arguments
are numbers, booleans, None or :class:`LogId` values (ids, hashes, format names
that cyclemap itself chose); anything else (a string that may be a message or a
name, an exception whose text may quote a file name) is withheld and replaced by
a note that says so. The web app adds the same filter to its handlers.
"""

from __future__ import annotations

import logging

_WITHHELD = "log record withheld by cyclemap's privacy policy (it carried text)"


class LogId(str):
    """A string cyclemap chose (a format name, a store name, a hash), safe to log."""


def _safe(value: object) -> bool:
    if value is None or isinstance(value, (bool, int, float, LogId)):
        return True
    if isinstance(value, (tuple, list)):
        return all(_safe(v) for v in value)
    return False


class PrivacyFilter(logging.Filter):
    """Withholds records that could carry message text, names or file names."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args if isinstance(record.args, tuple) else (record.args,) if record.args else ()
        if isinstance(record.args, dict):
            args = tuple(record.args.values())
        text_free = isinstance(record.msg, str) and all(_safe(a) for a in args)
        if record.exc_info and record.exc_info[0] is not None:
            # An exception's text can quote input; keep only its type.
            record.msg = f"{record.msg if text_free else _WITHHELD} [{record.exc_info[0].__name__}]"
            record.exc_info, record.exc_text, record.stack_info = None, None, None
            record.args = args if text_free else ()
            return True
        if not text_free:
            record.msg, record.args = _WITHHELD, ()
        return True


_FILTER = PrivacyFilter()


def get_logger(name: str) -> logging.Logger:
    """A logger for a cyclemap module, with the privacy filter attached."""
    logger = logging.getLogger(name)
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
    return logger


__all__ = ["LogId", "PrivacyFilter", "get_logger"]
