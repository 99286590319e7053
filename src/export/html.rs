//! `index.html`: an offline map of every layer in one file, for a quick look
//! without QGIS or a server. Leaflet (BSD-2) and a Natural Earth country
//! outline (public domain, via world-atlas) are embedded in the binary from
//! `web/`; the layers go in as JSON inside `<script type="application/json">`
//! blocks, with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026`
//! so no article text can close the block, and the page puts article text on
//! screen only through `textContent`.

const TEMPLATE: &str = include_str!("../../web/map.html");
const LEAFLET_JS: &str = include_str!("../../web/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../../web/leaflet.css");
const COUNTRIES: &str = include_str!("../../web/countries.geojson");

/// JSON text made safe inside a `<script>` element: the characters HTML
/// could read as markup, and the two line separators old parsers choke on,
/// as JSON escapes (valid wherever they occur, since they can only occur
/// inside strings).
pub fn script_safe(json: &[u8], out: &mut Vec<u8>) {
    let mut from = 0;
    for (i, &b) in json.iter().enumerate() {
        let escape: &[u8] = match b {
            b'<' => b"\\u003c",
            b'>' => b"\\u003e",
            b'&' => b"\\u0026",
            // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
            0xE2 if json.get(i + 1) == Some(&0x80)
                && matches!(json.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                if json[i + 2] == 0xA8 {
                    b"\\u2028"
                } else {
                    b"\\u2029"
                }
            }
            _ => continue,
        };
        out.extend_from_slice(&json[from..i]);
        out.extend_from_slice(escape);
        from = i + if b == 0xE2 { 3 } else { 1 };
    }
    out.extend_from_slice(&json[from..]);
}

/// One article as the page lists it.
#[derive(serde::Serialize)]
pub struct ArticleEntry<'a> {
    pub id: &'a str,
    pub title: &'a str,
    pub date: Option<&'a str>,
    pub source: &'a str,
    pub url: &'a str,
}

/// The page for `layers` ((name, GeoJSON bytes) of each layer) and `articles`.
pub fn page(
    layers: &[(&str, &[u8])],
    articles: &[ArticleEntry],
) -> Result<Vec<u8>, serde_json::Error> {
    let mut data = Vec::from(&b"{"[..]);
    for (name, geojson) in layers {
        data.extend_from_slice(serde_json::to_string(name)?.as_bytes());
        data.push(b':');
        data.extend_from_slice(geojson);
        data.push(b',');
    }
    data.extend_from_slice(b"\"articles\":");
    data.extend(serde_json::to_vec(articles)?);
    data.push(b'}');
    let mut out =
        Vec::with_capacity(TEMPLATE.len() + LEAFLET_JS.len() + COUNTRIES.len() + data.len() + 1024);
    let mut rest = TEMPLATE;
    for (mark, fill) in [
        ("/*LEAFLET_CSS*/", Fill::Text(LEAFLET_CSS)),
        ("/*LEAFLET_JS*/", Fill::Text(LEAFLET_JS)),
        ("/*DATA*/", Fill::Json(&data)),
        ("/*COUNTRIES*/", Fill::Json(COUNTRIES.as_bytes())),
    ] {
        let Some(at) = rest.find(mark) else { continue };
        out.extend_from_slice(&rest.as_bytes()[..at]);
        match fill {
            Fill::Text(t) => out.extend_from_slice(t.as_bytes()),
            Fill::Json(j) => script_safe(j, &mut out),
        }
        rest = &rest[at + mark.len()..];
    }
    out.extend_from_slice(rest.as_bytes());
    Ok(out)
}

enum Fill<'a> {
    Text(&'a str),
    Json(&'a [u8]),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_json_is_escaped_and_still_parses() {
        let json = serde_json::to_vec(&serde_json::json!({
            "title": "</script><script>alert(1)</script> & <img src=x onerror=alert(2)>\u{2028}"
        }))
        .unwrap();
        let mut out = Vec::new();
        script_safe(&json, &mut out);
        let text = String::from_utf8(out).unwrap();
        assert!(!text.contains('<') && !text.contains('>') && !text.contains('&'));
        assert!(!text.contains('\u{2028}'));
        let back: serde_json::Value = serde_json::from_str(&text).unwrap();
        assert_eq!(
            back["title"],
            "</script><script>alert(1)</script> & <img src=x onerror=alert(2)>\u{2028}"
        );
    }

    #[test]
    fn the_page_embeds_leaflet_the_outlines_and_the_layers() {
        let page = page(
            &[("places", br#"{"type":"FeatureCollection","features":[]}"#)],
            &[ArticleEntry {
                id: "a",
                title: "<b>bold</b>",
                date: None,
                source: "",
                url: "",
            }],
        )
        .unwrap();
        let text = String::from_utf8(page).unwrap();
        assert!(text.contains("L.map(") && text.contains("leaflet-container"));
        assert!(!text.contains("/*DATA*/") && !text.contains("/*COUNTRIES*/"));
        assert!(text.contains(r#""title":"\u003cb\u003ebold\u003c/b\u003e""#));
        assert!(!text.contains("<b>bold"));
    }
}
