"""Statistical confidentiality: MaskedTables, the only objects lib/ui shows.

Counts of people reach the pages from the publication (lib/publication, built and stored once per
data version) through published.from_cells; nothing here is called to protect a page's table.
protect()        one table on its own (the reference of benchmarks/bench_publication.py and bench_secret.py)
audit()          LP check that no hidden cell can be recomputed from what is published
declare_public() figures that count no one (meetings, agents) → MaskedTable shown as is
with_share(), rate(), evolution(), mean()   derived figures, hidden with what they are built from
check_commune_selection(), small_selection_message()   rule 4 and too-small selections, for filters
"""

from lib.secret.audit import AuditReport, audit
from lib.secret.derived import evolution, mean, rate, with_share
from lib.secret.masked import HIDDEN_MARK, LEGEND, STATUS, TOTAL, MaskedTable
from lib.secret.protect import protect
from lib.secret.public import declare_public
from lib.secret.selection import check_commune_selection, small_selection_message

__all__ = [
    "HIDDEN_MARK",
    "LEGEND",
    "STATUS",
    "TOTAL",
    "AuditReport",
    "MaskedTable",
    "audit",
    "check_commune_selection",
    "declare_public",
    "evolution",
    "mean",
    "protect",
    "rate",
    "small_selection_message",
    "with_share",
]
