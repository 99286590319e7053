#!/usr/bin/env python3
"""Writes the QGIS styles (styles/*.qml) of the four layers.

The .qml files are the data eventmap ships (embedded in the binary, written
beside each layer, stored in the GeoPackage and in output/eventmap.qgs);
this script is how they are made, so a colour or a size rule is changed
here and the files regenerated: python3 styles/generate.py
"""
from pathlib import Path
from xml.sax.saxutils import quoteattr

HERE = Path(__file__).parent

FORCE_KINDS = [
    ("troops", "Troops", "228,26,28"),
    ("warships", "Warships", "55,126,184"),
    ("aircraft", "Aircraft", "77,175,74"),
    ("air_defence", "Air defence", "152,78,163"),
    ("missiles", "Missiles", "255,127,0"),
    ("armour", "Armour", "166,86,40"),
    ("artillery", "Artillery", "247,129,191"),
    ("headquarters", "Headquarters", "60,60,60"),
    ("other", "Other", "153,153,153"),
]
EVENT_TYPES = [
    ("deployment", "Deployment", "228,26,28"),
    ("attack", "Attack", "0,0,0"),
    ("exercise", "Exercise", "255,127,0"),
    ("meeting", "Meeting", "55,126,184"),
    ("statement", "Statement", "77,175,74"),
    ("other", "Other", "153,153,153"),
]
# Forces are sized by quantity: 3 mm for one (or no number), 14 mm at 20,000.
FORCE_SIZE = 'coalesce(scale_exp("quantity", 1, 20000, 3, 14, 0.5), 3)'
LINE_WIDTH = 'coalesce(scale_exp("quantity", 1, 20000, 0.6, 3, 0.5), 0.6)'
# Features are placed in time by their date (ISO 8601 text in every format).
TEMPORAL = (
    '<temporal enabled="1" mode="4" accumulate="0" limitMode="0" fixedDuration="0" durationUnit="d" '
    'startField="" endField="" durationField="" '
    'startExpression="to_date(&quot;date&quot;)" '
    "endExpression=\"to_date(&quot;date&quot;) + to_interval('1 day')\">"
    "<fixedRange><start></start><end></end></fixedRange></temporal>"
)


def props(**kv):
    return "".join(f"<prop k={quoteattr(k)} v={quoteattr(str(v))}/>" for k, v in kv.items())


def data_defined(**exprs):
    inner = "".join(
        f'<Option type="Map" name="{k}"><Option type="bool" name="active" value="true"/>'
        f'<Option type="QString" name="expression" value={quoteattr(v)}/>'
        f'<Option type="int" name="type" value="3"/></Option>'
        for k, v in exprs.items()
    )
    props_ = f'<Option type="Map" name="properties">{inner}</Option>' if exprs else '<Option name="properties"/>'
    return (
        '<data_defined_properties><Option type="Map"><Option type="QString" name="name" value=""/>'
        f'{props_}<Option type="QString" name="type" value="collection"/></Option></data_defined_properties>'
    )


def marker(name, color, size, shape="circle", size_expr=None):
    dd = data_defined(size=size_expr) if size_expr else data_defined()
    return (
        f'<symbol type="marker" name="{name}" alpha="0.85" clip_to_extent="1" force_rhr="0">'
        f"{data_defined()}"
        '<layer class="SimpleMarker" enabled="1" pass="0" locked="0">'
        + props(
            color=f"{color},255", name=shape, outline_color="255,255,255,255",
            outline_style="solid", outline_width="0.3", outline_width_unit="MM",
            size=size, size_unit="MM", angle="0", joinstyle="bevel",
            scale_method="diameter", vertical_anchor_point="1", horizontal_anchor_point="1",
        )
        + dd
        + "</layer></symbol>"
    )


def arrow(name, color):
    fill = (
        '<symbol type="fill" name="@' + name + '@0" alpha="1" clip_to_extent="1" force_rhr="0">'
        + data_defined()
        + '<layer class="SimpleFill" enabled="1" pass="0" locked="0">'
        + props(color=f"{color},255", outline_color="255,255,255,255", outline_style="solid",
                outline_width="0.2", outline_width_unit="MM", style="solid")
        + data_defined()
        + "</layer></symbol>"
    )
    return (
        f'<symbol type="line" name="{name}" alpha="0.8" clip_to_extent="1" force_rhr="0">'
        + data_defined()
        + '<layer class="ArrowLine" enabled="1" pass="0" locked="0">'
        + props(arrow_type="0", arrow_start_width="0.6", arrow_start_width_unit="MM",
                arrow_width="0.6", arrow_width_unit="MM", head_length="3", head_length_unit="MM",
                head_thickness="2", head_thickness_unit="MM", head_type="0", is_curved="1",
                is_repeated="0", offset="0", offset_unit="MM", ring_filter="0")
        + data_defined(arrow_width=LINE_WIDTH, arrow_start_width=LINE_WIDTH)
        + fill
        + "</layer></symbol>"
    )


def categorized(attr, cats, symbol):
    categories = "".join(
        f'<category symbol="{i}" value="{v}" label="{label}" render="true"/>'
        for i, (v, label, _) in enumerate(cats)
    )
    symbols = "".join(symbol(str(i), color) for i, (_, _, color) in enumerate(cats))
    return (
        f'<renderer-v2 type="categorizedSymbol" attr="{attr}" symbollevels="0" enableorderby="0" forceraster="0">'
        f"<categories>{categories}</categories><symbols>{symbols}</symbols>"
        "<rotation/><sizescale/></renderer-v2>"
    )


def labels(field, size, color="40,40,40"):
    return (
        '<labeling type="simple"><settings calloutType="simple">'
        f'<text-style fieldName="{field}" isExpression="0" fontSize="{size}" fontSizeUnit="Point" '
        f'textColor="{color},255" fontFamily="Sans Serif" fontWeight="50" fontItalic="0" textOpacity="1" '
        'namedStyle="Regular" multilineHeight="1" allowHtml="0" capitalization="0" blendMode="0" previewBkgrdColor="255,255,255,255">'
        '<text-buffer bufferDraw="1" bufferSize="0.8" bufferSizeUnits="MM" bufferColor="255,255,255,255" '
        'bufferOpacity="0.8" bufferJoinStyle="128" bufferNoFill="1" bufferBlendMode="0"/></text-style>'
        '<text-format wrapChar="" multilineAlign="3" plussign="0" decimals="3" formatNumbers="0" leftDirectionSymbol="&lt;" '
        'rightDirectionSymbol="&gt;" reverseDirectionSymbol="0" addDirectionSymbol="0" placeDirectionSymbol="0"/>'
        '<placement placement="6" dist="1.5" distUnits="MM" offsetType="0" priority="5" quadOffset="4" '
        'xOffset="0" yOffset="0" offsetUnits="MM" rotationAngle="0" centroidWhole="0" fitInPolygonOnly="0"/>'
        '<rendering drawLabels="1" obstacle="1" obstacleType="1" displayAll="0" upsidedownLabels="0" '
        'limitNumLabels="0" maxNumLabels="2000" scaleVisibility="0" mergeLines="0" zIndex="0" fontMinPixelSize="3" '
        'fontMaxPixelSize="10000" fontLimitPixelSize="0" minFeatureSize="0" labelPerPart="0"/>'
        "</settings></labeling>"
    )


def qml(geometry, body, categories="Symbology|Labeling|Temporal"):
    return (
        "<!DOCTYPE qgis PUBLIC 'http://mrcc.com/qgis.dtd' 'SYSTEM'>\n"
        f'<qgis version="3.22.16-Białowieża" styleCategories="{categories}">\n'
        f"{body}\n"
        f"<layerGeometryType>{geometry}</layerGeometryType>\n"
        "</qgis>\n"
    )


STYLES = {
    # Places: grey dots labelled with their name, bigger the more they are named.
    "places": qml(0, (
        '<renderer-v2 type="singleSymbol" symbollevels="0" enableorderby="0" forceraster="0"><symbols>'
        + marker("0", "90,90,90", "2", size_expr='coalesce(scale_exp("mentions", 1, 50, 2, 6, 0.5), 2)')
        + "</symbols><rotation/><sizescale/></renderer-v2>"
        + labels("name", 9)
    ), "Symbology|Labeling"),
    # Forces: coloured by kind, sized by quantity, labelled with the unit.
    "forces": qml(0, TEMPORAL + categorized(
        "kind", FORCE_KINDS,
        lambda n, c: marker(n, c, "3", size_expr=FORCE_SIZE),
    )),
    # Events: coloured by event type, squares under the forces.
    "events": qml(0, TEMPORAL + categorized(
        "event_type", EVENT_TYPES, lambda n, c: marker(n, c, "3.5", shape="square"),
    )),
    # Movements: curved arrows from origin to place, coloured by force kind.
    "movements": qml(1, TEMPORAL + categorized("kind", FORCE_KINDS, arrow)),
}

if __name__ == "__main__":
    for name, text in STYLES.items():
        (HERE / f"{name}.qml").write_text(text, encoding="utf-8")
        print(f"styles/{name}.qml")
