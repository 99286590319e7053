//! QGIS styles and project: a `.qml` per layer (`styles/`, made by
//! `styles/generate.py`, embedded here), written beside each layer so QGIS
//! applies it when the file is opened, stored in the GeoPackage's
//! `layer_styles` table, and `eventmap.qgs`, a project that opens every
//! layer with its style and the temporal controller set to the articles'
//! dates.

use super::table::{LAYERS, Layer};

/// (layer, QML) for every layer.
pub const STYLES: [(&str, &str); 4] = [
    ("places", include_str!("../../styles/places.qml")),
    ("forces", include_str!("../../styles/forces.qml")),
    ("events", include_str!("../../styles/events.qml")),
    ("movements", include_str!("../../styles/movements.qml")),
];

/// The QML style of `layer`.
pub fn qml(layer: &Layer) -> &'static str {
    STYLES
        .iter()
        .find(|(n, _)| *n == layer.name)
        .map_or("", |(_, q)| q)
}

/// What a QML holds inside its `<qgis>` element: the renderer, labels and
/// temporal settings a project's `<maplayer>` carries the same way.
fn body(qml: &str) -> &str {
    let start = qml
        .find("<qgis ")
        .and_then(|i| qml[i..].find('>').map(|j| i + j + 1));
    let end = qml.rfind("</qgis>");
    match (start, end) {
        (Some(s), Some(e)) if s <= e => qml[s..e].trim(),
        _ => "",
    }
}

const WGS84: &str = "<spatialrefsys nativeFormat=\"Wkt\"><wkt>GEOGCRS[\"WGS 84\",DATUM[\"World Geodetic System 1984\",ELLIPSOID[\"WGS 84\",6378137,298.257223563,LENGTHUNIT[\"metre\",1]]],PRIMEM[\"Greenwich\",0,ANGLEUNIT[\"degree\",0.0174532925199433]],CS[ellipsoidal,2],AXIS[\"geodetic latitude (Lat)\",north,ORDER[1],ANGLEUNIT[\"degree\",0.0174532925199433]],AXIS[\"geodetic longitude (Lon)\",east,ORDER[2],ANGLEUNIT[\"degree\",0.0174532925199433]],ID[\"EPSG\",4326]]</wkt><proj4>+proj=longlat +datum=WGS84 +no_defs</proj4><srsid>3452</srsid><srid>4326</srid><authid>EPSG:4326</authid><description>WGS 84</description><projectionacronym>longlat</projectionacronym><ellipsoidacronym>EPSG:7030</ellipsoidacronym><geographicflag>true</geographicflag></spatialrefsys>";

/// Escapes text for an XML attribute or element.
fn xml(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// `eventmap.qgs`: every layer's GeoJSON (paths relative to the project),
/// styled, drawn movements and places under forces and events, and the
/// project's time range `dates` (first and last article date, ISO 8601)
/// for the temporal controller.
pub fn project(dates: Option<(&str, &str)>) -> String {
    // Drawn bottom to top: places, movements, events, forces.
    let order = ["forces", "events", "movements", "places"];
    let layer = |name: &str| LAYERS.iter().copied().find(|l| l.name == name);
    let id = |name: &str| format!("eventmap_{name}");
    let mut tree = String::new();
    let mut maplayers = String::new();
    let mut layerorder = String::new();
    for name in order {
        let Some(l) = layer(name) else { continue };
        let (geometry, wkb) = if l.line {
            ("Line", "LineString")
        } else {
            ("Point", "Point")
        };
        tree.push_str(&format!(
            "<layer-tree-layer id=\"{0}\" name=\"{1}\" source=\"./{1}.geojson\" providerKey=\"ogr\" checked=\"Qt::Checked\" expanded=\"1\"><customproperties/></layer-tree-layer>",
            id(name),
            name
        ));
        layerorder.push_str(&format!("<layer id=\"{}\"/>", id(name)));
        maplayers.push_str(&format!(
            "<maplayer type=\"vector\" geometry=\"{geometry}\" wkbType=\"{wkb}\" autoRefreshEnabled=\"0\" refreshOnNotifyEnabled=\"0\" styleCategories=\"AllStyleCategories\" hasScaleBasedVisibilityFlag=\"0\" minScale=\"100000000\" maxScale=\"0\" simplifyDrawingHints=\"0\" labelsEnabled=\"{labels}\" readOnly=\"0\">\n<id>{id}</id><datasource>./{name}.geojson</datasource><layername>{name}</layername><srs>{WGS84}</srs><provider encoding=\"UTF-8\">ogr</provider>\n{body}\n</maplayer>\n",
            id = id(name),
            labels = u8::from(body(qml(l)).contains("<labeling")),
            body = body(qml(l)),
        ));
    }
    let time = match dates {
        Some((first, last)) => format!(
            "<ProjectTimeSettings timeStepUnit=\"d\" timeStep=\"1\" frameRate=\"1\" cumulativeTemporalRange=\"0\"><TemporalRange><start>{}T00:00:00Z</start><end>{}T23:59:59Z</end></TemporalRange></ProjectTimeSettings>",
            xml(first),
            xml(last)
        ),
        None => String::new(),
    };
    format!(
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n\
<qgis projectname=\"eventmap\" version=\"3.22.16-Białowieża\">\n\
<homePath path=\"\"/><title>eventmap</title><autotransaction active=\"0\"/><evaluateDefaultValues active=\"0\"/><trust active=\"0\"/><projectFlags set=\"\"/>\n\
<projectCrs>{WGS84}</projectCrs>\n\
<layer-tree-group><customproperties/>{tree}</layer-tree-group>\n\
<projectlayers>\n{maplayers}</projectlayers>\n\
<layerorder>{layerorder}</layerorder>\n\
<properties><Paths><Absolute type=\"bool\">false</Absolute></Paths></properties>\n\
{time}\n\
</qgis>\n"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_layer_has_a_style_with_a_renderer() {
        for l in LAYERS {
            let b = body(qml(l));
            assert!(
                b.starts_with('<') && b.contains("<renderer-v2"),
                "{}",
                l.name
            );
        }
    }

    #[test]
    fn the_project_names_every_layer_and_the_date_range() {
        let p = project(Some(("2022-01-24", "2024-03-01")));
        for l in LAYERS {
            assert!(p.contains(&format!("<datasource>./{}.geojson</datasource>", l.name)));
        }
        assert!(p.contains("<start>2022-01-24T00:00:00Z</start>"));
        assert!(p.contains("<end>2024-03-01T23:59:59Z</end>"));
        // Forces and events move with the temporal controller.
        assert_eq!(p.matches("<temporal enabled=\"1\"").count(), 3);
    }
}
