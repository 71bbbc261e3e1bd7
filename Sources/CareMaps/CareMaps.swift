/// Thematic maps (choropleths, outlines, institution symbols, legend, scale bar, north arrow and
/// credits) drawn with Cairo as SVG, PDF and PNG.
public enum CareMaps {}
