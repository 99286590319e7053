//! Each force rule pinned by a sentence written for the test (none is from
//! the seeds): kind, quantity, owner, place and status.

mod common;

use std::path::Path;

use common::{gaz, lex};
use eventmap::article::{Boilerplate, Meta, make_article};
use eventmap::event::{self, Force};

/// (place name, actor, kind, quantity, status) of every force in `text`.
fn forces(text: &str) -> Vec<(String, String, &'static str, Option<u64>, &'static str)> {
    let a = make_article(
        "t".into(),
        Path::new("t.txt"),
        text.to_string(),
        Meta::default(),
        &Boilerplate::default(),
    );
    let t = event::tag_article(gaz(), lex(), a);
    t.forces
        .iter()
        .map(|f: &Force| {
            (
                gaz().place(f.place).name.clone(),
                f.actor.clone(),
                f.kind.as_str(),
                f.quantity,
                f.status.as_str(),
            )
        })
        .collect()
}

fn one(text: &str) -> (String, String, &'static str, Option<u64>, &'static str) {
    let f = forces(text);
    assert_eq!(f.len(), 1, "{text}: {f:?}");
    f.into_iter().next().unwrap()
}

#[test]
fn kinds_come_from_the_word_list() {
    assert_eq!(
        one("Germany will send three frigates to Norway.").2,
        "warships"
    );
    assert_eq!(
        one("Canada moved four CF-18 fighter jets to Romania last week.").2,
        "aircraft"
    );
    assert_eq!(
        one("The Netherlands deployed a Patriot battery in Slovakia.").2,
        "air_defence"
    );
    assert_eq!(
        one("Washington sent HIMARS to Lithuania for an exercise.").2,
        "missiles"
    );
    assert_eq!(
        one("Poland received 250 Abrams tanks from the United States.").2,
        "armour"
    );
    assert_eq!(
        one("France is sending howitzers to Estonia.").2,
        "artillery"
    );
}

#[test]
fn quantities_from_digits_words_and_ranges() {
    assert_eq!(
        one("Norway has 1,200 soldiers stationed in Lithuania.").3,
        Some(1200)
    );
    assert_eq!(
        one("Sweden sent a 1.500-strong battlegroup to Latvia.").3,
        Some(1500)
    );
    assert_eq!(
        one("Italy will send two more destroyers to Greece.").3,
        Some(2)
    );
    assert_eq!(
        one("Spain sent a dozen fighter jets to Bulgaria.").3,
        Some(12)
    );
    assert_eq!(one("Germany sent hundreds of troops to Lithuania.").3, None);
    assert_eq!(
        one("The Pentagon has more than 10,000 troops in Poland.").3,
        Some(10_000)
    );
    let range = forces("Denmark will raise its frigates in Estonia from two to five.");
    let q: Vec<_> = range.iter().map(|f| (f.3, f.4)).collect();
    assert!(
        q.contains(&(Some(5), "planned")) && q.contains(&(Some(2), "present")),
        "{range:?}"
    );
}

#[test]
fn owners_from_demonyms_subjects_and_nato() {
    assert_eq!(one("British troops arrived in Estonia on Monday.").1, "GB");
    assert_eq!(
        one("Denmark is sending four warships to the Baltic Sea.").1,
        "DK"
    );
    assert_eq!(
        one("Madrid is considering sending ships to Bulgaria.").1,
        "ES"
    );
    assert_eq!(one("NATO will deploy more troops to Romania.").1, "NATO");
    assert_eq!(
        one("Estonia urged NATO to send more troops to Estonia.").1,
        "NATO"
    );
}

#[test]
fn places_are_where_the_force_is_not_its_owner() {
    assert_eq!(one("Belgium sent two minesweepers to Latvia.").0, "Latvia");
    assert_eq!(
        one("In Romania, French troops took part in drills.").0,
        "Romania"
    );
    assert_eq!(
        one("Up to 5,000 Russian troops gathered near the Finnish border.").0,
        "Finland"
    );
    let listed: Vec<String> = forces("Canada sent troops to Latvia, Lithuania and Estonia.")
        .into_iter()
        .map(|f| f.0)
        .collect();
    assert_eq!(listed, ["Latvia", "Lithuania", "Estonia"]);
}

#[test]
fn statuses_from_verbs() {
    assert_eq!(
        one("Hungary has 200 soldiers stationed in Kosovo.").4,
        "present"
    );
    assert_eq!(
        one("Portugal is sending a frigate to Cyprus.").4,
        "deployed"
    );
    assert_eq!(one("Austria plans to send troops to Bosnia.").4, "planned");
    assert_eq!(
        one("The president announced that Norway will send jets to Iceland.").4,
        "announced"
    );
    assert_eq!(
        one("Latvia asked NATO for more air defence systems in Latvia.").4,
        "requested"
    );
    assert_eq!(
        one("Mali ordered France to withdraw its troops from Mali.").4,
        "withdrawn"
    );
}

#[test]
fn names_and_compounds_are_not_forces() {
    assert!(forces("The Air Force museum in Dayton opened.").is_empty());
    assert!(
        forces("An anti-ship missile hit a port in Odesa.")
            .iter()
            .all(|f| f.2 != "warships")
    );
    assert!(forces("Poland improved its force posture in Europe.").is_empty());
}

#[test]
fn ambiguous_words_need_a_military_sentence() {
    assert!(forces("A ship run by a survey firm arrived in the Indian Ocean.").is_empty());
    assert!(
        forces("An aircraft flying from London to Amsterdam emits 50 kilos of CO2.").is_empty()
    );
    assert!(forces("The company opened its headquarters in Spain.").is_empty());
    assert!(forces("The law will force companies in Texas to comply.").is_empty());
    assert!(forces("Washington approved the sale of 40 tanks to Poland.").is_empty());
    assert_eq!(
        one("Italy sent two ships to Libya to support the navy.").2,
        "warships"
    );
    assert_eq!(one("There are 2,000 U.S. troops in Syria.").3, Some(2000));
}

#[test]
fn a_dateline_is_not_the_owner_but_an_acronym_subject_is() {
    assert_eq!(
        one("TALLINN, Jan 24 2022 - Britain sent 20 tanks to Estonia.").1,
        "GB"
    );
    assert_eq!(one("USA will send more troops to Poland.").1, "US");
}
