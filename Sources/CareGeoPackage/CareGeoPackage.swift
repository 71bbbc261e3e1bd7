/// OGC GeoPackage export (one SQLite file holding every layer, with QGIS layer styles).
public enum CareGeoPackage {}
