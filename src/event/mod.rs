//! What the articles report at places. For now: which places each article
//! names, aggregated into one record per place for the places layer.
//!
//! Takes the gazetteer's resolved mentions; never looks at raw names.

use std::collections::BTreeMap;

use crate::article::Article;
use crate::gazetteer::{Gazetteer, PlaceIdx, Resolved};

/// One article with the places it names.
#[derive(Debug, Clone)]
pub struct TaggedArticle {
    pub article: Article,
    pub mentions: Vec<Resolved>,
}

/// One place across all articles: the places layer's row.
#[derive(Debug, Clone, PartialEq)]
pub struct PlaceSummary {
    pub place: PlaceIdx,
    pub mentions: usize,
    /// Article ids, sorted.
    pub articles: Vec<String>,
    /// The highest confidence of any of its mentions.
    pub confidence: f64,
}

/// Tags one article.
pub fn tag_article(g: &Gazetteer, article: Article) -> TaggedArticle {
    let mentions = g.tag(&article.text);
    TaggedArticle { article, mentions }
}

/// One summary per place named anywhere, ordered by place id.
pub fn summarise_places(g: &Gazetteer, tagged: &[TaggedArticle]) -> Vec<PlaceSummary> {
    let mut by_place: BTreeMap<&str, PlaceSummary> = BTreeMap::new();
    for t in tagged {
        for m in &t.mentions {
            let s = by_place
                .entry(&g.place(m.place).id)
                .or_insert_with(|| PlaceSummary {
                    place: m.place,
                    mentions: 0,
                    articles: Vec::new(),
                    confidence: 0.0,
                });
            s.mentions += 1;
            if !s.articles.contains(&t.article.id) {
                s.articles.push(t.article.id.clone());
            }
            s.confidence = s.confidence.max(m.confidence);
        }
    }
    by_place
        .into_values()
        .map(|mut s| {
            s.articles.sort();
            s
        })
        .collect()
}
