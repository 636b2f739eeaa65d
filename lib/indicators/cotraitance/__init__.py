"""Co-traitance (PPAE): quota répartition, monthly follow-up, alerts, quality, what-if.

repartition   envelope × (DEFM share, activity key) → quotas adding up to the envelope
suivi         entries per ML, month and step; realisation against the quota pro rata temporis
alertes       tolerance, early consumption, affectations waiting for acceptance
qualite       first-interview delays in working days, states, exits
validation    what-if comparison, validated répartitions kept per year (admin only)
tableau       the page's one entry point: raw figures, then masked through lib.secret
"""

from lib.indicators.cotraitance.repartition import Repartition, largest_remainders, repartir, repartition
from lib.indicators.cotraitance.tableau import Tableau, TableauMasque, masquer, tableau_de_bord

__all__ = [
    "Repartition",
    "Tableau",
    "TableauMasque",
    "largest_remainders",
    "masquer",
    "repartir",
    "repartition",
    "tableau_de_bord",
]
