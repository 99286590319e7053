//! Each recognition and resolution rule, pinned by a sentence that shows it.
//! The sentences are written for the tests, not taken from the seeds.

mod common;

use common::gaz;

/// (surface, place id) of every place found.
fn tags(text: &str) -> Vec<(String, String)> {
    let g = gaz();
    g.tag(text)
        .iter()
        .map(|r| {
            (
                text[r.start..r.end].to_string(),
                g.place(r.place).id.clone(),
            )
        })
        .collect()
}

fn ids(text: &str) -> Vec<String> {
    tags(text).into_iter().map(|(_, id)| id).collect()
}

#[test]
fn longest_name_wins() {
    assert_eq!(
        ids("Tanks rolled along the Suwalki Gap at dawn."),
        ["region:suwalki-gap"]
    );
    assert_eq!(
        ids("Exercises were held in Kaliningrad Oblast."),
        ["region:kaliningrad-oblast"]
    );
}

#[test]
fn lone_rota_is_the_naval_station() {
    assert_eq!(
        ids("Two more destroyers will be based at Rota next year."),
        ["base:rota"]
    );
}

#[test]
fn a_qualifier_picks_the_country() {
    let t = tags("The brigade trained near Vilnius, Lithuania, in March.");
    assert_eq!(t[0].1, "geonames:593116");
}

#[test]
fn acronyms_are_not_villages() {
    assert!(ids("NATO leaders met on Tuesday.").is_empty());
}

#[test]
fn hyphenated_compounds_are_not_places() {
    assert!(ids("The trans-Atlantic alliance held together.").is_empty());
}

#[test]
fn demonyms_are_not_places_but_are_tagged_as_signals() {
    let g = gaz();
    let text = "Lithuanian officers greeted the convoy.";
    assert!(g.tag(text).is_empty());
    let with = g.tag_with_demonyms(text);
    assert_eq!(with.len(), 1);
    assert!(with[0].demonym);
    assert_eq!(g.place(with[0].place).id, "country:LT");
    // A region's adjective is read whole, not as the demonym in it.
    let with = g.tag_with_demonyms("Central American migrants walked north.");
    assert_eq!(with.len(), 1);
    assert_eq!(g.place(with[0].place).id, "region:central-america");
}

#[test]
fn a_place_named_by_its_own_name_comes_before_one_that_has_it_as_another() {
    // GeoNames lists "Arizona" among Yuma's names; the state is Arizona.
    assert_eq!(ids("Officials in Arizona said so."), ["admin1:US.AZ"]);
    // An exonym still finds its city: Kyiv is far larger than any place
    // whose own name is Kiev.
    assert_eq!(ids("Troops left Kiev on Monday."), ["geonames:703448"]);
    // A person's name that is only another name of a place needs evidence
    // for it, however large the place ("Julia" is an old name of Plovdiv).
    assert!(ids("Julia spoke to reporters on Friday.").is_empty());
    assert_eq!(ids("Talks in Geneva resumed."), ["geonames:2660646"]);
    // "White House" is also among Casablanca's names (and a town in
    // Tennessee): the landmark of that name comes first.
    assert_eq!(
        ids("Aides at the White House declined to comment."),
        ["feature:white-house"]
    );
    let g = gaz();
    let text = "Troops left Kiev on Monday.";
    let r = &g.tag(text)[0];
    assert!(
        r.why
            .describe(g.place(r.place).kind)
            .contains("another of its names")
    );
}

#[test]
fn a_demonym_countries_share_names_the_most_populous() {
    // "French" is also the French Southern Lands' demonym, "Norwegian"
    // Svalbard's, "Indian" the British Indian Ocean Territory's.
    let g = gaz();
    for (text, id, code) in [
        ("French frigates sailed.", "country:FR", "FR"),
        ("Norwegian troops landed.", "country:NO", "NO"),
        ("Indian diplomats met.", "country:IN", "IN"),
    ] {
        let with = g.tag_with_demonyms(text);
        assert_eq!(g.place(with[0].place).id, id, "{text}");
        assert_eq!(g.demonym(text.split(' ').next().unwrap()), Some(code));
    }
}

#[test]
fn a_first_name_before_a_town_makes_a_person() {
    assert!(
        ids("Talks with Vladimir Putin stalled.")
            .iter()
            .all(|id| !id.starts_with("geonames:"))
    );
    assert!(ids("Diplomat Victoria Nuland flew home.").is_empty());
}

#[test]
fn a_name_the_text_gives_a_person_is_the_person_where_it_stands_alone() {
    // Sutton is a town near London; here it is Sarah Sutton again.
    assert_eq!(
        tags("The board hired Sarah Sutton last year. Sutton will lead the office in London."),
        [("London".to_string(), "geonames:2643743".to_string())]
    );
    // Unless the text says it is the place.
    assert_eq!(
        ids("The board hired Sarah Sutton last year. She moved to Sutton, near London."),
        ["geonames:2636503", "geonames:2643743"]
    );
}

#[test]
fn months_are_not_places() {
    assert!(ids("May brought heavy rain to the region.").is_empty());
    // Nor their abbreviations (Nov is a town in Tajikistan).
    assert!(ids("The vote is on Nov 3.").is_empty());
}

#[test]
fn a_function_word_that_starts_a_sentence_is_no_place_whatever_is_near() {
    // As is a village in Belgium, near Brussels.
    assert_eq!(
        ids("As the storm approached, residents of Brussels fled."),
        ["geonames:2800866"]
    );
}

#[test]
fn a_city_inside_an_organisation_name_is_still_the_city() {
    assert_eq!(
        ids("The story ran in the Washington Post on Friday."),
        ["geonames:4140963"]
    );
}

#[test]
fn georgia_near_tbilisi_is_the_country_near_atlanta_the_state() {
    assert!(ids("Protests in Tbilisi spread across Georgia.").contains(&"country:GE".to_string()));
    assert!(ids("Storms hit Atlanta and much of Georgia.").contains(&"admin1:US.GA".to_string()));
}

#[test]
fn a_tiny_village_needs_support_from_its_neighbours() {
    // "Summit" is a village in the gazetteer and an English word.
    assert!(ids("The Summit ended without a statement.").is_empty());
}

#[test]
fn country_short_forms_resolve() {
    assert_eq!(ids("Troops from the U.K. landed."), ["country:GB"]);
    assert_eq!(ids("Britain sent jets."), ["country:GB"]);
    assert!(
        ids("They told us to wait.").is_empty(),
        "lower-case 'us' is a pronoun"
    );
}

#[test]
fn confidence_is_in_range() {
    for r in gaz().tag("Ships sailed from Rota to the Black Sea via the Bosporus and Istanbul.") {
        assert!((0.0..=1.0).contains(&r.confidence));
    }
}

#[test]
fn names_with_accents_keep_char_boundaries() {
    // A multi-byte letter in the first four bytes of a name ("Prešov", "Gabès").
    let t = tags("Troops moved from Prešov to Gabès and on to Łódź.");
    assert!(t.iter().any(|(s, _)| s == "Prešov"), "{t:?}");
    assert!(t.iter().any(|(s, _)| s == "Łódź"), "{t:?}");
}

#[test]
fn found_names_are_in_order_without_overlap_and_their_candidates_distinct() {
    // "Washington" is a hundred places: its candidates come once each,
    // sorted; "the Baltic Sea" is one name, not "the Baltic" then "Sea".
    let text = "Troops moved from Washington to the Baltic Sea, then Riga and Washington.";
    let found = gaz().find(text);
    let spans = spans_of(text, &found);
    assert_eq!(
        spans,
        ["Washington", "Baltic Sea", "Riga", "Washington"],
        "{spans:?}"
    );
    assert!(found.mentions.windows(2).all(|w| w[0].end <= w[1].start));
    let washington = found.candidates(&found.mentions[0]);
    assert!(washington.len() > 10, "{}", washington.len());
    assert!(washington.windows(2).all(|w| w[0] < w[1]));
    assert_eq!(washington, found.candidates(&found.mentions[3]));
}

#[test]
fn a_name_spelt_in_lower_case_is_found_written_so_after_a_capital() {
    // "pamas" (a village in Iran) is spelt in lower case: a word in lower
    // case right after a name ("Tehran pamas") may start it, and is looked
    // up, though most such words ("Baltic states") are not.
    for (text, span) in [
        ("Tehran pamas said", "pamas"),
        ("Officials in Pamas said", "Pamas"),
    ] {
        let spans = spans_of(text, &gaz().find(text));
        assert!(spans.contains(&span), "{text}: {spans:?}");
    }
}

/// The names `find` reported in `text`, in order.
fn spans_of<'a>(text: &'a str, found: &eventmap::gazetteer::Found) -> Vec<&'a str> {
    found
        .mentions
        .iter()
        .map(|m| &text[m.start..m.end])
        .collect()
}
