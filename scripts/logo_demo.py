"""Draw the demo association's logo (data/logo_association.png): a wordmark, no real emblem."""

from __future__ import annotations

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

from lib.config import ROOT  # noqa: E402


def main() -> None:
    fig = plt.figure(figsize=(3.2, 1.2), dpi=200)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, 3.2)
    ax.set_ylim(0, 1.2)
    ax.axis("off")
    ax.add_patch(FancyBboxPatch((0.08, 0.12), 0.96, 0.96, boxstyle="round,pad=0,rounding_size=0.18", color="#1f5f8b"))
    ax.text(0.56, 0.6, "ML", color="white", fontsize=26, fontweight="bold", ha="center", va="center")
    ax.text(1.2, 0.78, "ARML", color="#1f5f8b", fontsize=22, fontweight="bold", va="center")
    ax.text(1.2, 0.36, "Midi-Pyrénées", color="#444444", fontsize=13, va="center")
    fig.savefig(ROOT / "data" / "logo_association.png", transparent=True)


if __name__ == "__main__":
    main()
