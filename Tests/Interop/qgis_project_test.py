#!/usr/bin/python3
"""Opens a report's careatlas.qgs in QGIS (Debian's python3-qgis, headless) and checks it.

    QT_QPA_PLATFORM=offscreen /usr/bin/python3 Tests/Interop/qgis_project_test.py REPORT_DIR [OUT_DIR]

Checks, each with a message naming what is wrong:
1. every layer of the project loads from careatlas.gpkg (relative path) and is valid;
2. the project CRS is metric (the study's, not EPSG:4326) and the project opens on the decision
   region: its default view holds the anchor hospital and is smaller than 200 km across (not the
   whole layer, which reaches the islands);
3. the label layer is on: visible in the layer tree, labels enabled on `area_name`, and a render
   of the default view places labels, among them the name of the anchor's own area;
4. every area is drawn in every theme layer with the colour of its class on the Cairo maps: each
   area is rendered alone at its own extent and the pixels around its interior point are compared
   with the class colour that report.html's embedded data gives it (Cairo's classification, read
   independently of the QGIS rules); hatched classes may show the hatch colour too;
5. the stage and catchment regions are dissolved: one polygon part per connected region and no
   interior ring that is not a real hole (every ring of a feature bounds its union).

Writes OUT_DIR/qgis_default_view.png (the project as it opens) for a person to look at.
Exit status 0 when everything holds; the last line says how many checks ran.
"""
import json
import os
import re
import sys

from qgis.core import (QgsApplication, QgsPolygon, QgsCoordinateTransform, QgsFeatureRequest, QgsMapRendererSequentialJob,
                       QgsMapSettings, QgsPointXY, QgsProject, QgsRectangle, QgsGeometry)
from qgis.PyQt.QtCore import QSize
from qgis.PyQt.QtGui import QColor

failures = []
checks = 0


def check(ok, message):
    global checks
    checks += 1
    if not ok:
        failures.append(message)
        print("FAIL:", message)


def embedded_data(report_dir):
    html = open(os.path.join(report_dir, "report.html"), encoding="utf-8").read()
    m = re.search(r'<script id="careatlas-data" type="application/json">(.*?)</script>', html, re.S)
    if not m:
        raise SystemExit("report.html has no embedded map data (careatlas-data)")
    return json.loads(m.group(1).replace("<\\/", "</"))


def render(settings):
    job = QgsMapRendererSequentialJob(settings)
    job.start()
    job.waitForFinished()
    return job.renderedImage(), job.takeLabelingResults()


def main():
    report_dir = os.path.abspath(sys.argv[1])
    out_dir = os.path.abspath(sys.argv[2]) if len(sys.argv) > 2 else None
    data = embedded_data(report_dir)
    QgsApplication.setPrefixPath("/usr", True)  # Debian's QGIS: its CRS database under /usr/share/qgis
    app = QgsApplication([], False)
    app.initQgis()
    project = QgsProject.instance()
    path = os.path.join(report_dir, "careatlas.qgs")
    check(project.read(path), f"QGIS could not read {path}: {project.error()}")
    layers = project.mapLayers()
    check(len(layers) >= 5, f"expected the label layer, the anchor, stages and five themes, got {len(layers)} layers")
    for layer in layers.values():
        check(layer.isValid(), f"layer {layer.name()} ({layer.source()}) is not valid")
        check("careatlas.gpkg" in layer.source() and layer.featureCount() >= 0, f"layer {layer.name()} does not read careatlas.gpkg")

    # 2. CRS and the decision region's extent.
    crs = project.crs()
    check(crs.isValid() and not crs.isGeographic(), f"project CRS {crs.authid()} is not a metric CRS")
    view = project.viewSettings().defaultViewExtent()
    check(not view.isEmpty(), "the project has no default view extent")
    check(view.width() < 200_000 and view.height() < 200_000, f"default view is {view.width()/1000:.0f} × {view.height()/1000:.0f} km: not the decision region")
    institutions = next(l for l in layers.values() if l.id() == "careatlas_institutions")
    to_project = QgsCoordinateTransform(institutions.crs(), crs, project)
    anchors = [f for f in institutions.getFeatures() if f["role"] == "anchor"]
    check(len(anchors) == 1, f"expected one anchor institution, found {len(anchors)}")
    anchor_point = to_project.transform(anchors[0].geometry().asPoint())
    check(view.contains(anchor_point), "the default view does not hold the anchor hospital")
    anchor_layer = next((l for l in layers.values() if l.id() == "careatlas_anchor"), None)
    check(anchor_layer is not None and project.layerTreeRoot().findLayer(anchor_layer.id()).isVisible(), "the anchor layer is missing or off")

    # 3. Labels.
    label_layer = next((l for l in layers.values() if l.id() == "careatlas_area_labels"), None)
    check(label_layer is not None, "no label layer (area_labels)")
    node = project.layerTreeRoot().findLayer(label_layer.id())
    check(node is not None and node.isVisible(), "the label layer is not visible")
    check(label_layer.labelsEnabled(), "labels are not enabled on the label layer")
    check(label_layer.labeling().settings().fieldName == "area_name", "the label layer does not label area_name")
    visible = [l for l in project.layerTreeRoot().checkedLayers()]
    settings = QgsMapSettings()
    settings.setLayers(visible)
    settings.setDestinationCrs(crs)
    settings.setOutputSize(QSize(1600, int(1600 * view.height() / view.width())))
    settings.setExtent(view)
    settings.setBackgroundColor(QColor(255, 255, 255))
    settings.setFlag(settings.DrawLabeling, True)
    image, labels = render(settings)
    if out_dir:
        os.makedirs(out_dir, exist_ok=True)
        image.save(os.path.join(out_dir, "qgis_default_view.png"))
    names = {l.labelText for l in labels.allLabels()} if labels else set()
    areas_layer = next(l for l in layers.values() if l.id() == "careatlas_areas_patients")
    anchor_area = None
    for f in areas_layer.getFeatures():
        if f.geometry().contains(QgsGeometry.fromPointXY(anchors[0].geometry().asPoint())):
            anchor_area = f["area_name"]
    check(len(names) >= 3, f"the default view shows {len(names)} labels")
    check(anchor_area in names, f"the anchor's area {anchor_area} is not labelled (labels: {sorted(names)[:20]})")
    print(f"labels in the default view: {len(names)}; anchor's area {anchor_area} labelled: {anchor_area in names}")

    # 4. Every area in every theme, against the Cairo classes in report.html.
    themes = {t["key"]: (i, t) for i, t in enumerate(data["themes"])}
    by_code = {f["properties"]["area_code"]: f["properties"] for f in data["areas"]["features"]}
    hatch = QColor("#8c806c")
    for layer in layers.values():
        if not layer.id().startswith("careatlas_areas_"):
            continue
        key = layer.id()[len("careatlas_areas_"):]
        check(key in themes, f"theme {key} is not in report.html's map data")
        if key not in themes:
            continue
        index, theme = themes[key]
        transform = QgsCoordinateTransform(layer.crs(), crs, project)
        drawn = 0
        for f in layer.getFeatures():
            code = f["area_code"]
            cls = theme["classes"][by_code[code]["c"][index]]
            expected = QColor(cls["color"])
            geometry = QgsGeometry(f.geometry())
            geometry.transform(transform)
            if geometry.isMultipart():
                # The largest part (an area of islands such as 小笠原村 spans 1,000 km of ocean).
                parts = [QgsGeometry(p.clone()) for p in geometry.constGet()]
                geometry = max(parts, key=lambda p: p.area())
            box = geometry.boundingBox()
            box.grow(max(box.width(), box.height()) * 0.05)
            s = QgsMapSettings()
            s.setLayers([layer])
            s.setDestinationCrs(crs)
            s.setOutputSize(QSize(240, 240))
            s.setExtent(box)
            s.setBackgroundColor(QColor(255, 255, 255))
            s.setFlag(s.DrawLabeling, False)
            img, _ = render(s)
            # The pole of inaccessibility: the interior point farthest from the boundary.
            inside, _ = geometry.poleOfInaccessibility(max(box.width(), box.height()) / 500)
            px = s.mapToPixel().transform(inside.asPoint())
            x, y = int(round(px.x())), int(round(px.y()))
            matches = total = 0
            for dx in range(-2, 3):
                for dy in range(-2, 3):
                    if 0 <= x + dx < img.width() and 0 <= y + dy < img.height():
                        c = QColor(img.pixel(x + dx, y + dy))
                        total += 1
                        close = lambda a: abs(c.red() - a.red()) <= 3 and abs(c.green() - a.green()) <= 3 and abs(c.blue() - a.blue()) <= 3
                        if close(expected) or (cls["hatched"] and close(hatch)):
                            matches += 1
            ok = total > 0 and matches >= total * 0.6
            drawn += ok
            if not ok:
                c = QColor(img.pixel(min(max(x, 0), img.width() - 1), min(max(y, 0), img.height() - 1)))
                check(False, f"{layer.name()}: {code} {f['area_name']} drawn {c.name()} at its interior point, Cairo class {cls['label']} is {expected.name()}")
        check(drawn == layer.featureCount(), f"{layer.name()}: {drawn} of {layer.featureCount()} areas drawn in their class colour")
        print(f"{layer.name()}: {drawn} of {layer.featureCount()} areas drawn in their Cairo class colour")

    # 5. Dissolved regions: each feature's parts are its union's (no shared inner edges), and each
    # hole holds an area (no sliver left between neighbouring areas).
    inner_points = [f.geometry().pointOnSurface() for f in areas_layer.getFeatures()]
    for layer in layers.values():
        if layer.id() not in ("careatlas_stage_regions", "careatlas_catchments"):
            continue
        holes = 0
        withheld = 0
        for f in layer.getFeatures():
            g = f.geometry()
            if g.isNull() or g.isEmpty():
                # A withheld catchment carries no outline: its area set is the secret (issue 15).
                fields = f.fields().names()
                label = f["patients_label"] if "patients_label" in fields else None
                check(label == "x", f"{layer.name()} feature {f.id()}: no geometry but not withheld (patients_label {label!r})")
                withheld += 1
                continue
            dissolved = g.buffer(0, 1)
            check(g.constGet().partCount() == dissolved.constGet().partCount(),
                  f"{layer.name()} feature {f.id()}: {g.constGet().partCount()} parts, {dissolved.constGet().partCount()} after dissolving")
            polygons = list(g.constGet()) if g.isMultipart() else [g.constGet()]
            for polygon in polygons:
                for i in range(polygon.numInteriorRings()):
                    hole = QgsGeometry(QgsPolygon(polygon.interiorRing(i).clone()))
                    holes += 1
                    check(any(hole.contains(p) for p in inner_points),
                          f"{layer.name()} feature {f.id()}: a hole of {hole.area():.2e} square degrees holds no area (a sliver between areas)")
        print(f"{layer.name()}: {layer.featureCount()} regions ({withheld} withheld without an outline), {holes} holes, each holding an area")

    app.exitQgis()
    print(f"qgis project checks: {checks - len(failures)} passed, {len(failures)} failed ({report_dir})")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
