"""Independent random streams per source of randomness, all derived from one run seed.

Streams are keyed by name (not by position), so adding a stream, or changing how much one
source draws, never shifts the numbers of another: scenarios share common random numbers.
"""

from __future__ import annotations

import zlib

import numpy as np

from sim.errors import UsageError

MAX_SEED = 2**63 - 1
"""Seeds are 64-bit signed integers, as the scenario's `seed` key allows."""


def check_seed(seed: object) -> int:
    """`seed` as an int, or UsageError naming it: a whole number from 0 to 2**63 - 1 (numpy
    integers too; never a bool, a float or a string). The one check `sim.run`, `sim.build_model`
    and the model share."""
    if (
        isinstance(seed, bool)
        or not isinstance(seed, int | np.integer)
        or not 0 <= seed <= MAX_SEED
    ):
        raise UsageError(f"seed {seed!r:.40}: a whole number from 0 to 2**63 - 1 is allowed")
    return int(seed)


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
