"""Encryption at rest: the data key of a SQLCipher database, and how it is unlocked (issue 18).

A database is encrypted with a random 32-byte data key. The key is never stored in the clear: a
small sidecar file next to the database (`<db>.keys`, JSON, 0600) keeps it twice, wrapped (NaCl
SecretBox) by a key derived from the passphrase with Argon2id, and by a recovery key shown once to
print and keep. The OS keyring (the `keyring` package, when installed and working) may remember the
passphrase-derived wrapping key; a machine without one asks (`--passphrase-file F`,
MENTORDESK_PASSPHRASE_FILE, or a prompt at a terminal). A file is encrypted when it has a sidecar and
does not start with SQLite's header. Nothing here logs or prints a secret.
"""

from __future__ import annotations

import base64
import contextlib
import getpass
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from app import paths
from app.errors import DatabaseError

if TYPE_CHECKING:
    import nacl.secret

SQLITE_MAGIC = b"SQLite format 3\x00"
SIDECAR_SUFFIX = ".keys"
FAILURES_SUFFIX = ".unlock-failures"  # failed unlocks, kept until the audit trail can take them
MAX_FAILURE_TIMES = 50
FORMAT = "mentordesk-keys"
PASSPHRASE_ENV = "MENTORDESK_PASSPHRASE_FILE"
# A new database is encrypted unless this is set (the test suite's opt-out, and scripts that want a plain file
# on purpose); a person making one from the window or the command line gets an encrypted file.
PLAIN_ENV = "MENTORDESK_UNENCRYPTED"
KEYRING_SERVICE = "MentorDesk database"
# Argon2id at libsodium's "moderate" limits (3 passes, 256 MiB: about a second on a school laptop),
# paid once per unlock, not per connection: connections get the raw data key (`PRAGMA key = "x'..'"`).
# (libsodium's argon2id OPSLIMIT_MODERATE and MEMLIMIT_MODERATE; PyNaCl is imported only to unlock,
# not to open the window on a plain file.)
KDF_LIMITS = (3, 256 * 1024 * 1024)
MIN_PASSPHRASE = 8
# SQLCipher pages of 16 KiB for new files (SQLCipher's default is 4 KiB): every page read is decrypted and
# its HMAC checked, and larger pages cost less per byte (the large district's state report: 1.14x the
# plain file's processor time instead of 1.43x; benchmarks/encryption.py). Recorded in the key file.
PAGE_SIZE = 16384
DEFAULT_PAGE_SIZE = 4096  # a key file that names none

_passphrase_file: Path | None = None  # the command line's --passphrase-file
_unlocked: dict[str, bytes] = {}  # sidecar key_id -> data key, for this process only


class LockedError(DatabaseError):
    """The database is encrypted and no passphrase (or a wrong one) was given."""


def sidecar(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + SIDECAR_SUFFIX)


def is_encrypted(db_path: Path) -> bool:
    """A file with a sidecar whose first bytes are not SQLite's header (SQLCipher's are random)."""
    if not sidecar(db_path).is_file() or not db_path.is_file():
        return False
    with open(db_path, "rb") as handle:
        head = handle.read(len(SQLITE_MAGIC))
    return bool(head) and head != SQLITE_MAGIC


def set_passphrase_file(path: str | Path | None) -> None:
    global _passphrase_file
    _passphrase_file = Path(path).expanduser() if path else None


def forget() -> None:
    """Drop the data keys this process unlocked (tests; a window that locks)."""
    _unlocked.clear()


# --- the sidecar ---------------------------------------------------------------------------


def _box(key: bytes) -> nacl.secret.SecretBox:
    import nacl.secret

    return nacl.secret.SecretBox(key)


def _random(size: int) -> bytes:
    import nacl.utils

    return nacl.utils.random(size)


def _blake2b(data: bytes, person: bytes) -> bytes:
    import nacl.encoding
    import nacl.hash

    return nacl.hash.blake2b(data, digest_size=32, person=person, encoder=nacl.encoding.RawEncoder)


def _derive(passphrase: str, salt: bytes, ops: int, mem: int) -> bytes:
    import nacl.pwhash

    return nacl.pwhash.argon2id.kdf(32, passphrase.encode("utf-8"), salt,
                                    opslimit=ops, memlimit=mem)


def _recovery_wrapping_key(recovery: str) -> bytes:
    """The recovery key has 200 random bits: a plain hash suffices, no Argon2 cost."""
    raw = base64.b32decode(recovery.replace("-", "").replace(" ", "").upper())
    return _blake2b(raw, b"mdesk-recovery")


def looks_like_recovery_key(text: str) -> bool:
    compact = text.replace("-", "").replace(" ", "").upper()
    if len(compact) != 40:
        return False
    try:
        base64.b32decode(compact)
    except ValueError:
        return False
    return True


def new_recovery_key() -> str:
    text = base64.b32encode(_random(25)).decode()
    return "-".join(text[i:i + 5] for i in range(0, 40, 5))


def _key_id(data_key: bytes) -> str:
    return _blake2b(data_key, b"mdesk-keyid")[:8].hex()


def _new_doc() -> tuple[bytes, dict[str, Any], str]:
    data_key = _random(32)
    recovery = new_recovery_key()
    doc = {"format": FORMAT, "version": 1, "cipher": "sqlcipher4", "page_size": PAGE_SIZE, "key_id": _key_id(data_key),
           "recovery": _box(_recovery_wrapping_key(recovery)).encrypt(data_key).hex()}
    return data_key, doc, recovery


def new_keys(passphrase: str) -> tuple[bytes, dict[str, Any], str]:
    """A new data key, its sidecar content and the recovery key (to show once)."""
    check_passphrase(passphrase)
    data_key, doc, recovery = _new_doc()
    rewrap(doc, data_key, passphrase)
    return data_key, doc, recovery


def new_device_keys() -> tuple[bytes, dict[str, Any], str]:
    """A new data key kept by this computer's OS keyring, with no passphrase to type (as Signal Desktop
    keeps its database key): a random device key, stored in the keyring, wraps the data key in the key file
    (`device`); the recovery key wraps it too. Raises LockedError when the keyring cannot keep it."""
    ring = _keyring()
    if ring is None:
        raise LockedError("this computer has no OS keyring to keep a database key")
    data_key, doc, recovery = _new_doc()
    device = _random(32)
    doc["device"] = _box(device).encrypt(data_key).hex()
    try:
        ring.set_password(KEYRING_SERVICE, _device_name(doc), device.hex())
        kept = ring.get_password(KEYRING_SERVICE, _device_name(doc)) == device.hex()
    except Exception:  # noqa: BLE001 - any backend failure means: no keyring here
        kept = False
    if not kept:
        raise LockedError("the OS keyring did not keep the database key")
    return data_key, doc, recovery


def encrypt_new_databases() -> bool:
    """New databases are encrypted (issue 18) unless MENTORDESK_UNENCRYPTED is set."""
    return not os.environ.get(PLAIN_ENV)


def keyring_usable() -> bool:
    """Whether an OS keyring answers here (Windows Credential Manager, macOS Keychain, Secret Service)."""
    ring = _keyring()
    if ring is None:
        return False
    try:
        from keyring.backends import fail

        if isinstance(ring.get_keyring(), fail.Keyring):
            return False
        ring.get_password(KEYRING_SERVICE, "probe")
    except Exception:  # noqa: BLE001 - a locked or missing backend
        return False
    return True


def rewrap(doc: dict[str, Any], data_key: bytes, passphrase: str) -> None:
    """Wrap the same data key with a new passphrase (a new salt); the recovery wrap stays."""
    check_passphrase(passphrase)
    ops, mem = KDF_LIMITS
    salt = _random(16)  # argon2id SALTBYTES
    doc["kdf"] = {"alg": "argon2id", "salt": salt.hex(), "opslimit": ops, "memlimit": mem}
    doc["passphrase"] = _box(_derive(passphrase, salt, ops, mem)).encrypt(data_key).hex()


def check_passphrase(passphrase: str) -> None:
    if len(passphrase) < MIN_PASSPHRASE:
        raise DatabaseError(f"a passphrase needs at least {MIN_PASSPHRASE} characters")


def read_sidecar(db_path: Path) -> dict[str, Any]:
    try:
        doc = json.loads(sidecar(db_path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DatabaseError(f"the key file {sidecar(db_path)} cannot be read ({type(exc).__name__}); "
                            "the database cannot be opened without it") from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise DatabaseError(f"{sidecar(db_path)} is not a MentorDesk key file")
    return doc


def write_sidecar(db_path: Path, doc: dict[str, Any]) -> None:
    """Atomically, 0600."""
    target = sidecar(db_path)
    staged = target.with_name(target.name + ".new")
    staged.unlink(missing_ok=True)
    paths.create_private_file(staged)
    staged.write_text(json.dumps(doc, indent=1), encoding="utf-8")
    os.replace(staged, target)
    paths.private_file(target)


# --- unlocking -----------------------------------------------------------------------------


def _unwrap(doc: dict[str, Any], field: str, wrapping_key: bytes) -> bytes | None:
    import nacl.exceptions

    try:
        return _box(wrapping_key).decrypt(bytes.fromhex(doc[field]))
    except (nacl.exceptions.CryptoError, KeyError, ValueError, TypeError):
        return None


def passphrase_key(doc: dict[str, Any], passphrase: str) -> bytes:
    kdf = doc["kdf"]
    return _derive(passphrase, bytes.fromhex(kdf["salt"]), int(kdf["opslimit"]), int(kdf["memlimit"]))


def open_with_secret(doc: dict[str, Any], secret: str) -> tuple[bytes, bytes | None] | None:
    """(data key, passphrase wrapping key or None when the recovery key opened it), or None."""
    if looks_like_recovery_key(secret):
        data_key = _unwrap(doc, "recovery", _recovery_wrapping_key(secret))
        if data_key is not None:
            return data_key, None
    if "kdf" not in doc:  # kept by the OS keyring only: the recovery key is the one secret that opens it
        return None
    wrapping = passphrase_key(doc, secret)
    data_key = _unwrap(doc, "passphrase", wrapping)
    return (data_key, wrapping) if data_key is not None else None


def given_secret() -> str | None:
    """The passphrase (or recovery key) a script gave: --passphrase-file, else MENTORDESK_PASSPHRASE_FILE."""
    source = _passphrase_file or (Path(os.environ[PASSPHRASE_ENV]).expanduser()
                                  if os.environ.get(PASSPHRASE_ENV) else None)
    if source is None:
        return None
    try:
        text = source.read_text(encoding="utf-8")
    except OSError as exc:
        raise LockedError(f"the passphrase file {source} cannot be read ({exc.strerror or type(exc).__name__})") from None
    return text.splitlines()[0] if text.strip() else ""


def data_key(db_path: Path, *, ask: bool = True) -> bytes:
    """The data key of an encrypted database: remembered in this process, else from a passphrase
    file, the OS keyring or a prompt at a terminal. Raises LockedError with one plain line."""
    doc = read_sidecar(db_path)
    key_id = doc.get("key_id", "")
    if key_id in _unlocked:
        return _unlocked[key_id]
    secret = given_secret()
    if secret is None:
        device = _keyring_read(_device_name(doc)) if "device" in doc else None
        found = _unwrap(doc, "device", device) if device is not None else None
        if found is not None:
            _unlocked[key_id] = found
            return found
        remembered = _keyring_get(doc) if "kdf" in doc else None
        if remembered is not None:
            found = _unwrap(doc, "passphrase", remembered)
            if found is not None:
                _unlocked[key_id] = found
                return found
        if ask and sys.stdin is not None and sys.stdin.isatty():
            secret = getpass.getpass(f"Passphrase (or recovery key) for {db_path.name}: ")
    if secret is None and "kdf" not in doc:
        raise LockedError(f"{db_path} is encrypted with a key kept in the OS keyring of the computer that made it, "
                          "and this keyring does not have it; give the recovery key with --passphrase-file FILE")
    if secret is None:
        raise LockedError(f"{db_path} is encrypted; give its passphrase with --passphrase-file FILE "
                          f"(or {PASSPHRASE_ENV}), or run the command at a terminal to be asked")
    opened = open_with_secret(doc, secret)
    if opened is None:
        note_failed_unlock(db_path)
        raise LockedError(f"wrong passphrase or recovery key for {db_path}; nothing was opened")
    found, wrapping = opened
    _unlocked[key_id] = found
    if wrapping is not None:
        _keyring_set(doc, wrapping)
    return found


def file_key(db_path: Path, person: bytes) -> tuple[str, bytes] | None:
    """A key for a file that holds the database's data again outside it (CAP drafts, issue 18: "encrypted
    the same way"): None for a plain database; else (the data key's id, BLAKE2b of the data key with
    `person`, at most 16 bytes, naming the use). One-way: the file's key never gives the data key."""
    if not is_encrypted(db_path):
        return None
    key = data_key(db_path, ask=False)
    return _key_id(key), _blake2b(key, person)


def needs_secret(db_path: Path) -> bool:
    """An encrypted database that no passphrase file, keyring or earlier unlock opens: the window asks."""
    if not is_encrypted(db_path):
        return False
    try:
        data_key(db_path, ask=False)
    except LockedError:
        return True
    return False


def unlock(db_path: Path, secret: str) -> bool:
    """Try a passphrase or recovery key typed in the window; True when it opened the database."""
    doc = read_sidecar(db_path)
    opened = open_with_secret(doc, secret) if secret else None
    if opened is None:
        if secret:
            note_failed_unlock(db_path)
        return False
    remember(doc, *opened)
    return True


# --- failed unlocks: the audit trail is inside the locked file, so they wait beside it ------------------


def _failures_file(db_path: Path) -> Path:
    return db_path.with_name(db_path.name + FAILURES_SUFFIX)


def note_failed_unlock(db_path: Path) -> None:
    """A wrong passphrase or recovery key: its time (UTC), never what was typed, in `<db>.unlock-failures`
    (0600) until the next successful open adds them to the audit trail (app/services/audit/trail.py).
    A folder that cannot be written loses the note, never the open."""
    import datetime as dt

    path = _failures_file(db_path)
    count, times = failed_unlocks(db_path)
    times = [*times, dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")][-MAX_FAILURE_TIMES:]
    try:
        paths.create_private_file(path)
        path.write_text(json.dumps({"count": count + 1, "times": times}), encoding="utf-8")
    except OSError:
        pass


def failed_unlocks(db_path: Path) -> tuple[int, list[str]]:
    """How many unlocks failed since the trail last took them, and the times of the last 50."""
    try:
        doc = json.loads(_failures_file(db_path).read_text(encoding="utf-8"))
        return int(doc["count"]), [str(t) for t in doc["times"]][-MAX_FAILURE_TIMES:]
    except (OSError, ValueError, KeyError, TypeError):
        return 0, []


def clear_failed_unlocks(db_path: Path) -> None:
    _failures_file(db_path).unlink(missing_ok=True)


def remember(doc: dict[str, Any], data_key_: bytes, wrapping: bytes | None = None) -> None:
    _unlocked[doc["key_id"]] = data_key_
    if wrapping is not None:
        _keyring_set(doc, wrapping)


def pragma_key(data_key_: bytes) -> str:
    """SQLCipher's raw-key form: no key derivation on each connection."""
    return f"PRAGMA key = \"x'{data_key_.hex()}'\""


def key_pragmas(data_key_: bytes, page_size: int) -> list[str]:
    """What a new connection runs before anything reads the file. SQLCipher's own log stays quiet: a
    wrong key is our one line, not its stderr."""
    return ["PRAGMA cipher_log_level = NONE", pragma_key(data_key_), f"PRAGMA cipher_page_size = {int(page_size)}"]


def page_size(db_path: Path) -> int:
    """The SQLCipher page size an encrypted file was made with (its key file says)."""
    return int(read_sidecar(db_path).get("page_size", DEFAULT_PAGE_SIZE))


# --- the OS keyring (optional) ---------------------------------------------------------------


def _keyring_name(doc: dict[str, Any]) -> str:
    return f"{doc['key_id']}:{doc['kdf']['salt'][:16]}"  # a new passphrase (new salt) is a new entry


def _keyring() -> Any:
    if os.environ.get("MENTORDESK_NO_KEYRING"):
        return None
    try:
        import keyring  # optional: Windows Credential Manager, macOS Keychain, Secret Service
    except ImportError:
        return None
    return keyring


def _device_name(doc: dict[str, Any]) -> str:
    return f"{doc['key_id']}:device"


def _keyring_read(name: str) -> bytes | None:
    ring = _keyring()
    if ring is None:
        return None
    with contextlib.suppress(Exception):  # no backend on a headless machine: ask instead
        stored = ring.get_password(KEYRING_SERVICE, name)
        return bytes.fromhex(stored) if stored else None
    return None


SERVER_SERVICE = "MentorDesk server"


def server_account(username: str, host: str | None, port: int | None, database: str | None) -> str:
    """The keyring entry name of a PostgreSQL login: `user@host:port/database`."""
    return f"{username}@{host or 'localhost'}:{port or 5432}/{database or ''}"


def server_password(username: str, host: str | None, port: int | None, database: str | None) -> str | None:
    """A server login's password from the OS keyring (service "MentorDesk server"), else None: libpq then
    looks in ~/.pgpass (%APPDATA%\\postgresql\\pgpass.conf) or the service file, as it always does."""
    ring = _keyring()
    if ring is None:
        return None
    with contextlib.suppress(Exception):
        return ring.get_password(SERVER_SERVICE, server_account(username, host, port, database)) or None
    return None


def _keyring_get(doc: dict[str, Any]) -> bytes | None:
    return _keyring_read(_keyring_name(doc))


def _keyring_set(doc: dict[str, Any], wrapping: bytes) -> None:
    ring = _keyring()
    if ring is None:
        return
    with contextlib.suppress(Exception):
        ring.set_password(KEYRING_SERVICE, _keyring_name(doc), wrapping.hex())
