"""Small helpers shared by the services."""
from __future__ import annotations

_BOOKKEEPING = ("id", "created_at", "updated_at")


def public(row: dict) -> dict:
    """A record as the events table keeps it: without row ids and timestamps."""
    return {k: v for k, v in row.items() if k not in _BOOKKEEPING}


def before_of(record: dict, changes: dict) -> dict:
    return {k: record.get(k) for k in changes if k not in _BOOKKEEPING}


def what(entity: str) -> str:
    from pmcs.i18n import t

    return t(f"what.{entity}")


def check_search(text: str, limit: int = 200) -> str:
    """A search as typed: bounded in length, no control characters or broken bytes."""
    from pmcs.core.fields import Field, clean_value

    return clean_value(Field("search", max_len=limit), text) or ""


def new_file(dest: str, exists_key: str, exists_hint: str):
    """The Path for a file pmcs is about to create, refused as ``exists_key`` if something
    is already there, and as a write error if the name cannot be a file (too long …)."""
    from pathlib import Path

    from pmcs.errors import UserError

    path = Path(dest).expanduser()
    try:
        exists = path.exists()
    except OSError as e:
        raise UserError("error.file_write", path=str(path), detail=e.strerror or str(e)) from None
    if exists:
        raise UserError(exists_key, hint=exists_hint, path=str(path))
    if not path.parent.is_dir():  # not made: a backup to an unmounted /mnt/usb would stay on this disk
        raise UserError("error.no_folder", hint="hint.no_folder", folder=str(path.parent))
    return path


def open_csv(s, path: str, fields, **kw):
    """csvio.read_csv, and a notice naming the columns that will not be read (a header
    misspelt in Excel, e.g. 面积m2 for 面积, must not silently leave every area empty)."""
    from pmcs import csvio

    src = csvio.read_csv(path, fields, **kw)
    if src.ignored:
        s.notices.append(("import.ignored_columns", {"file": src.name, "columns": ", ".join(src.ignored)}))
    return src
