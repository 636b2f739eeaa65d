"""The only type that lib/ui and lib/export accept: a table already masked.

A MaskedTable never holds the true value of a hidden cell: where `status` is not
"ok" every value column is NaN. Building one by hand outside lib/secret is a bug;
use `protect` (counts of people) or `declare_public` (figures that count no one).
A table that stacks rows of both kinds (built from protect and declare_public results)
is `sensitive` and marks each row in a boolean column `sensible`.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Literal

import pandas as pd

from lib.config import settings

if TYPE_CHECKING:
    from lib.secret.layout import Layout

Status = Literal["ok", "primary", "secondary"]
TOTAL = "Total"
STATUS = "status"
HIDDEN_MARK = "s"
LEGEND = (
    f"s : secret statistique (case de moins de {settings().secret.seuil_diffusion} personnes, ou case masquée pour "
    "qu'on ne puisse pas la recalculer)"
)


@dataclass(frozen=True)
class MaskedTable:
    table: pd.DataFrame
    dims: tuple[str, ...]
    count: str
    value_columns: tuple[str, ...]
    commentable: bool
    reasons: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()
    sensitive: bool = True  # False: figures that count no one (meetings, agents), shown as they are
    labels: dict[str, str] = field(default_factory=dict)  # column → French label
    # dimension → its labels in display order (categories, then subtotals, then "Total")
    categories: dict[str, tuple[str, ...]] = field(default_factory=dict)
    # the table's structure (margins, subtotals, grouped categories): used by audit and derived figures
    layout: Layout | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        hidden = self.table[STATUS] != "ok"
        for col in self.value_columns:
            if self.table.loc[hidden, col].notna().any():
                raise ValueError(f"valeur masquée encore présente dans la colonne {col!r}")

    @cached_property
    def content_key(self) -> str:
        """A digest of what can be shown from this table (cells, labels, notes, status): the key under
        which screens, charts and files made from it are kept (lib.ui.downloads.prepare). Computed once
        per object; the table is never modified after it was masked."""
        h = hashlib.sha256(frame_bytes(self.table))
        h.update(repr((self.dims, self.labels, self.notes, self.reasons, self.commentable, self.sensitive)).encode())
        h.update(repr(self.categories).encode())
        return h.hexdigest()

    @property
    def hidden_count(self) -> int:
        return int((self.table[STATUS] != "ok").sum())

    def cells(self) -> pd.DataFrame:
        """Interior cells only (no margin, no hierarchy subtotal)."""
        t = self.table
        mask = pd.Series(True, index=t.index)
        for d in self.dims:
            mask &= ~t[d].astype(str).isin([TOTAL, *self.subtotals(d)])
        return t[mask]

    def grand_total(self) -> pd.Series:
        t = self.table
        mask = pd.Series(True, index=t.index)
        for d in self.dims:
            mask &= t[d].astype(str) == TOTAL
        return t[mask].iloc[0]

    def label(self, col: str) -> str:
        return self.labels.get(col, col)

    def subtotals(self, dim: str) -> tuple[str, ...]:
        """Labels of `dim` that are hierarchy subtotals (e.g. départements), neither category nor Total."""
        if self.layout is None or dim not in self.layout.dims:
            return ()
        return self.layout.axes[self.layout.dims.index(dim)].subtotals


def frame_bytes(frame: pd.DataFrame) -> bytes:
    """The content of a frame as bytes to hash: labels and numbers as they are, columns by name."""
    try:
        hashed = pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes()
    except TypeError:  # odd columns (lists, mixed objects): their text
        hashed = pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes()
    return hashed + repr(list(frame.columns)).encode()
