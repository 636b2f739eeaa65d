"""Territorial level of a page: région, département, bassin d'emploi or mission locale."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

LEVELS = {
    "region": "Région",
    "departement": "Département",
    "bassin": "Bassin d'emploi",
    "ml": "Mission locale",
}
LEVEL_COLUMN = {"departement": "dep_code", "bassin": "bassin_code", "ml": "ml_code"}


@dataclass(frozen=True)
class Scope:
    level: str = "region"
    code: str | None = None  # None at regional level

    def mask(self, jeunes: pd.DataFrame) -> pd.Series:
        """Rows of `jeunes` inside the scope."""
        if self.level == "region" or self.code is None:
            return pd.Series(True, index=jeunes.index)
        return jeunes[LEVEL_COLUMN[self.level]].astype(str) == self.code

    def ml_codes(self, communes: pd.DataFrame) -> list[str]:
        """MLs concerned (for ML-level data such as DEFM, quotas)."""
        if self.level == "region" or self.code is None:
            return sorted(communes["ml_code"].dropna().unique())
        col = LEVEL_COLUMN[self.level]
        return sorted(communes.loc[communes[col].astype(str) == self.code, "ml_code"].dropna().unique())
