"""Result files that readers never see half-written: atomic writes of JSON and Parquet, with
NaN written as null and permissions that follow the umask."""

from __future__ import annotations

import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd


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
