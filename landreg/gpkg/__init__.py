"""Low-level GeoPackage support: binary geometry, core tables and connections.

landreg writes its registry with the standard library's ``sqlite3`` so that
every write is one SQLite transaction under its control.  The file stays a
plain OGC GeoPackage 1.3 (opens in QGIS and GDAL) with an R-tree spatial index.
"""
