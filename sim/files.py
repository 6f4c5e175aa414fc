"""Result files that readers never see half-written: atomic writes of JSON and Parquet, with
NaN written as null and permissions that follow the umask."""

from __future__ import annotations

import json
import math
import os
import socket
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


def check_writable(out: Path, option: str = "--out") -> None:
    """Refuse (UsageError naming `option`) an empty path or a folder that cannot be made or
    written (under a file, on a read-only or pseudo file system); the check leaves nothing
    behind: the command makes the folder when it writes."""
    from sim.errors import UsageError

    if str(out) in ("", "."):
        raise UsageError(f"{option} {str(out)!r}: name a folder for the results")
    missing = [p for p in (out, *out.parents) if not p.exists()]
    try:
        out.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryFile(dir=out):
            pass
    except OSError as exc:
        raise UsageError(f"{option} {out}: cannot write there ({exc.strerror or exc})") from None
    finally:
        for folder in missing:
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def json_ready(value: Any) -> Any:
    """Replace NaN and infinities (not valid JSON) with null, recursively."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [json_ready(v) for v in value]
    return value


def _read_umask() -> int:
    mask = os.umask(0)  # the only portable way to read it; done once, at import
    os.umask(mask)
    return mask


UMASK = _read_umask()


def write_atomic(path: Path, write: Any) -> None:
    """Write a file via a temporary sibling and an atomic rename: readers never see half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        write(Path(tmp))
        os.chmod(tmp, 0o666 & ~UMASK)  # mkstemp makes 0600; results follow the umask
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_json(path: Path, data: Any) -> None:
    """Atomically write `data` as indented JSON (NaN as null)."""
    text = json.dumps(json_ready(data), indent=2, allow_nan=False) + "\n"
    write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def write_parquet(path: Path, frame: pd.DataFrame) -> None:
    """Atomically write a DataFrame as Parquet."""
    write_atomic(path, lambda tmp: frame.to_parquet(tmp, index=False))


LOCK_NAME = ".ccsim.lock"


class FolderLock:
    """One writer per results folder: a lock file holding the writer's pid and host, made
    with O_EXCL; a lock whose process is gone (on this host) is stale and taken over."""

    def __init__(self, folder: Path, option: str = "--out"):
        self.folder = Path(folder)
        self.path = self.folder / LOCK_NAME
        self.option = option
        self.mine = False

    def __enter__(self) -> FolderLock:
        self.created = not self.folder.exists()  # removed again if it stays empty
        self.folder.mkdir(parents=True, exist_ok=True)
        me = {"pid": os.getpid(), "host": socket.gethostname()}
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                owner = self._owner()
                if owner is not None and _alive(owner):
                    from sim.errors import UsageError

                    raise UsageError(
                        f"{self.option} {self.folder}: another ccsim (pid {owner['pid']} on "
                        f"{owner['host']}) is writing there; wait for it to finish or choose "
                        f"another {self.option}"
                    ) from None
                self.path.unlink(missing_ok=True)  # stale: its writer is gone
                continue
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                json.dump(me, handle)
            self.mine = True
            return self
        raise RuntimeError(f"could not lock {self.folder}")

    def _owner(self) -> dict[str, Any] | None:
        try:
            owner = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return None
        return owner if isinstance(owner, dict) and isinstance(owner.get("pid"), int) else None

    def __exit__(self, *exc: object) -> None:
        if self.mine:
            self.path.unlink(missing_ok=True)
            self.mine = False
            if self.created and not any(self.folder.iterdir()):
                self.folder.rmdir()  # bad input wrote nothing: leave no empty folder


def _alive(owner: dict[str, Any]) -> bool:
    """Whether the lock's process still runs (a lock from another host counts as alive)."""
    if owner.get("host") != socket.gethostname():
        return True
    try:
        os.kill(owner["pid"], 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
