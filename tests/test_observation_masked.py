"""What the Observation pages receive from the tiny warehouse (no Streamlit page).

Key figures, profiles, schemes, cross-tables and monthly series are read from the stored
publication: tests/test_publication*.py check them.
"""

from __future__ import annotations

import numpy as np
import pytest
from fixtures_small import small_warehouse

from lib.config import settings
from lib.indicators.periods import make_period
from lib.indicators.scope import Scope
from lib.secret import MaskedTable
from lib.ui import observation as view

W = small_warehouse()
Q2 = make_period("trimestre", 2010, 2)
KEY = ("tests", -1)  # never a real (database, version) pair
REGION = ("region", None)
PERIOD = (Q2.kind, Q2.start, Q2.end)
SEUIL = settings().secret.seuil_diffusion


def published(masked: MaskedTable) -> np.ndarray:
    return masked.table[masked.count].dropna().to_numpy()


def test_outcomes_of_a_quarter_are_not_published_and_say_so() -> None:
    """Situations are attributes of the year's first receptions (publication.toml): a quarter has none,
    the page says why; the flag "provisional" is still computed from the data's end."""
    out = view._outcomes.__wrapped__(W, KEY, REGION, PERIOD, 3)
    assert not out.complete and str(out.data_end) == "2010-09-01"
    assert out.table is None and "publiées par année" in out.message


@pytest.mark.parametrize(
    ("scope", "label"),
    [
        (Scope(), settings().region_nom),
        (Scope("ml", "MLB"), "Mission locale B"),
        (Scope("departement", "09"), "Département 09 Ariège"),
        (Scope("bassin", "B2"), "Bassin d'emploi Bassin deux"),
    ],
)
def test_scope_label(scope: Scope, label: str) -> None:
    assert view.scope_label(W, scope) == label


def test_lower_first() -> None:
    assert view.lower_first("Mission locale") == "mission locale"
    assert view.lower_first("QPV / ZUS") == "QPV / ZUS"
