"""A read-only code → number mapping over one row of a published matrix.

A ranking row maps every ranked KPI (thousands) to its marks. Building a dict per
entity on every re-rank costs more than computing the ranking, so each row is a
view: the shared code → column index of the plan plus one read-only numpy row (a
column view of the engine's (KPI × entity) matrix: no transposed copy).
NaN in the row reads as None. It is a `collections.abc.Mapping`, so `dict(m)`,
`m == {...}`, `.items()` and JSON export work as for a dict.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import numpy as np


class RowMapping(Mapping[str, float | None]):
    __slots__ = ("_codes", "_index", "_row")

    def __init__(self, codes: tuple[str, ...], index: Mapping[str, int], row: np.ndarray) -> None:
        self._codes = codes
        self._index = index
        self._row = row

    def __getitem__(self, code: str) -> float | None:
        value = self._row[self._index[code]]
        return None if value != value else float(value)  # NaN != NaN

    def __iter__(self) -> Iterator[str]:
        return iter(self._codes)

    def __len__(self) -> int:
        return len(self._codes)

    def __repr__(self) -> str:
        return repr(dict(self))

    @property
    def parts(self) -> tuple[tuple[str, ...], Mapping[str, int], np.ndarray]:
        """(codes, code → position in the row, the read-only row): rows over the same codes
        can be read as one matrix (a tile comparing every KPI across places)."""
        return self._codes, self._index, self._row


def column_mappings(codes: tuple[str, ...], matrix: np.ndarray, index: Mapping[str, int] | None = None
                    ) -> list[RowMapping]:
    """One mapping per column of `matrix` (len(codes) × columns), as views of its columns
    (no transposed copy of a large matrix); the matrix is made read-only."""
    matrix = np.asarray(matrix, dtype=np.float64)
    matrix.flags.writeable = False
    index = {c: i for i, c in enumerate(codes)} if index is None else index
    return [RowMapping(codes, index, matrix[:, c]) for c in range(matrix.shape[1])]
