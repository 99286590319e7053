//! `forces.geojson`, `events.geojson` and `movements.geojson`.

use super::geojson::{Properties, Typed};
use super::json::Object;
use crate::event::{self, Event, Force, TaggedArticle};
use crate::gazetteer::Gazetteer;

/// The stable id of a force: article, offset of its unit, place, status, quantity.
pub fn force_id(g: &Gazetteer, article: &str, f: &Force) -> String {
    format!(
        "{article}:{}:{}:{}:{}",
        f.start,
        g.place(f.place).id,
        f.status.as_str(),
        f.quantity.map_or("n".to_string(), |q| q.to_string())
    )
}

/// A force's properties, fields in key order (sorted, as a JSON object of
/// them is written); a movement adds its origin.
#[derive(serde::Serialize)]
pub struct ForceProps<'a> {
    actor: &'a str,
    article: &'a str,
    date: Option<&'a str>,
    evidence: &'a str,
    id: String,
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    origin_id: Option<&'a str>,
    place: &'a str,
    place_id: &'a str,
    quantity: Option<u64>,
    rules: String,
    source: &'a str,
    status: &'static str,
    title: &'a str,
    unit: &'a str,
    url: &'a str,
}

impl Properties for ForceProps<'_> {
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        let mut o = Object::new(out);
        o.str("actor", self.actor)
            .str("article", self.article)
            .opt_str("date", self.date)
            .str("evidence", self.evidence)
            .str("id", &self.id)
            .str("kind", self.kind);
        if let Some(origin) = self.origin {
            o.str("origin", origin);
        }
        if let Some(origin_id) = self.origin_id {
            o.str("origin_id", origin_id);
        }
        o.str("place", self.place)
            .str("place_id", self.place_id)
            .value("quantity", &self.quantity)?
            .str("rules", &self.rules)
            .str("source", self.source)
            .str("status", self.status)
            .str("title", self.title)
            .str("unit", self.unit)
            .str("url", self.url)
            .end();
        Ok(())
    }
}

fn force_props<'a>(g: &'a Gazetteer, t: &'a TaggedArticle, f: &'a Force) -> ForceProps<'a> {
    let p = g.place(f.place);
    let a = &t.article;
    ForceProps {
        actor: &f.actor,
        article: &a.id,
        date: a.date.as_deref(),
        evidence: &a.text[f.sentence.0..f.sentence.1],
        id: force_id(g, &a.id, f),
        kind: f.kind.as_str(),
        origin: None,
        origin_id: None,
        place: &p.name,
        place_id: &p.id,
        quantity: f.quantity,
        rules: f.rules.join("; "),
        source: &a.source,
        status: f.status.as_str(),
        title: &a.title,
        unit: &f.unit,
        url: &a.url,
    }
}

pub fn features<'a>(g: &'a Gazetteer, tagged: &'a [TaggedArticle]) -> Vec<Typed<ForceProps<'a>>> {
    tagged
        .iter()
        .flat_map(|t| t.forces.iter().map(move |f| (t, f)))
        .map(|(t, f)| {
            let p = g.place(f.place);
            Typed::point(p.lon, p.lat, force_props(g, t, f))
        })
        .collect()
}

pub fn movements<'a>(g: &'a Gazetteer, tagged: &'a [TaggedArticle]) -> Vec<Typed<ForceProps<'a>>> {
    let mut out = Vec::new();
    for t in tagged {
        for f in &t.forces {
            let Some(o) = event::origin(g, f) else {
                continue;
            };
            let (po, pd) = (g.place(o), g.place(f.place));
            let props = ForceProps {
                origin: Some(&po.name),
                origin_id: Some(&po.id),
                ..force_props(g, t, f)
            };
            out.push(Typed::line(&[(po.lon, po.lat), (pd.lon, pd.lat)], props));
        }
    }
    out
}

/// An event's properties, fields in key order.
#[derive(serde::Serialize)]
pub struct EventProps<'a> {
    article: &'a str,
    date: Option<&'a str>,
    event_type: &'static str,
    forces: usize,
    id: String,
    mentions: usize,
    place: &'a str,
    place_id: &'a str,
    source: &'a str,
    summary: &'a str,
    title: &'a str,
    url: &'a str,
}

impl Properties for EventProps<'_> {
    fn write(&self, out: &mut Vec<u8>) -> serde_json::Result<()> {
        Object::new(out)
            .str("article", self.article)
            .opt_str("date", self.date)
            .str("event_type", self.event_type)
            .value("forces", &self.forces)?
            .str("id", &self.id)
            .value("mentions", &self.mentions)?
            .str("place", self.place)
            .str("place_id", self.place_id)
            .str("source", self.source)
            .str("summary", self.summary)
            .str("title", self.title)
            .str("url", self.url)
            .end();
        Ok(())
    }
}

pub fn events<'a>(
    g: &'a Gazetteer,
    tagged: &'a [TaggedArticle],
    events: &[Event],
) -> Vec<Typed<EventProps<'a>>> {
    events
        .iter()
        .map(|e| {
            let a = &tagged[e.article].article;
            let p = g.place(e.place);
            Typed::point(
                p.lon,
                p.lat,
                EventProps {
                    article: &a.id,
                    date: a.date.as_deref(),
                    event_type: e.event_type.as_str(),
                    forces: e.forces,
                    id: format!("{}:{}", a.id, p.id),
                    mentions: e.mentions,
                    place: &p.name,
                    place_id: &p.id,
                    source: &a.source,
                    summary: &a.text[e.summary.0..e.summary.1],
                    title: &a.title,
                    url: &a.url,
                },
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::geojson::LayerFeature;

    fn force() -> ForceProps<'static> {
        ForceProps {
            actor: "Russia",
            article: "a\"1",
            date: None,
            evidence: "Two \"S-400\" batteries\narrived in Kaliningrad.",
            id: "a1:0:geonames:554234:present:2".to_string(),
            kind: "air_defence",
            origin: None,
            origin_id: None,
            place: "Kaliningrad",
            place_id: "geonames:554234",
            quantity: Some(2),
            rules: "kind; quantity".to_string(),
            source: "",
            status: "present",
            title: "Łódź \u{1F600}",
            unit: "batteries",
            url: "https://example.org/?a=1&b=2",
        }
    }

    fn event() -> EventProps<'static> {
        EventProps {
            article: "a1",
            date: Some("2024-01-02"),
            event_type: "deployment",
            forces: 3,
            id: "a1:geonames:554234".to_string(),
            mentions: 1,
            place: "Kaliningrad",
            place_id: "geonames:554234",
            source: "BBC",
            summary: "Troops\tarrived.",
            title: "",
            url: "",
        }
    }

    /// The feature's line, checked against `geojson::Feature`'s own
    /// serialisation of the same properties.
    fn line<P: Properties>(f: &Typed<P>) -> String {
        let mut ours = Vec::new();
        f.write(&mut ours).unwrap();
        let feature = serde_json::to_string(&f.to_feature().unwrap()).unwrap();
        assert_eq!(String::from_utf8(ours).unwrap(), feature);
        feature
    }

    #[test]
    fn typed_features_are_written_as_geojson_writes_them() {
        let movement = ForceProps {
            origin: Some("Pskov"),
            origin_id: Some("geonames:504341"),
            ..force()
        };
        let lines = [
            line(&Typed::point(20.51, 54.71, force())),
            line(&Typed::line(&[(28.33, 57.82), (20.51, 54.71)], movement)),
            line(&Typed::point(-0.000_001, 89.999_999, event())),
        ];
        assert!(lines[0].starts_with(r#"{"type":"Feature","geometry":{"type":"Point","coordinates":[20.51,54.71]},"properties":{"actor":"Russia","#));
        assert!(!lines[0].contains("origin"));
        assert!(lines[1].contains(
            r#""kind":"air_defence","origin":"Pskov","origin_id":"geonames:504341","place""#
        ));
    }

    #[test]
    fn property_fields_are_in_key_order() {
        // Read back into a JSON object (keys sorted) and written again: the
        // same text only if the struct's fields were in key order.
        for text in [
            serde_json::to_string(&force()).unwrap(),
            serde_json::to_string(&ForceProps {
                origin: Some("Pskov"),
                origin_id: Some("x"),
                ..force()
            })
            .unwrap(),
            serde_json::to_string(&event()).unwrap(),
        ] {
            let object: serde_json::Value = serde_json::from_str(&text).unwrap();
            assert_eq!(serde_json::to_string(&object).unwrap(), text);
        }
    }
}
