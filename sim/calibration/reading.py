"""Reading an export of either kind, as its mapping says."""

from __future__ import annotations

from pathlib import Path

from sim.calibration.contacts import read_contacts
from sim.calibration.interval_export import read_intervals
from sim.calibration.mapping import Mapping, load_mapping
from sim.calibration.records import Export
from sim.calibration.table import read_table


def read_export(path: str | Path, mapping: Mapping | str | Path | None = None) -> Export:
    """A per-contact or interval export (the mapping's `kind`), checked and normalized;
    `mapping` a Mapping, a mapping file or None (the default column names of either kind)."""
    if mapping is None and _default_intervals(path):
        mapping = Mapping(kind="intervals")
    if not isinstance(mapping, Mapping):
        mapping = load_mapping(mapping)
    reader = read_contacts if mapping.kind == "contacts" else read_intervals
    return reader(path, mapping)


def _default_intervals(path: str | Path) -> bool:
    """Whether a file read without a mapping is an interval export by the default names: it
    has interval_start and no arrived_at."""
    columns = {str(c) for c in read_table(path, nrows=1).columns}
    return "interval_start" in columns and "arrived_at" not in columns
