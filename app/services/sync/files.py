"""Bundle files on disk, handled as hostile until checked (issue 18).

A shared folder can be written by every laptop of the group, and by whoever else reaches the
drive, so nothing in it is trusted: a bundle file is read only when it is a regular file (never
through a symbolic link, never a device or pipe) no larger than `MAX_BUNDLE_BYTES`; its payload
is inflated in steps, never beyond `MAX_BUNDLE_BYTES` nor beyond `MAX_RATIO` times its compressed
size (a "zip bomb" is refused after its first few megabytes); and MentorDesk writes only into a
real folder inside the shared folder, never through a link, never over an existing file.
Each problem is a `SyncError` naming the file, so one bad bundle is reported and the rest of the
folder is still applied.
"""

from __future__ import annotations

import os
import stat
import uuid
import zlib
from pathlib import Path

from app.services.sync.identity import SyncError

MAX_BUNDLE_BYTES = 64 * 2**20  # a bundle file, and its inflated payload; exports split well below
MAX_RATIO = 100  # inflated bytes per compressed byte: real bundles measure 5-13 (README)
RATIO_GRACE = 2**20  # the first MiB may inflate at any ratio (a small bundle of repeated values)
_STEP = 256 * 2**10  # inflated bytes produced per call: what is held before a check
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)  # POSIX; on Windows a link is caught by the lstat first


def read_bundle_file(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a bundle file, refused (SyncError) when it is a link, not a regular file, or
    larger than the limit."""
    limit = MAX_BUNDLE_BYTES if limit is None else limit
    try:
        info = os.lstat(path)
    except OSError as exc:
        raise SyncError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    if stat.S_ISLNK(info.st_mode):
        raise SyncError(f"{path.name} is a symbolic link; bundles are read only from real files in the folder.")
    if not stat.S_ISREG(info.st_mode):
        raise SyncError(f"{path.name} is not a regular file; it was not read.")
    if info.st_size > limit:
        raise SyncError(f"{path.name} is {info.st_size:,} bytes, over the {limit:,}-byte limit of a bundle; "
                        "it was not read.")
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | getattr(os, "O_BINARY", 0))
    except OSError as exc:
        raise SyncError(f"{path.name}: cannot be read ({exc.strerror}).") from exc
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):  # swapped since the lstat
            raise SyncError(f"{path.name} is not a regular file; it was not read.")
        parts, size = [], 0
        while size <= limit and (part := handle.read(min(2**20, limit + 1 - size))):
            parts.append(part)  # in steps: a read of `limit` bytes would reserve them all first
            size += len(part)
    data = b"".join(parts)
    if len(data) > limit:  # grew since the lstat
        raise SyncError(f"{path.name} is over the {limit:,}-byte limit of a bundle; it was not read.")
    return data


def inflate(payload: bytes, limit: int | None = None, ratio: int | None = None) -> bytes:
    """Gunzip a bundle's payload in bounded steps: refused (SyncError) as soon as it passes `limit`
    bytes, or `ratio` times the compressed bytes read so far (after the first `RATIO_GRACE`)."""
    limit = MAX_BUNDLE_BYTES if limit is None else limit
    ratio = MAX_RATIO if ratio is None else ratio
    inflater = zlib.decompressobj(wbits=31)  # gzip wrapper, one member
    parts: list[bytes] = []
    total = 0
    pending = payload
    try:
        while not inflater.eof:
            chunk = inflater.decompress(pending, _STEP)
            pending = inflater.unconsumed_tail
            total += len(chunk)
            read = len(payload) - len(pending)
            if total > limit:
                raise SyncError(f"This bundle unpacks to more than {limit:,} bytes; it was not applied.")
            if total > RATIO_GRACE and total > ratio * max(read, 1):
                raise SyncError(f"This bundle unpacks to more than {ratio} times its size (a compression "
                                "bomb); it was not applied.")
            parts.append(chunk)
            if not chunk and not pending:
                break  # input ended before the gzip member did
    except zlib.error as exc:
        raise SyncError("This bundle's contents are damaged (not valid compressed data); it was not applied.") from exc
    if not inflater.eof or inflater.unused_data:
        raise SyncError("This bundle's contents are truncated or have trailing data; it was not applied.")
    return b"".join(parts)


def outbox_folder(folder: Path, name: str) -> Path:
    """This laptop's outbox inside the shared folder, made if missing; refused (SyncError) when it
    is a symbolic link, not a folder, or resolves outside the shared folder."""
    outbox = folder / name
    if outbox.is_symlink():
        raise SyncError(f"{name} in {folder} is a symbolic link; MentorDesk writes only into a real folder "
                        "inside the shared folder. Remove the link and sync again.")
    try:
        outbox.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise SyncError(f"{name} in {folder} is a file, not a folder; remove it and sync again.") from exc
    if outbox.is_symlink() or not outbox.is_dir() or outbox.resolve().parent != folder.resolve():
        raise SyncError(f"{name} in {folder} is not a real folder inside the shared folder; nothing was written.")
    return outbox


def write_new_file(path: Path, data: bytes) -> None:
    """Write a file that did not exist: a temporary file made exclusively (never through a link),
    fsync, rename; refused when anything (a file, a link) already has the name."""
    path.parent.mkdir(parents=True, exist_ok=True)
    if os.path.lexists(path):
        raise SyncError(f"{path} already exists; bundles are never rewritten. Choose another name.")
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex[:8]}.tmp")
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, 0o644)  # bundles are shared with the group's other laptops
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if os.path.lexists(path):
            raise SyncError(f"{path} already exists; bundles are never rewritten. Choose another name.")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    _fsync_dir(path.parent)


def _fsync_dir(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # Windows cannot open folders; the rename is durable enough there
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def bundle_files(folder: str | Path, suffix: str) -> list[Path]:
    """Every bundle under a folder (one outbox per replica), oldest name first. Links are listed,
    not followed, so that reading them reports them (a linked outbox included)."""
    folder = Path(folder)
    if os.path.lexists(folder) and not folder.is_dir():
        return [folder]
    found: list[Path] = []
    for root, dirs, files in os.walk(folder, followlinks=False):
        here = Path(root)
        found += [here / d for d in dirs if (here / d).is_symlink()]
        found += [here / f for f in files if f.endswith(suffix) and not f.startswith(".")]
        dirs[:] = [d for d in dirs if not (here / d).is_symlink()]
    return sorted(found)
