import CareAtlas
import CarePrivacy
import CareFormats
import CareGeometry
import CareMaps
import Foundation

/// The interactive map of `report.html`: Leaflet (from Debian's `libjs-leaflet`, read at report
/// time and inlined), the report's published layers as compact GeoJSON, and a small script of our
/// own. No tile layer and no other resource: the page makes no request.
///
/// Every figure it shows is one the report's GeoJSON layers already publish (`patients_label`,
/// `share_percent`, … after suppression); the classes and colours are the Cairo maps' own
/// (``StudyMaps/map(_:metric:options:)``), so the page, the slides and QGIS agree.
public enum InteractiveMap {
    /// Where Debian's `libjs-leaflet` installs Leaflet; `CAREATLAS_LEAFLET_DIR` overrides it.
    public static let defaultLeafletFolder = "/usr/share/javascript/leaflet"

    /// Leaflet's script and stylesheet, ready to inline.
    public struct Leaflet: Sendable {
        public let script: String
        public let css: String
        public let version: String
    }

    /// The minified Leaflet of `folder` with its stylesheet (its `images/…` references replaced by
    /// `data:` URLs of the same files, so that nothing is fetched); nil when it is not installed.
    public static func leaflet(folder: String? = nil) -> Leaflet? {
        let dir = URL(fileURLWithPath: folder ?? ProcessInfo.processInfo.environment["CAREATLAS_LEAFLET_DIR"] ?? defaultLeafletFolder)
        let script = (try? String(contentsOf: dir.appendingPathComponent("leaflet.min.js"), encoding: .utf8))
            ?? (try? String(contentsOf: dir.appendingPathComponent("leaflet.js"), encoding: .utf8))
        guard let script, var css = try? String(contentsOf: dir.appendingPathComponent("leaflet.css"), encoding: .utf8),
              !script.contains("</script") else { return nil }
        for name in ["layers.png", "layers-2x.png", "marker-icon.png"] {
            let data = try? Data(contentsOf: dir.appendingPathComponent("images").appendingPathComponent(name))
            css = css.replacingOccurrences(of: "url(images/\(name))", with: data.map { "url(data:image/png;base64,\($0.base64EncodedString()))" } ?? "none")
        }
        var version = "?"
        if let r = script.range(of: #"version ?= ?"[0-9.]+""#, options: .regularExpression) {
            version = script[r].split(separator: "\"")[1].description
        }
        return Leaflet(script: script, css: css, version: version)
    }

    /// Credit line for the inlined library (BSD-2-Clause asks for its notice with the binary form).
    static func credit(_ l: Leaflet) -> String {
        "Leaflet \(l.version) (c) 2010-2019 Vladimir Agafonkin, (c) 2010-2011 CloudMade — BSD-2-Clause; Debian libjs-leaflet, inlined"
    }

    // MARK: Data

    /// Largest size of the area geometry in the page before it is simplified further.
    static let areaBudgetBytes = 900_000

    /// The page's data as one JSON text (safe inside a `<script>` element).
    ///
    /// - Parameter simplified: the areas' boundaries simplified ahead (``screenTolerance(_:)``).
    static func data(_ r: StudyResults, layers: [ReportLayers.Layer], mapData: StudyMapData, language: MapLanguage,
                     simplified: SimplifiedGeometries = SimplifiedGeometries()) throws -> String {
        let options = StudyMapOptions(page: .a4, language: language)
        let t = language.texts
        var themes: [JSONValue] = []
        var classIndex: [[Int]] = Array(repeating: [], count: mapData.rows.count)
        for (key, map) in try StudyMaps.standardMaps(mapData, options: options) where map.areas.count == mapData.rows.count {
            for (i, a) in map.areas.enumerated() { classIndex[i].append(a.classIndex) }
            themes.append(.object(["key": .string(key), "title": .string(map.legendTitle),
                                   "classes": .array(map.classes.map { c in
                                       .object(["label": .string(c.label), "color": .string(c.color.description), "hatched": .bool(c.hatched)])
                                   })]))
        }
        // Area properties: the published ones of the areas layer, by code.
        var published: [String: JSONObject] = [:]
        for (_, o) in layers.first(where: { $0.name == "areas" })?.features ?? [] {
            if case let .string(code)? = o["area_code"] { published[code] = o }
        }
        let keep = ["area_code", "area_name", "area_name_en", "patients_label", "share_percent", "penetration_per_10k_aged65",
                    "ci95_lower_per_10k", "ci95_upper_per_10k", "access_score", "plan1_first_stage"]
        let diagonal = DecisionRegion.extent(r).map { hypot($0.width, $0.height) } ?? 0
        let toWGS84 = try CoordinateTransform.borrow(from: r.model.crs, to: .wgs84)
        defer { CoordinateTransform.giveBack(toWGS84) }
        func areaLayer(tolerance: Double) throws -> String {
            var features: [Feature] = []
            for (i, row) in mapData.rows.enumerated() {
                var o: JSONObject = [:]
                let p = published[row.id] ?? [:]
                for k in keep { if let v = p[k], v != .null { o[k] = v } }
                if let g = p["gap_class"]?.stringValue, let gap = GapClass(rawValue: g) { o["gap"] = .string(gap.label(english: language == .en)) }
                o["c"] = .array(classIndex[i].map { .number(Double($0)) })
                let label = try toWGS84.transform(row.labelPoint)
                o["lp"] = .array([Layers.number(label.y, decimals: 5), Layers.number(label.x, decimals: 5)])
                let full = fullGeometry[row.id] ?? row.geometry
                let g = simplified.simplified(full, id: row.id, tolerance: tolerance)
                features.append(Feature(geometry: g, properties: o))
            }
            let data = try GeoJSON.encode(FeatureLayer(name: "areas", crs: r.model.crs, features: features), decimals: 5)
            return String(decoding: data, as: UTF8.self)
        }
        // Simplified for the screen (GEOS, topology preserving) from the full boundaries: 1/4000
        // of the decision region's diagonal (about a third of a pixel when it fills the map, a
        // few metres in 区中央部; not the maps' tolerance, which the whole study area sets), then
        // coarser while the areas alone exceed the budget.
        let fullGeometry = Dictionary(r.areas.map { ($0.id, $0.geometry) }, uniquingKeysWith: { a, _ in a })
        var tolerance = screenTolerance(diagonal)
        var areas = try areaLayer(tolerance: tolerance)
        while areas.utf8.count > areaBudgetBytes, diagonal > 0, tolerance < diagonal / 100 {
            tolerance *= 2
            areas = try areaLayer(tolerance: tolerance)
        }

        // Institutions: kinds with the maps' colours and symbols, the anchor apart.
        let printMap = try StudyMaps.map(mapData, metric: .patients, options: options)
        var kinds: [JSONValue] = []
        let kindKeys = Set(r.model.institutions.enumerated().filter { $0.offset != r.model.anchorIndex }.map(\.element.kind)).sorted()
        for kind in kindKeys {
            let name = t.kindName(kind)
            let layer = printMap.points.first { $0.name == name && !$0.emphasised }
            kinds.append(.object(["kind": .string(kind), "label": .string(name), "color": .string((layer?.color ?? RGBColor(90, 90, 90)).description),
                                  "symbol": .string(layer?.symbol.rawValue ?? "circle")]))
        }
        var institutions: [Feature] = []
        for (g, p) in layers.first(where: { $0.name == "institutions" })?.features ?? [] {
            var o: JSONObject = [:]
            for k in ["name", "kind", "role", "shared_patients_label"] { if let v = p[k], v != .null { o[k] = v } }
            institutions.append(Feature(geometry: g, properties: o))
        }
        // Stage regions of the first plan (published figures only).
        var stages: [Feature] = []
        let firstPlan = r.scenarios.flatMap { $0.level == r.level ? $0.plans.first?.name : nil }
        let stageTolerance = max(tolerance, diagonal / 4000)
        for (g, p) in layers.first(where: { $0.name == "stage_regions" })?.features ?? [] where p["plan"]?.stringValue == firstPlan {
            var o: JSONObject = [:]
            for k in ["stage", "stage_order", "patients_label", "share_percent"] { if let v = p[k], v != .null { o[k] = v } }
            let simple = stageTolerance > 0 ? g.flatMap { try? $0.simplified(tolerance: stageTolerance) } ?? g : g
            stages.append(Feature(geometry: simple, properties: o))
        }
        func encode(_ name: String, _ features: [Feature]) throws -> JSONValue {
            try JSONParser.parse(GeoJSON.encode(FeatureLayer(name: name, crs: r.model.crs, features: features), decimals: 5))
        }
        var bounds: JSONValue = .null
        if let e = DecisionRegion.extent(r) {
            let corners = try [Coordinate(x: e.minX, y: e.minY), Coordinate(x: e.maxX, y: e.maxY), Coordinate(x: e.minX, y: e.maxY),
                               Coordinate(x: e.maxX, y: e.minY)].map { try toWGS84.transform($0) }
            let lats = corners.map(\.y), lons = corners.map(\.x)
            bounds = .array([.array([Layers.number(lats.min()!, decimals: 5), Layers.number(lons.min()!, decimals: 5)]),
                             .array([Layers.number(lats.max()!, decimals: 5), Layers.number(lons.max()!, decimals: 5)])])
        }
        let anchorName = r.model.anchorIndex.map { r.model.institutions[$0].name }
        let texts: JSONObject = [
            "themes": .string(language == .en ? "Theme" : "主題図"), "labels": .string(language == .en ? "Area names" : "地域名"),
            "stages": .string(t.stagesLegend + (language == .en ? " outlines" : "（境界）")),
            "anchor": .string(t.anchor + (anchorName.map { language == .en ? " (\($0))" : "（\($0)）" } ?? "")),
            "patients": .string(language == .en ? "Patients" : "患者数"), "share": .string(language == .en ? "Share" : "割合"),
            "penetration": .string(language == .en ? "Per 10,000 aged 65+" : "65歳以上1万人あたり"),
            "ci": .string(language == .en ? "95% CI" : "95%信頼区間"), "access": .string(language == .en ? "Access (2SFCA)" : "アクセス指標（2SFCA）"),
            "gap": .string(language == .en ? "Gap" : "ギャップ"), "stage": .string(language == .en ? "First stage" : "最初の段階"),
            "shared": .string(language == .en ? "Shared patients" : "共有患者数"), "persons": .string(language == .en ? "" : " 人"),
        ]
        // The areas' GeoJSON text is spliced in as it is (its bytes are the encoder's, sorted keys).
        let rest: JSONValue = .object([
            "themes": .array(themes), "kinds": .array(kinds), "institutions": try encode("institutions", institutions),
            "stages": try encode("stage_regions", stages), "bounds": bounds, "texts": .object(texts),
        ])
        var json = try rest.jsonString()
        json.removeLast()
        json += ",\"areas\":" + areas + "}"
        // Nothing in the data may close the script element.
        return json.replacingOccurrences(of: "</", with: "<\\/")
    }

    /// The first tolerance the page's area boundaries are simplified to, from the diagonal of the
    /// decision region's extent (``DecisionRegion``); doubled while the areas exceed
    /// ``areaBudgetBytes``.
    static func screenTolerance(_ diagonal: Double) -> Double { diagonal / 4000 }

    // MARK: HTML

    /// The section's HTML: the map's element, the data, Leaflet and the script; a notice and no
    /// script when Leaflet is not installed.
    static func html(data: String, leaflet: Leaflet?) -> String {
        guard let leaflet else {
            return "<p class=\"note\" id=\"careatlas-map-missing\">対話型地図は Leaflet（Debian の libjs-leaflet）が見つからないため省略しました。"
                + "The interactive map was left out: Leaflet was not found in \(defaultLeafletFolder) (install libjs-leaflet or set CAREATLAS_LEAFLET_DIR).</p>\n"
        }
        return "<style>\(leaflet.css)\n\(css)</style>\n<div id=\"careatlas-map\" role=\"application\" aria-label=\"interactive map\"></div>\n"
            + "<script id=\"careatlas-data\" type=\"application/json\">\(data)</script>\n"
            + "<script>\(leaflet.script)</script>\n<script>\(script)</script>\n"
            + "<p class=\"note\">地図ライブラリ Map library: \(MarkupEscaping.escape(credit(leaflet)))。背景地図なし（通信しません）No base map: the page makes no request.</p>\n"
    }

    static let css = """
        #careatlas-map{height:640px;border:1px solid #bbb;background:#fff;margin:.5em 0}
        .ca-label{background:none;border:none;font-size:11px;font-weight:600;color:#222;white-space:nowrap;text-shadow:0 0 2px #fff,0 0 2px #fff,0 0 3px #fff;pointer-events:none}
        .ca-label span{position:relative;left:-50%;top:-.7em}
        .ca-legend{background:#fff;padding:6px 8px;border-radius:4px;box-shadow:0 1px 4px rgba(0,0,0,.4);font-size:12px;line-height:1.5;max-width:240px}
        .ca-legend i{display:inline-block;width:14px;height:12px;margin-right:5px;border:1px solid #888;vertical-align:middle}
        .ca-anchor{background:none;border:none}.leaflet-container{font-family:inherit}
        .ca-popup table{border-collapse:collapse;font-size:12px}.ca-popup td{border:none;padding:1px 4px}
        """

    /// The page script (ours; about 150 lines): themes as base layers, overlays by kind, labels that
    /// fit, a legend, tooltips and popups with the published figures.
    static let script = #"""
        (function () {
          'use strict';
          var D = JSON.parse(document.getElementById('careatlas-data').textContent), T = D.texts;
          var map = L.map('careatlas-map', {zoomSnap: 0.25, preferCanvas: false});
          window.careatlasMap = map;
          // The view first (layers added before it would wait for one): the decision region.
          map.fitBounds(D.bounds || L.geoJSON(D.areas).getBounds());
          map.attributionControl.setPrefix('Leaflet (BSD-2-Clause)');
          L.control.scale({imperial: false}).addTo(map);
          function esc(s) { return String(s).replace(/[&<>"]/g, function (c) { return {'&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;'}[c]; }); }
          function num(v, d) { return v == null ? '–' : Number(v).toLocaleString('ja-JP', {maximumFractionDigits: d}); }
          var theme = 0;
          function cls(p) { var t = D.themes[theme]; return t.classes[p.c[theme]]; }
          function style(f) {
            var c = cls(f.properties);
            return {color: '#787878', weight: 0.6, fillOpacity: 0.85, fillColor: c.hatched ? 'url(#ca-hatch-' + theme + '-' + f.properties.c[theme] + ')' : c.color};
          }
          function rows(p) {
            var r = [[T.patients, esc(p.patients_label != null ? p.patients_label : '–') + T.persons]];
            if (p.share_percent != null) r.push([T.share, num(p.share_percent, 1) + ' %']);
            if (p.penetration_per_10k_aged65 != null) r.push([T.penetration, num(p.penetration_per_10k_aged65, 1) +
              (p.ci95_lower_per_10k != null ? '（' + T.ci + ' ' + num(p.ci95_lower_per_10k, 1) + '–' + num(p.ci95_upper_per_10k, 1) + '）' : '')]);
            if (p.access_score != null) r.push([T.access, Number(p.access_score).toPrecision(3)]);
            if (p.gap) r.push([T.gap, esc(p.gap)]);
            if (p.plan1_first_stage) r.push([T.stage, esc(p.plan1_first_stage)]);
            return r;
          }
          function title(p) { return '<b>' + esc(p.area_name) + '</b> <small>' + esc(p.area_code) + '</small>'; }
          var areas = L.geoJSON(D.areas, {style: style, onEachFeature: function (f, layer) {
            var p = f.properties;
            layer.bindTooltip(function () { return title(p) + '<br>' + T.patients + ': ' + esc(p.patients_label != null ? p.patients_label : '–') + T.persons; }, {sticky: true, className: 'ca-tip'});
            layer.bindPopup(function () {
              return '<div class="ca-popup">' + title(p) + '<table>' + rows(p).map(function (r) { return '<tr><td>' + r[0] + '</td><td>' + r[1] + '</td></tr>'; }).join('') + '</table></div>';
            });
            layer.on('mouseover', function () { layer.setStyle({weight: 2.5, color: '#000'}); });
            layer.on('mouseout', function () { areas.resetStyle(layer); });
          }}).addTo(map);
          // Hatch patterns for hatched classes, one per theme and class, in the SVG renderer.
          var svg = map.getRenderer(areas)._container, ns = 'http://www.w3.org/2000/svg', defs = document.createElementNS(ns, 'defs');
          D.themes.forEach(function (t, i) { t.classes.forEach(function (c, k) {
            if (!c.hatched) return;
            var pat = document.createElementNS(ns, 'pattern');
            pat.setAttribute('id', 'ca-hatch-' + i + '-' + k); pat.setAttribute('patternUnits', 'userSpaceOnUse');
            pat.setAttribute('width', '6'); pat.setAttribute('height', '6'); pat.setAttribute('patternTransform', 'rotate(45)');
            pat.innerHTML = '<rect width="6" height="6" fill="' + c.color + '"/><line x1="0" y1="0" x2="0" y2="6" stroke="#8c806c" stroke-width="1.5"/>';
            defs.appendChild(pat);
          }); });
          svg.insertBefore(defs, svg.firstChild);
          // Themes as base layers (empty groups: switching restyles the one area layer).
          var bases = {}, groups = D.themes.map(function (t, i) { var g = L.layerGroup(); g.themeIndex = i; bases[esc(t.title)] = g; return g; });
          if (groups.length) groups[0].addTo(map);
          // Overlays: stage outlines, institutions by kind, the anchor, labels.
          var overlays = {};
          var stages = L.geoJSON(D.stages, {interactive: false, style: function (f) {
            var k = f.properties.stage_order || 1; return {color: '#141414', weight: 0.8 + 0.6 * (k - 1), dashArray: k % 2 === 0 ? '6 3' : null, fill: false};
          }});
          if (D.stages.features.length) { stages.addTo(map); overlays[esc(T.stages)] = stages; }
          function shape(symbol, color) {
            var s = {circle: '<circle cx="7" cy="7" r="5"/>', square: '<rect x="2.5" y="2.5" width="9" height="9"/>', triangle: '<path d="M7 1.5L12.5 12H1.5Z"/>',
              invertedTriangle: '<path d="M7 12.5L12.5 2H1.5Z"/>', diamond: '<path d="M7 1L13 7L7 13L1 7Z"/>', cross: '<path d="M5 1h4v4h4v4h-4v4H5V9H1V5h4Z"/>'}[symbol] || '<circle cx="7" cy="7" r="5"/>';
            return '<svg width="14" height="14" viewBox="0 0 14 14" fill="' + color + '" stroke="#fff" stroke-width="1">' + s + '</svg>';
          }
          function instPopup(p) {
            return '<b>' + esc(p.name) + '</b><br>' + esc(p.kindLabel) + (p.shared_patients_label != null ? '<br>' + T.shared + ': ' + esc(p.shared_patients_label) + T.persons : '');
          }
          var anchor = L.layerGroup();
          D.kinds.forEach(function (k) {
            var g = L.layerGroup(), icon = L.divIcon({className: 'ca-anchor', html: shape(k.symbol, k.color), iconSize: [14, 14], iconAnchor: [7, 7]});
            D.institutions.features.forEach(function (f) {
              var p = f.properties; if (p.kind !== k.kind || p.role === 'anchor') return;
              p.kindLabel = k.label;
              L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {icon: icon, title: p.name}).bindPopup(instPopup(p)).addTo(g);
            });
            overlays[shape(k.symbol, k.color) + ' ' + esc(k.label)] = g;
          });
          D.institutions.features.forEach(function (f) {
            var p = f.properties; if (p.role !== 'anchor') return;
            p.kindLabel = (D.kinds.filter(function (k) { return k.kind === p.kind; })[0] || {label: p.kind}).label;
            var star = '<svg width="26" height="26" viewBox="0 0 26 26"><path d="M13 1l3.5 8 8.5.6-6.6 5.5 2.1 8.4L13 19l-7.5 4.5 2.1-8.4L1 9.6l8.5-.6Z" fill="#e60012" stroke="#fff" stroke-width="1.5"/></svg>';
            L.marker([f.geometry.coordinates[1], f.geometry.coordinates[0]], {icon: L.divIcon({className: 'ca-anchor', html: star, iconSize: [26, 26], iconAnchor: [13, 13]}),
              zIndexOffset: 1000, title: p.name}).bindPopup(instPopup(p)).addTo(anchor);
          });
          anchor.addTo(map); overlays['★ ' + esc(T.anchor)] = anchor;
          // Labels: an area is named when its box on screen can hold its name.
          var labels = L.layerGroup().addTo(map); overlays[esc(T.labels)] = labels;
          var boxes = [];
          areas.eachLayer(function (l) { boxes.push({b: l.getBounds(), p: l.feature.properties}); });
          function relabel() {
            labels.clearLayers();
            var view = map.getBounds().pad(0.1);
            boxes.forEach(function (x) {
              if (!view.intersects(x.b)) return;
              var a = map.latLngToContainerPoint(x.b.getNorthWest()), b = map.latLngToContainerPoint(x.b.getSouthEast());
              if (b.x - a.x < 12 * x.p.area_name.length + 6 || b.y - a.y < 18) return;
              L.marker(x.p.lp, {interactive: false, keyboard: false, icon: L.divIcon({className: 'ca-label', html: '<span>' + esc(x.p.area_name) + '</span>', iconSize: null})}).addTo(labels);
            });
          }
          map.on('zoomend moveend', relabel);
          L.control.layers(bases, overlays, {collapsed: false, position: 'topright'}).addTo(map);
          // Legend of the current theme.
          var legend = L.control({position: 'bottomright'});
          legend.onAdd = function () { this._div = L.DomUtil.create('div', 'ca-legend'); L.DomEvent.disableClickPropagation(this._div); return this._div; };
          legend.update = function () {
            var t = D.themes[theme]; if (!t) return;
            this._div.innerHTML = '<b>' + esc(t.title) + '</b><br>' + t.classes.map(function (c) {
              var bg = c.hatched ? 'repeating-linear-gradient(45deg,' + c.color + ' 0 3px,#8c806c 3px 4px)' : c.color;
              return '<i style="background:' + bg + '"></i>' + esc(c.label);
            }).join('<br>');
          };
          legend.addTo(map); legend.update();
          map.on('baselayerchange', function (e) { theme = e.layer.themeIndex; areas.setStyle(style); legend.update(); });
          relabel();
        })();
        """#
}
