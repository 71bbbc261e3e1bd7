/// Thematic maps (choropleths, outlines, institution symbols, legend, scale bar, north arrow and
/// credits) drawn with Cairo as SVG, PDF and PNG, and printable A4 documents.
///
/// Entry points:
/// - ``StudyMapData/init(results:)`` then ``StudyMaps/standardMaps(_:options:)`` (or
///   ``StudyMaps/map(_:metric:options:)``, ``StudyMaps/stageMap(_:options:)``): map values of a study;
/// - ``MapRenderer/render(_:format:metadata:svgIDPrefix:)``: one map as bytes (SVG for inlining
///   with an id prefix, PDF, PNG), byte-identical across runs;
/// - ``PrintDocument/renderPDF(metadata:)``: headings, paragraphs, tables and maps on A4 pages;
/// - ``ClassBreaks/compute(_:method:)`` and ``Classifier``: the classifications on their own.
public enum CareMaps {}
