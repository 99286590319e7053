"""Opens an output folder's eventmap.qgs and GeoPackage in QGIS (headless,
Debian's python3-qgis) and reports what QGIS reads: layers valid, renderer,
temporal settings, labels, styles stored in the GeoPackage, the project's
time range; renders the project to a PNG.

usage: /usr/bin/python3 styles/check_qgis.py OUTPUT_DIR [PNG]
"""
import sys, os
os.environ["QT_QPA_PLATFORM"] = "offscreen"
from qgis.core import QgsApplication, QgsProject, QgsVectorLayer, QgsMapSettings, QgsMapRendererParallelJob, QgsRectangle
from qgis.PyQt.QtCore import QSize
app = QgsApplication([], False); app.initQgis()
out = sys.argv[1]
p = QgsProject.instance()
ok = p.read(os.path.join(out, "eventmap.qgs"))
print("project read", ok)
for l in p.mapLayers().values():
    r = l.renderer()
    t = l.temporalProperties()
    print(l.name(), "valid", l.isValid(), "features", l.featureCount(), "renderer", r.type() if r else None,
          "cats", len(r.categories()) if hasattr(r, "categories") else "-", "temporal", t.isActive(), t.mode(),
          "labels", l.labelsEnabled())
print("time range", p.timeSettings().temporalRange())
# gpkg style
for name in ["places","forces","events","movements"]:
    l = QgsVectorLayer(os.path.join(out, "eventmap.gpkg") + "|layername=" + name, name, "ogr")
    print("gpkg", name, l.isValid(), l.featureCount(), l.renderer().type(), "styles in db:", l.listStylesInDatabase()[0])
    g = QgsVectorLayer(os.path.join(out, name + ".geojson"), name, "ogr")
    print("geojson", name, g.renderer().type())
# render to png
ms = QgsMapSettings()
ms.setLayers(list(p.mapLayers().values()))
ms.setOutputSize(QSize(1200, 800))
ms.setDestinationCrs(p.crs())
ms.setExtent(QgsRectangle(-15, 30, 45, 65))
job = QgsMapRendererParallelJob(ms); job.start(); job.waitForFinished()
job.renderedImage().save(sys.argv[2] if len(sys.argv) > 2 else "/tmp/eventmap-qgis.png")
print("errors", [e.message for e in job.errors()])
