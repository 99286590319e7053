//! Property tests: arbitrary text (random Unicode, combining marks, RTL,
//! emoji, long words, place names glued to anything) through matching,
//! resolution and the event builder: no panic, offsets on char
//! boundaries, coordinates in range, confidences in 0..1.

mod common;

use std::path::Path;

use common::{gaz, lex};
use eventmap::article::{Boilerplate, Meta, make_article};
use eventmap::event;
use proptest::prelude::*;

/// Pieces that exercise the rules: names with accents, force words,
/// numbers, punctuation, scripts and marks.
fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        Just("Suwałki Gap".to_string()),
        Just("Prešov".to_string()),
        Just("Łódź".to_string()),
        Just("the Baltic Sea".to_string()),
        Just("U.S.".to_string()),
        Just("Rota, Spain".to_string()),
        Just("British troops".to_string()),
        Just("from four to six destroyers".to_string()),
        Just("1.500-strong".to_string()),
        Just("anti -missile systems".to_string()),
        Just("near the Finnish border".to_string()),
        Just("\u{0301}\u{200f}\u{202e}".to_string()),
        Just("🛰️🚀".to_string()),
        Just("—".to_string()),
        Just("---\ntitle: x\n".to_string()),
        "[a-zA-Z]{1,12}",
        "[a-zéüŁßÀ]{1,10}",
        "[0-9.,]{1,8}",
        r#"[ \t\n.,;:!?'’"()-]{1,3}"#,
        any::<String>(),
        r"\PC{1,20}",
    ]
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..24).prop_map(|v| v.join(" "))
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(10_000),
        ..ProptestConfig::default()
    })]

    #[test]
    fn tagging_never_panics_and_spans_are_sound(t in text()) {
        let g = gaz();
        for r in g.tag_with_demonyms(&t) {
            prop_assert!(t.is_char_boundary(r.start) && t.is_char_boundary(r.end) && r.start < r.end);
            prop_assert!((0.0..=1.0).contains(&r.confidence));
            let p = g.place(r.place);
            prop_assert!(p.lat.abs() <= 90.0 && p.lon.abs() <= 180.0);
        }
    }

    #[test]
    fn the_event_builder_never_panics(t in text()) {
        let a = make_article("p".into(), Path::new("p.txt"), t.clone(), Meta::default(), &Boilerplate::default());
        for s in &a.sentences {
            prop_assert!(t.is_char_boundary(s.start) && t.is_char_boundary(s.end));
        }
        let tagged = event::tag_article(gaz(), lex(), a);
        for f in &tagged.forces {
            prop_assert!(t.is_char_boundary(f.start) && t.is_char_boundary(f.end));
            prop_assert!(t.is_char_boundary(f.sentence.0) && t.is_char_boundary(f.sentence.1));
        }
    }

    #[test]
    fn arbitrary_bytes_decode_and_build(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let t = String::from_utf8_lossy(&bytes).into_owned();
        let a = make_article("b".into(), Path::new("b.txt"), t, Meta::default(), &Boilerplate::default());
        let _ = event::tag_article(gaz(), lex(), a);
    }
}
