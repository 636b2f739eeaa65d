"""Command line for the scheduled monthly loads.

    python -m lib.ingest extrait FICHIER… [--mois AAAA-MM] [--verifier] [--accepter-avertissements]
    python -m lib.ingest versions
    python -m lib.ingest restaurer N

Exit code 0 when loaded (or already loaded, or checked without blocking error), 1 when refused.
"""

from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from lib.db.engine import data_version, get_engine, migrate
from lib.ingest.errors import ImportErrorFr


def _mois(text: str) -> dt.date:
    try:
        return dt.datetime.strptime(text, "%Y-%m").date()
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"mois attendu au format AAAA-MM (par exemple 2010-03), lu « {text} »"
        ) from None


NO_PUBLICATION = "ne pas calculer tout de suite la publication protégée (la première page ouverte la calculera)"


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m lib.ingest", description="Imports de l'entrepôt régional.")
    sub = p.add_subparsers(dest="commande", required=True)
    e = sub.add_parser("extrait", help="charger l'extrait mensuel des missions locales")
    e.add_argument("fichiers", nargs="+", type=Path, metavar="FICHIER")
    e.add_argument("--mois", type=_mois, help="mois de l'extraction, AAAA-MM (par défaut : déduit des dates)")
    e.add_argument("--verifier", action="store_true", help="vérifier seulement, ne rien écrire")
    e.add_argument("--accepter-avertissements", action="store_true", help="charger malgré les avertissements")
    e.add_argument("--utilisateur", default=None, help="nom inscrit au journal (par défaut : l'utilisateur système)")
    e.add_argument("--sans-publication", action="store_true", help=NO_PUBLICATION)
    sub.add_parser("versions", help="lister les versions des données")
    r = sub.add_parser("restaurer", help="remettre en service une version antérieure")
    r.add_argument("numero", type=int, metavar="N")
    r.add_argument("--utilisateur", default=None)
    r.add_argument("--sans-publication", action="store_true", help=NO_PUBLICATION)
    return p


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    engine = get_engine()
    migrate(engine)
    utilisateur = getattr(args, "utilisateur", None) or f"{getpass.getuser()} (ligne de commande)"
    if args.commande == "extrait":
        from lib.ingest.extrait import charger_extrait

        res = charger_extrait(
            engine,
            [(str(f), f) for f in args.fichiers],
            utilisateur,
            mois=args.mois,
            verifier_seulement=args.verifier,
            accepter_avertissements=args.accepter_avertissements,
        )
        print(res.texte())
        if res.statut == "chargé" and not args.sans_publication:
            _publier(engine)
        return res.code_sortie
    from lib.ingest.versions import libelle_version, restaurer, versions

    if args.commande == "versions":
        courante = data_version(engine)
        for v in versions(engine):
            mark = "*" if v.id == courante else " "
            print(
                f"{mark} {v.id:>4}  {v.charge_le:%d/%m/%Y %H:%M}  {v.libelle_nature:<16} {v.utilisateur:<24} {v.resume}"
            )
            for f in v.fichiers:  # the fingerprint proves which file a version was loaded from
                print(f"         {f['nom']}  sha256 {f['sha256']}")
        print(libelle_version(engine, courante))
        return 0
    try:
        new = restaurer(engine, args.numero, utilisateur)
    except ImportErrorFr as exc:
        print(exc.texte())
        return 1
    print(f"Version {args.numero} remise en service (nouvelle version {new}).")
    if not args.sans_publication:
        _publier(engine)
    return 0


def _publier(engine) -> None:  # noqa: ANN001 (an Engine)
    """The new version's publication, built before the command returns (docs/secret.md)."""
    from lib.publication.refresh import publish_current

    print("Publication protégée de la nouvelle version…", flush=True)
    version = publish_current(engine)
    print(f"Publication de la version {version} prête.")


if __name__ == "__main__":
    sys.exit(main())
