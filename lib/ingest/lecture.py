"""Read a CSV or XLSX table as blocks of text cells, refusing hostile files with a French message.

CSV: separator `;`, `,` or tab and encoding UTF-8 or Windows-1252/Latin-1 are detected.
XLSX: the first sheet, read as a stream (openpyxl read-only), after checking that the
archive is not a decompression bomb. Every cell comes out as stripped text (an empty
cell is ""); each block's index is the line number in the file (header = line 1), so a
problem is reported where the user will find it in a spreadsheet.
"""

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from lib.ingest.errors import ImportErrorFr, Probleme

BLOC = 200_000  # lines per block: bounded memory whatever the file's size
RATIO_MAX_ZIP = 100  # an XLSX compresses ~5-20x; a bomb, thousands of times
_ZIP = b"PK\x03\x04"
_OLE = b"\xd0\xcf\x11\xe0"  # the old binary Excel (.xls)
_XLSX_ILLISIBLE = "« {nom} » n'est pas un classeur .xlsx lisible (fichier tronqué ou abîmé ?) : rien n'a été chargé."
_ENTETE_SEULE = "« {nom} » ne contient que l'en-tête : aucune ligne de données."
_PARSER_LINE = re.compile(r"Expected (\d+) fields in line (\d+), saw (\d+)")


@dataclass
class Tableau:
    """A readable table: its header (normalised names) and an iterator of text blocks."""

    nom: str
    sha256: str
    entete: list[str]
    entete_brut: list[str]
    blocs: Iterator[pd.DataFrame]
    format_fichier: str  # "CSV (;, UTF-8)" …
    lignes_estimees: int = 0  # from the size and the first lines: for a progress bar only
    lignes_lues: int = field(default=0)


def normaliser(nom: object) -> str:
    """A header as typed → its canonical name: "Date premier accueil" → "date_premier_accueil"."""
    s = unicodedata.normalize("NFKD", str(nom)).encode("ascii", "ignore").decode().strip().lower()
    return re.sub(r"[^a-z0-9]+", "_", s).strip("_")


def lire_tableau(source: bytes | Path, nom: str, taille_max: int, bloc: int = BLOC) -> Tableau:
    """Open `source` (named `nom` for the messages). Raises ImportErrorFr if it cannot be read."""
    nom = Path(nom).name
    taille = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    if taille > taille_max:
        raise ImportErrorFr(
            f"« {nom} » pèse {_mo(taille)} : la limite est de {_mo(taille_max)} par fichier "
            "(réglage taille_max_mo de la section [import] de config.toml). Rien n'a été chargé."
        )
    debut = _debut(source)
    if not debut.strip():
        raise ImportErrorFr(
            f"« {nom} » est vide : une ligne d'en-tête puis une ligne par enregistrement sont attendues."
        )
    empreinte = _sha256(source)
    if debut.startswith(_ZIP):
        return _lire_xlsx(source, nom, empreinte, taille_max, bloc)
    if nom.lower().endswith((".xlsx", ".xlsm")) and not debut.startswith(_OLE):
        raise ImportErrorFr(_XLSX_ILLISIBLE.format(nom=nom))
    if debut.startswith(_OLE):
        raise ImportErrorFr(f"« {nom} » est un classeur Excel ancien (.xls) : enregistrez-le au format .xlsx ou .csv.")
    if b"\x00" in debut:
        raise ImportErrorFr(
            f"« {nom} » n'est pas un fichier texte (contenu binaire) : un fichier .csv ou .xlsx est attendu."
        )
    if taille <= len(debut) and not any(line.strip() for line in debut.splitlines()[1:]):
        raise ImportErrorFr(_ENTETE_SEULE.format(nom=nom))
    return _lire_csv(source, nom, empreinte, debut, bloc)


def _mo(n: int) -> str:
    return f"{n / 1_048_576:.1f} Mo".replace(".", ",")


def _ouvrir(source: bytes | Path) -> io.BufferedIOBase:
    return io.BytesIO(source) if isinstance(source, bytes) else open(source, "rb")  # noqa: SIM115


def _debut(source: bytes | Path, n: int = 65_536) -> bytes:
    with _ouvrir(source) as f:
        return f.read(n)


def _sha256(source: bytes | Path) -> str:
    h = hashlib.sha256()
    with _ouvrir(source) as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _encodage(source: bytes | Path) -> str:
    """UTF-8 if the whole file decodes as such, else Windows-1252 (Excel's CSV), else Latin-1."""
    for encoding in ("utf-8-sig", "cp1252"):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with _ouvrir(source) as f:
                for block in iter(lambda: f.read(1 << 20), b""):
                    decoder.decode(block)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    return "latin-1"  # decodes any byte


def _separateur(premiere_ligne: str) -> str:
    counts = {sep: premiere_ligne.count(sep) for sep in (";", ",", "\t")}
    return max(counts, key=lambda s: counts[s]) if any(counts.values()) else ";"


def _lire_csv(source: bytes | Path, nom: str, empreinte: str, debut: bytes, bloc: int) -> Tableau:
    encoding = _encodage(source)
    premiere = debut.decode(encoding, errors="replace").lstrip("\ufeff").splitlines()[0]
    sep = _separateur(premiere)
    entete_brut = [c.strip().strip('"') for c in premiere.split(sep)]
    libelle = {"utf-8-sig": "UTF-8", "cp1252": "Windows-1252", "latin-1": "Latin-1"}[encoding]
    sep_nom = {";": "point-virgule", ",": "virgule", "\t": "tabulation"}[sep]
    tableau = Tableau(
        nom, empreinte, [normaliser(c) for c in entete_brut], entete_brut, iter(()), f"CSV ({sep_nom}, {libelle})"
    )
    taille = len(source) if isinstance(source, bytes) else Path(source).stat().st_size
    tableau.lignes_estimees = int(taille / max(1, len(debut) / max(1, debut.count(b"\n"))))
    tableau.blocs = _blocs_csv(source, nom, encoding, sep, len(entete_brut), bloc, tableau)
    return tableau


def _blocs_csv(
    source: bytes | Path, nom: str, encoding: str, sep: str, ncols: int, bloc: int, tableau: Tableau
) -> Iterator[pd.DataFrame]:
    with _ouvrir(source) as f:
        # The header is parsed too: its width is then the expected one, and a longer line is a
        # ParserError naming it (with `names=`, pandas would silently take the extra value as an index).
        reader = pd.read_csv(
            f,
            sep=sep,
            encoding=encoding,
            dtype=str,
            header=None,
            keep_default_na=False,
            na_filter=False,
            skip_blank_lines=False,  # keeps the line numbers those of the file
            chunksize=bloc,
            engine="c",
        )
        ligne = 1
        try:
            for chunk in reader:
                chunk.index = pd.RangeIndex(ligne, ligne + len(chunk))
                ligne += len(chunk)
                if chunk.index[0] == 1:
                    chunk = chunk.iloc[1:]
                yield _nettoyer(chunk.fillna("").iloc[:, :ncols], tableau)
        except pd.errors.ParserError as exc:
            raise ImportErrorFr(
                f"« {nom} » est illisible à partir d'une ligne : rien n'a été chargé.", [_parser(exc)]
            ) from exc
    _verifier_non_vide(nom, tableau)


def _parser(exc: pd.errors.ParserError) -> Probleme:
    m = _PARSER_LINE.search(str(exc))
    if m is None:
        return Probleme("structure CSV incohérente (guillemet non fermé ?)")
    attendu, ligne, lu = (int(x) for x in m.groups())
    return Probleme(
        f"{lu} valeurs au lieu de {attendu} (séparateur en trop dans une valeur ? mettez-la entre guillemets)",
        ligne=ligne,
    )


def _nettoyer(chunk: pd.DataFrame, tableau: Tableau) -> pd.DataFrame:
    """Strip the cells, drop the empty lines (their numbers stay those of the file)."""
    chunk = chunk.apply(lambda s: s.str.strip()) if len(chunk) else chunk
    chunk.columns = tableau.entete[: chunk.shape[1]]
    vide = (chunk == "").all(axis=1)
    chunk = chunk[~vide] if vide.any() else chunk
    tableau.lignes_lues += len(chunk)
    return chunk


def _verifier_non_vide(nom: str, tableau: Tableau) -> None:
    if tableau.lignes_lues == 0:
        raise ImportErrorFr(_ENTETE_SEULE.format(nom=nom))


# ---------------------------------------------------------------- XLSX


def _lire_xlsx(source: bytes | Path, nom: str, empreinte: str, taille_max: int, bloc: int) -> Tableau:
    from openpyxl import load_workbook  # only for XLSX files

    illisible = _XLSX_ILLISIBLE.format(nom=nom)
    try:
        with zipfile.ZipFile(_ouvrir(source)) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, EOFError, OSError) as exc:
        raise ImportErrorFr(illisible) from exc
    deplie = sum(i.file_size for i in infos)
    compresse = max(1, sum(i.compress_size for i in infos))
    if deplie > 20 * taille_max or deplie / compresse > RATIO_MAX_ZIP:
        raise ImportErrorFr(
            f"« {nom} » est refusé : son contenu décompressé ({_mo(deplie)}) est démesuré par rapport au fichier "
            f"({_mo(compresse)}) — archive piégée (« bombe de décompression ») ou classeur anormal."
        )
    try:
        wb = load_workbook(_ouvrir(source), read_only=True, data_only=True)
        rows = wb.worksheets[0].iter_rows(values_only=True)
        entete_brut = [_texte(v) for v in next(rows, ())]
    except Exception as exc:  # noqa: BLE001 (openpyxl raises KeyError, BadZipFile, ValueError… on a damaged file)
        raise ImportErrorFr(illisible) from exc
    while entete_brut and entete_brut[-1] == "":
        entete_brut.pop()
    if not entete_brut:
        raise ImportErrorFr(f"« {nom} » est vide : la première feuille n'a pas de ligne d'en-tête.")
    tableau = Tableau(nom, empreinte, [normaliser(c) for c in entete_brut], entete_brut, iter(()), "XLSX")
    tableau.lignes_estimees = wb.worksheets[0].max_row or 0
    tableau.blocs = _blocs_xlsx(rows, wb, nom, len(entete_brut), bloc, tableau, illisible)
    return tableau


def _blocs_xlsx(rows, wb, nom: str, ncols: int, bloc: int, tableau: Tableau, illisible: str) -> Iterator[pd.DataFrame]:  # noqa: ANN001
    ligne = 2
    buffer: list[list[str]] = []
    try:
        for row in rows:
            buffer.append([_texte(v) for v in row[:ncols]] + [""] * (ncols - len(row)))
            if len(buffer) == bloc:
                yield _bloc(buffer, ligne, tableau)
                ligne += len(buffer)
                buffer = []
    except ImportErrorFr:
        raise
    except Exception as exc:  # noqa: BLE001 (damaged sheet XML in the middle of the file)
        raise ImportErrorFr(illisible, [Probleme("lecture interrompue", ligne=ligne + len(buffer))]) from exc
    finally:
        wb.close()
    if buffer:
        yield _bloc(buffer, ligne, tableau)
    _verifier_non_vide(nom, tableau)


def _bloc(buffer: list[list[str]], ligne: int, tableau: Tableau) -> pd.DataFrame:
    frame = pd.DataFrame(buffer, index=pd.RangeIndex(ligne, ligne + len(buffer)), dtype=object)
    return _nettoyer(frame, tableau)


def _texte(v: object) -> str:
    """An Excel cell as the text a CSV would hold: 12.0 → "12", a date → "2010-03-15"."""
    if v is None:
        return ""
    if isinstance(v, dt.datetime):
        return v.date().isoformat() if v.time() == dt.time() else v.isoformat(sep=" ")
    if isinstance(v, dt.date):
        return v.isoformat()
    if isinstance(v, float) and v.is_integer():
        return str(int(v))
    return str(v).strip()
