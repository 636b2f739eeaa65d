"""Statistical confidentiality: the single chokepoint between counts and screens.

protect()        counts of people → MaskedTable (primary + secondary suppression, margins, subtotals)
audit()          LP check that no hidden cell can be recomputed
declare_public() figures that count no one (meetings, agents) → MaskedTable shown as is
with_share(), rate(), evolution(), mean()   derived figures, hidden with what they are built from
check_commune_selection(), small_selection_message()   rules 4 and "selection too small" for filters
"""

from lib.secret.audit import AuditReport, audit
from lib.secret.masked import HIDDEN_MARK, LEGEND, STATUS, TOTAL, MaskedTable
from lib.secret.protect import protect

__all__ = [
    "HIDDEN_MARK",
    "LEGEND",
    "STATUS",
    "TOTAL",
    "AuditReport",
    "MaskedTable",
    "audit",
    "protect",
]
