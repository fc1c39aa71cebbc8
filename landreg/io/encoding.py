"""Character encodings of exchange files: a Shapefile's ``.cpg``, or a guess between UTF-8 and CP1252.

Municipal exports are often Shapefiles or CSV files written by older desktop GIS
in Windows-1252 (a superset of latin-1 for the printable range) with or without
a ``.cpg`` sidecar.  Reading such a file as UTF-8 fails; reading a UTF-8 file as
latin-1 turns ``ø`` into ``Ã¸``.  These helpers decide which encoding to use so
that æøå arrive intact.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from landreg.errors import EncodingError

#: ``.cpg`` spellings (upper case, without blanks) and the Python codec they name.
_CPG_NAMES: dict[str, str] = {
    "UTF-8": "utf-8",
    "UTF8": "utf-8",
    "65001": "utf-8",
    "1252": "cp1252",
    "CP1252": "cp1252",
    "WINDOWS-1252": "cp1252",
    "ANSI1252": "cp1252",
    "ISO-8859-1": "latin-1",
    "ISO8859-1": "latin-1",
    "ISO88591": "latin-1",
    "88591": "latin-1",
    "8859-1": "latin-1",
    "LATIN1": "latin-1",
    "LATIN-1": "latin-1",
    "ISO-8859-15": "iso8859-15",
    "885915": "iso8859-15",
}


#: Python codec -> the name GDAL's Shapefile driver takes in its ``ENCODING`` open option.
_GDAL_NAMES: dict[str, str] = {
    "utf-8": "UTF-8",
    "cp1252": "CP1252",
    "latin-1": "ISO-8859-1",
    "iso8859-15": "ISO-8859-15",
}


def gdal_encoding_name(codec: str) -> str:
    """The GDAL (iconv) name of a codec returned by :func:`shapefile_encoding`."""
    return _GDAL_NAMES[codec]


def codec_from_cpg(text: str, *, where: str = ".cpg") -> str:
    """The Python codec named by the text of a ``.cpg`` file.

    Raises
    ------
    EncodingError
        When the name is not one landreg knows.
    """
    key = text.strip().upper().replace(" ", "")
    if key not in _CPG_NAMES:
        raise EncodingError(
            f"{where}: unknown character encoding {text.strip()!r}; expected one of UTF-8, 1252 "
            "(Windows-1252) or ISO-8859-1 (latin-1) — fix the .cpg file"
        )
    return _CPG_NAMES[key]


def guess_text_encoding(data: bytes) -> str:
    """``'utf-8'`` when ``data`` decodes as UTF-8, else ``'cp1252'`` (or ``'latin-1'`` for bytes CP1252 lacks).

    Plain ASCII decodes as UTF-8 and reads the same in all three.
    """
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        return "utf-8"
    try:
        data.decode("cp1252")
    except UnicodeDecodeError:
        return "latin-1"
    return "cp1252"


def _dbf_text(data: bytes) -> bytes:
    """The record part of a dBase file (header skipped), where the attribute text lives."""
    if len(data) < 12:
        return data
    header_len = int.from_bytes(data[8:10], "little")
    return data[header_len:]


def shapefile_encoding(path: str | Path) -> str:
    """The encoding of a Shapefile's attributes: its ``.cpg`` if present, else guessed from the ``.dbf`` bytes.

    Parameters
    ----------
    path : str or Path
        The ``.shp`` file, or a ``.zip`` holding one Shapefile.

    Returns
    -------
    str
        A Python codec name (``utf-8``, ``cp1252``, ``latin-1``, …).

    Raises
    ------
    EncodingError
        When the ``.cpg`` names an unknown encoding.
    """
    path = Path(path)
    if path.suffix.lower() == ".zip":
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
            cpg = next((n for n in names if n.lower().endswith(".cpg")), None)
            if cpg is not None:
                return codec_from_cpg(zf.read(cpg).decode("ascii", "replace"), where=f"{path.name}/{cpg}")
            dbf = next((n for n in names if n.lower().endswith(".dbf")), None)
            return guess_text_encoding(_dbf_text(zf.read(dbf))) if dbf is not None else "utf-8"
    for suffix in (".cpg", ".CPG"):
        cpg_path = path.with_suffix(suffix)
        if cpg_path.exists():
            return codec_from_cpg(cpg_path.read_text(encoding="ascii", errors="replace"), where=cpg_path.name)
    for suffix in (".dbf", ".DBF"):
        dbf_path = path.with_suffix(suffix)
        if dbf_path.exists():
            return guess_text_encoding(_dbf_text(dbf_path.read_bytes()))
    return "utf-8"


def text_file_encoding(path: str | Path) -> str:
    """The encoding of a text file (CSV): ``utf-8-sig`` with a byte-order mark, else a UTF-8/CP1252 guess."""
    data = Path(path).read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    return guess_text_encoding(data)
