//! `index.html`: an offline map of every layer in one file, for a quick look
//! without QGIS or a server. Leaflet (BSD-2) and a Natural Earth country
//! outline (public domain, via world-atlas) are embedded in the binary from
//! `web/`; the layers go in as JSON inside `<script type="application/json">`
//! blocks, with `<`, `>` and `&` written as `\u003c`, `\u003e` and `\u0026`
//! so no article text can close the block, and the page puts article text on
//! screen only through `textContent`.

use std::io::Write;

const TEMPLATE: &str = include_str!("../../web/map.html");
const LEAFLET_JS: &str = include_str!("../../web/leaflet.js");
const LEAFLET_CSS: &str = include_str!("../../web/leaflet.css");
const COUNTRIES: &str = include_str!("../../web/countries.geojson");

/// Writes JSON text made safe inside a `<script>` element: the characters
/// HTML could read as markup, and the two line separators old parsers
/// choke on, as JSON escapes (valid wherever they occur, since outside
/// strings JSON has none of them). Writes may split a character anywhere.
pub struct ScriptSafe<'a> {
    out: &'a mut dyn Write,
    /// Bytes of a possible U+2028/U+2029 held back from the last write.
    held: Vec<u8>,
}

impl<'a> ScriptSafe<'a> {
    pub fn new(out: &'a mut dyn Write) -> ScriptSafe<'a> {
        ScriptSafe {
            out,
            held: Vec::new(),
        }
    }

    /// Writes out any bytes held back at the end of the last write.
    pub fn finish(mut self) -> std::io::Result<()> {
        let held = std::mem::take(&mut self.held);
        self.out.write_all(&held)
    }

    fn escape(&mut self, json: &[u8]) -> std::io::Result<()> {
        let mut from = 0;
        // Next `<`, `>` or `&`, and next E2 (a possible U+2028/U+2029), each
        // found by a vectorised search: most of the data needs no escape.
        let mut next_markup = memchr::memchr3(b'<', b'>', b'&', json).unwrap_or(json.len());
        let mut next_e2 = memchr::memchr(0xE2, json).unwrap_or(json.len());
        loop {
            let i = next_markup.min(next_e2);
            if i >= json.len() {
                break;
            }
            let (escape, len): (&[u8], usize) = match json[i] {
                b'<' => (b"\\u003c", 1),
                b'>' => (b"\\u003e", 1),
                b'&' => (b"\\u0026", 1),
                // U+2028 and U+2029 are E2 80 A8 / E2 80 A9 in UTF-8.
                _ if i + 2 >= json.len() => {
                    // Maybe cut short by the end of this write: hold it back.
                    self.out.write_all(&json[from..i])?;
                    self.held.extend_from_slice(&json[i..]);
                    return Ok(());
                }
                _ if json[i + 1] == 0x80 && json[i + 2] == 0xA8 => (b"\\u2028", 3),
                _ if json[i + 1] == 0x80 && json[i + 2] == 0xA9 => (b"\\u2029", 3),
                _ => (&json[i..i + 1], 1),
            };
            self.out.write_all(&json[from..i])?;
            self.out.write_all(escape)?;
            from = i + len;
            if next_markup < from {
                next_markup = memchr::memchr3(b'<', b'>', b'&', &json[from..])
                    .map_or(json.len(), |k| from + k);
            }
            if next_e2 < from {
                next_e2 = memchr::memchr(0xE2, &json[from..]).map_or(json.len(), |k| from + k);
            }
        }
        self.out.write_all(&json[from..])
    }
}

impl Write for ScriptSafe<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.held.is_empty() {
            self.escape(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.held);
            joined.extend_from_slice(buf);
            self.escape(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.out.flush()
    }
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

/// Writes the page: `layers` are (name, parts) of each layer,
/// `articles` the JSON array of `ArticleEntry`.
pub fn write_page(
    w: &mut dyn Write,
    layers: &[(&str, Vec<&super::layers::Part>)],
    articles: &[u8],
) -> std::io::Result<()> {
    let mut rest = TEMPLATE;
    for mark in [
        "/*LEAFLET_CSS*/",
        "/*LEAFLET_JS*/",
        "/*DATA*/",
        "/*COUNTRIES*/",
    ] {
        let Some(at) = rest.find(mark) else { continue };
        w.write_all(&rest.as_bytes()[..at])?;
        rest = &rest[at + mark.len()..];
        match mark {
            "/*LEAFLET_CSS*/" => w.write_all(LEAFLET_CSS.as_bytes())?,
            "/*LEAFLET_JS*/" => w.write_all(LEAFLET_JS.as_bytes())?,
            "/*COUNTRIES*/" => {
                let mut safe = ScriptSafe::new(w);
                safe.write_all(COUNTRIES.as_bytes())?;
                safe.finish()?;
            }
            _ => {
                let mut safe = ScriptSafe::new(w);
                safe.write_all(b"{")?;
                for (name, parts) in layers {
                    write!(safe, "\"{name}\":")?;
                    super::layers::collection(&mut safe, parts)?;
                    safe.write_all(b",")?;
                }
                safe.write_all(b"\"articles\":")?;
                safe.write_all(articles)?;
                safe.write_all(b"}")?;
                safe.finish()?;
            }
        }
    }
    w.write_all(rest.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_json_is_escaped_and_still_parses() {
        let title = "</script><script>alert(1)</script> & <img src=x onerror=alert(2)>\u{2028}é\u{2029} – “quoted”";
        let json = serde_json::to_vec(&serde_json::json!({ "title": title })).unwrap();
        // Written whole and in pieces of every size (cutting characters).
        for piece in [json.len(), 1, 2, 3, 5] {
            let mut out = Vec::new();
            let mut safe = ScriptSafe::new(&mut out);
            for chunk in json.chunks(piece) {
                safe.write_all(chunk).unwrap();
            }
            safe.finish().unwrap();
            let text = String::from_utf8(out).unwrap();
            assert!(
                !text.contains(['<', '>', '&', '\u{2028}', '\u{2029}']),
                "{text}"
            );
            let back: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(back["title"], title, "pieces of {piece}");
        }
    }

    #[test]
    fn the_page_embeds_leaflet_the_outlines_and_the_layers() {
        let entries = serde_json::to_vec(&[ArticleEntry {
            id: "a",
            title: "<b>bold</b>",
            date: None,
            source: "",
            url: "",
        }])
        .unwrap();
        let mut page = Vec::new();
        write_page(&mut page, &[("places", vec![])], &entries).unwrap();
        let text = String::from_utf8(page).unwrap();
        assert!(text.contains("L.map(") && text.contains("leaflet-container"));
        assert!(!text.contains("/*DATA*/") && !text.contains("/*COUNTRIES*/"));
        assert!(text.contains(r#""title":"\u003cb\u003ebold\u003c/b\u003e""#));
        assert!(!text.contains("<b>bold"));
    }
}
