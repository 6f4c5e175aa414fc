"""Independent random streams per source of randomness, all derived from one run seed.

Streams are keyed by name (not by position), so adding a stream, or changing how much one
source draws, never shifts the numbers of another: scenarios share common random numbers.
"""

from __future__ import annotations

import zlib

import numpy as np


class RandomStreams:
    """One `numpy.random.Generator` per named source, spawned from `SeedSequence(seed)`."""

    def __init__(self, seed: int):
        self.seed = int(seed)
        self._generators: dict[str, np.random.Generator] = {}

    def __getitem__(self, name: str) -> np.random.Generator:
        """The generator for `name`, created on first use from (seed, crc32(name))."""
        generator = self._generators.get(name)
        if generator is None:
            key = zlib.crc32(name.encode("utf-8"))
            sequence = np.random.SeedSequence(entropy=self.seed, spawn_key=(key,))
            generator = self._generators[name] = np.random.Generator(np.random.PCG64(sequence))
        return generator
