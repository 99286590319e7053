//! `forces.geojson`, `events.geojson` and `movements.geojson`.

use geojson::{Feature, JsonObject};
use serde_json::json;

use super::geojson::{line, point, props};
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

fn force_props(g: &Gazetteer, t: &TaggedArticle, f: &Force) -> JsonObject {
    let p = g.place(f.place);
    let text = &t.article.text;
    props([
        ("id", json!(force_id(g, &t.article.id, f))),
        ("article", json!(t.article.id)),
        ("place", json!(p.name)),
        ("place_id", json!(p.id)),
        ("actor", json!(f.actor)),
        ("kind", json!(f.kind.as_str())),
        ("quantity", json!(f.quantity)),
        ("unit", json!(f.unit)),
        ("status", json!(f.status.as_str())),
        ("evidence", json!(text[f.sentence.0..f.sentence.1])),
        ("date", json!(t.article.date)),
        ("title", json!(t.article.title)),
        ("source", json!(t.article.source)),
        ("url", json!(t.article.url)),
        ("rules", json!(f.rules.join("; "))),
    ])
}

pub fn features(g: &Gazetteer, tagged: &[TaggedArticle]) -> Vec<Feature> {
    tagged
        .iter()
        .flat_map(|t| t.forces.iter().map(move |f| (t, f)))
        .map(|(t, f)| {
            let p = g.place(f.place);
            point(p.lon, p.lat, force_props(g, t, f))
        })
        .collect()
}

pub fn movements(g: &Gazetteer, tagged: &[TaggedArticle]) -> Vec<Feature> {
    let mut out = Vec::new();
    for t in tagged {
        for f in &t.forces {
            let Some(o) = event::origin(g, f) else {
                continue;
            };
            let (po, pd) = (g.place(o), g.place(f.place));
            let mut props = force_props(g, t, f);
            props.insert("origin".into(), json!(po.name));
            props.insert("origin_id".into(), json!(po.id));
            out.push(line(&[(po.lon, po.lat), (pd.lon, pd.lat)], props));
        }
    }
    out
}

pub fn events(g: &Gazetteer, tagged: &[TaggedArticle], events: &[Event]) -> Vec<Feature> {
    events
        .iter()
        .map(|e| {
            let t = &tagged[e.article];
            let p = g.place(e.place);
            point(
                p.lon,
                p.lat,
                props([
                    ("id", json!(format!("{}:{}", t.article.id, p.id))),
                    ("article", json!(t.article.id)),
                    ("place", json!(p.name)),
                    ("place_id", json!(p.id)),
                    ("date", json!(t.article.date)),
                    ("title", json!(t.article.title)),
                    ("source", json!(t.article.source)),
                    ("url", json!(t.article.url)),
                    ("summary", json!(t.article.text[e.summary.0..e.summary.1])),
                    ("forces", json!(e.forces)),
                    ("mentions", json!(e.mentions)),
                    ("event_type", json!(e.event_type.as_str())),
                ]),
            )
        })
        .collect()
}
