"""Drafts saved as you type (issue 8: "nothing typed may ever be lost").

An observation form being typed is journaled to a small JSON file under paths.data_dir()/cap-drafts/
on every (debounced) change: written to a temporary file, flushed to disk (fsync) and renamed over the
old one, so the file is always either the previous draft or the new one, never half of each. Closing the
window, a crash or a power cut leaves the draft; reopening the candidate restores it; saving the
observation discards it. No database and no network are involved, so a draft is kept even when the
database is busy or on a server that cannot be reached.

A draft of a saved record being edited also keeps its base: the values and versions the form opened
(cap.Loaded.to_json). Restored after a restart, the draft is then still saved as "what I changed since
what I opened", so a change someone else saved meanwhile is neither reverted nor silently overwritten
(the save asks Reload or Overwrite; the draft stays until the person chooses).

Drafts are confidential evidence: they stay on this computer's user data folder, never in an export.
While the open database is encrypted (`use_database`, called by the window on the database it opened),
a draft is sealed the same way (issue 18, item 3: "Backups, field copies and CAP drafts are encrypted
the same way"): XSalsa20-Poly1305 (libsodium's SecretBox) under a key derived from the database's data
key (dbkeys.file_key, BLAKE2b with its own person), so the file holds only the draft's key (ids, as in
its name), the data key's id and ciphertext; no key is written anywhere. A sealed draft of another
database (or one whose key was changed) is left where it is and not shown; plain drafts typed before
the database was encrypted are sealed when it is opened. A plain database's drafts are plain JSON as before.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
from pathlib import Path
from typing import Any

from app import dbkeys, paths

SEALED = "mentordesk-sealed-draft"
_PERSON = b"mdesk-cap-draft"
_database: Path | None = None  # the open database: its drafts are sealed when it is encrypted


def use_database(db_path: Path | None) -> None:
    """Drafts from now on belong to this database (None: a server database, or none: plain files)."""
    global _database
    _database = Path(db_path) if db_path is not None else None
    if _sealing() is not None:
        _seal_plain_drafts()


def _seal_plain_drafts() -> None:
    """Drafts typed before the database was encrypted (`db encrypt`) are sealed when it is next opened, so
    no plain copy of what they hold stays in the data folder."""
    for path in sorted(drafts_dir().glob("*.json")):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(doc, dict) and doc.get("format") != SEALED and "key" in doc and "data" in doc:
                save_draft(doc["key"], doc["data"], doc.get("base"), saved_at=doc.get("saved_at"))
        except (OSError, ValueError):
            continue


def _sealing() -> tuple[str, Any] | None:
    from nacl.secret import SecretBox

    found = dbkeys.file_key(_database, _PERSON) if _database is not None else None
    return None if found is None else (found[0], SecretBox(found[1]))


def _payload(path: Path) -> dict[str, Any] | None:
    """The draft file's content, opened when sealed; None when it is sealed with another key.
    ValueError when the file is damaged."""
    from nacl.exceptions import CryptoError

    doc = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(doc, dict):
        raise ValueError("not a draft")
    if doc.get("format") != SEALED:
        return doc
    sealing = _sealing()
    if sealing is None or sealing[0] != doc.get("key_id"):
        return None
    try:
        opened = json.loads(sealing[1].decrypt(bytes.fromhex(doc["sealed"])))
    except (CryptoError, KeyError, TypeError) as exc:
        raise ValueError("damaged") from exc
    return {**opened, "key": doc.get("key")}


def drafts_dir() -> Path:
    return paths.private_dir(paths.data_dir() / "cap-drafts")


def _file(key: str) -> Path:
    safe = re.sub(r"[^A-Za-z0-9_.-]", "_", key)
    return drafts_dir() / f"{safe}.json"


def save_draft(key: str, data: dict[str, Any], base: dict[str, Any] | None = None, *,
               saved_at: str | None = None) -> Path:
    """Write the draft durably (atomic replace after fsync), with the base it was typed over, if any."""
    path = _file(key)
    payload = {"key": key, "saved_at": saved_at or dt.datetime.now(dt.timezone.utc).isoformat(), "data": data}
    if base is not None:
        payload["base"] = base
    sealing = _sealing()
    if sealing is not None:
        plain = json.dumps(payload, ensure_ascii=False, default=str).encode("utf-8")
        payload = {"format": SEALED, "key": key, "key_id": sealing[0], "sealed": bytes(sealing[1].encrypt(plain)).hex()}
    tmp = path.with_suffix(".tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, paths.PRIVATE_FILE_MODE)
    paths.private_file(tmp)  # a .tmp left by a crash keeps its old mode through O_TRUNC
    with os.fdopen(fd, "w", encoding="utf-8") as handle:
        json.dump(payload, handle, ensure_ascii=False, default=str)
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(tmp, path)
    return path


def load_draft(key: str) -> dict[str, Any] | None:
    """The saved draft's data, or None. A damaged file (it cannot be, but a disk can fail) is kept aside."""
    path = _file(key)
    if not path.exists():
        return None
    try:
        payload = _payload(path)
        return None if payload is None else payload["data"]
    except (ValueError, KeyError):
        path.rename(path.with_suffix(".damaged"))
        return None


def load_base(key: str) -> dict[str, Any] | None:
    """The base the draft was typed over (what the form opened), or None (a new record, or a draft
    from before drafts kept it)."""
    path = _file(key)
    try:
        payload = _payload(path) if path.exists() else None
        return None if payload is None else payload.get("base")
    except ValueError:
        return None


def saved_at(key: str) -> dt.datetime | None:
    path = _file(key)
    if not path.exists():
        return None
    try:
        payload = _payload(path)
        return None if payload is None else dt.datetime.fromisoformat(payload["saved_at"])
    except (ValueError, KeyError):
        return None


def discard_draft(key: str) -> None:
    _file(key).unlink(missing_ok=True)


def list_drafts() -> list[str]:
    keys = []
    for path in sorted(drafts_dir().glob("*.json")):
        try:
            if _payload(path) is not None:  # not another database's sealed draft
                keys.append(json.loads(path.read_text(encoding="utf-8"))["key"])
        except (ValueError, KeyError):
            continue
    return keys


def observation_key(placement_id: object, observation_id: object | None = None) -> str:
    """The draft of a new observation for a placement, or of an existing observation being edited."""
    return f"observation-{placement_id}-{observation_id or 'new'}"


def evidence_key(placement_id: object, evidence_id: object | None = None) -> str:
    """The draft of a new piece of evidence for a placement (the evidence editor), or of one being edited."""
    return f"evidence-{placement_id}-{evidence_id or 'new'}"
