import CareFormats
import CareGeometry
import Foundation

/// A QGIS project (`.qgs`, QGIS 3.22's XML) over the layers of a GeoPackage beside it: every layer
/// with its style and labels, in order, visible or not, the project CRS and its saved extent.
///
/// The GeoPackage is referenced relative to the project (`./careatlas.gpkg|layername=areas`), so
/// the folder can be moved or zipped whole. One table may appear as several layers (one per theme)
/// with different styles. The same input gives the same bytes.
public struct QGISProject: Sendable {
    /// One layer of the project, top of the layer list first.
    public struct Layer: Sendable {
        /// Unique id within the project (ASCII letters, digits, `_`); written with the prefix
        /// `careatlas_`, because QGIS ignores layer ids of 10 characters or fewer
        /// (QgsMapLayer::readLayerXml) and gives the layer a random one.
        public var id: String
        /// The name shown in the layer list.
        public var title: String
        /// The GeoPackage table.
        public var table: String
        /// `Point`, `Line` or `Polygon`.
        public var geometry: String
        public var style: LayerStyle
        public var visible: Bool

        public init(id: String, title: String, table: String, geometry: String, style: LayerStyle, visible: Bool) {
            self.id = id
            self.title = title
            self.table = table
            self.geometry = geometry
            self.style = style
            self.visible = visible
        }
    }

    public var title: String
    /// The GeoPackage file name, beside the project.
    public var geoPackage: String
    /// The project CRS (the study's metric CRS); the layers are stored in WGS 84 and drawn in it.
    public var crs: CRS
    /// The extent the project opens on, in `crs`.
    public var extent: Envelope
    public var layers: [Layer]

    public init(title: String, geoPackage: String, crs: CRS, extent: Envelope, layers: [Layer]) {
        self.title = title
        self.geoPackage = geoPackage
        self.crs = crs
        self.extent = extent
        self.layers = layers
    }

    /// The project's XML text.
    public func xml() -> String {
        let x = StyleDocuments.xml
        let n = StyleDocuments.number
        func srs(_ crs: CRS) -> String {
            // QGIS 3.22 builds the CRS from the WKT when the entry has no QGIS-internal srsid
            // (QgsCoordinateReferenceSystem::readXml); the authority id names it.
            let wkt = (try? CRSInfo(crs))?.wkt.map { "<wkt>\(x($0))</wkt>" } ?? ""
            return "<spatialrefsys>\(wkt)<authid>\(x(crs.identifier))</authid></spatialrefsys>"
        }
        func extentXML(_ e: Envelope) -> String {
            "<xmin>\(n(e.minX))</xmin><ymin>\(n(e.minY))</ymin><xmax>\(n(e.maxX))</xmax><ymax>\(n(e.maxY))</ymax>"
        }
        var h = "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        h += "<qgis projectname=\"\(x(title))\" version=\"3.22.16-Białowieża\">\n"
        h += "  <homePath path=\"\"/>\n  <title>\(x(title))</title>\n"
        h += "  <projectCrs>\(srs(crs))</projectCrs>\n"
        h += "  <layer-tree-group>\n    <customproperties/>\n"
        for l in layers {
            h += "    <layer-tree-layer id=\"\(x(Self.layerID(l.id)))\" name=\"\(x(l.title))\" checked=\"\(l.visible ? "Qt::Checked" : "Qt::Unchecked")\" expanded=\"\(l.visible ? 1 : 0)\" providerKey=\"ogr\" source=\"\(x(source(l)))\">\n      <customproperties/>\n    </layer-tree-layer>\n"
        }
        h += "  </layer-tree-group>\n"
        h += "  <mapcanvas name=\"theMapCanvas\" annotationsVisible=\"1\">\n    <units>meters</units>\n    <extent>\(extentXML(extent))</extent>\n"
        h += "    <rotation>0</rotation>\n    <destinationsrs>\(srs(crs))</destinationsrs>\n    <rendermaptile>0</rendermaptile>\n  </mapcanvas>\n"
        h += "  <projectlayers>\n"
        for l in layers {
            let kind = SymbolKind(geometryTypeName: l.geometry.uppercased())
            h += "    <maplayer type=\"vector\" geometry=\"\(x(l.geometry))\" labelsEnabled=\"\(l.style.labels == nil ? 0 : 1)\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"100000000\" maxScale=\"0\" readOnly=\"0\" autoRefreshEnabled=\"0\" refreshOnNotifyEnabled=\"0\" simplifyDrawingHints=\"1\" simplifyAlgorithm=\"0\" simplifyDrawingTol=\"1\" simplifyLocal=\"1\" simplifyMaxScale=\"1\">\n"
            h += "      <id>\(x(Self.layerID(l.id)))</id>\n      <datasource>\(x(source(l)))</datasource>\n      <layername>\(x(l.title))</layername>\n"
            h += "      <srs>\(srs(.wgs84))</srs>\n      <provider encoding=\"UTF-8\">ogr</provider>\n"
            h += indent(StyleDocuments.renderer(l.style, kind: kind), by: 4)
            if let labels = l.style.labels { h += indent(StyleDocuments.labeling(labels), by: 4) }
            h += "      <blendMode>0</blendMode>\n      <featureBlendMode>0</featureBlendMode>\n      <layerOpacity>1</layerOpacity>\n"
            h += "    </maplayer>\n"
        }
        h += "  </projectlayers>\n"
        h += "  <layerorder>\n" + layers.map { "    <layer id=\"\(x(Self.layerID($0.id)))\"/>\n" }.joined() + "  </layerorder>\n"
        // ProjectionsEnabled: QGIS 3.22 reads <projectCrs> only with it.
        h += "  <properties>\n    <Paths>\n      <Absolute type=\"bool\">false</Absolute>\n    </Paths>\n"
        h += "    <SpatialRefSys>\n      <ProjectionsEnabled type=\"int\">1</ProjectionsEnabled>\n    </SpatialRefSys>\n  </properties>\n"
        h += "  <ProjectViewSettings UseProjectScales=\"0\">\n    <Scales/>\n"
        h += "    <DefaultViewExtent xmin=\"\(n(extent.minX))\" ymin=\"\(n(extent.minY))\" xmax=\"\(n(extent.maxX))\" ymax=\"\(n(extent.maxY))\">\n"
        h += "      \(srs(crs))\n    </DefaultViewExtent>\n  </ProjectViewSettings>\n"
        h += "</qgis>\n"
        return h
    }

    /// The id written for a layer.
    public static func layerID(_ id: String) -> String { "careatlas_" + id }

    func source(_ l: Layer) -> String { "./\(geoPackage)|layername=\(l.table)" }

    func indent(_ text: String, by spaces: Int) -> String {
        let pad = String(repeating: " ", count: spaces)
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { $0.isEmpty ? "" : pad + $0 }.joined(separator: "\n")
    }
}
