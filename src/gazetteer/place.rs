//! A gazetteer entry and its kind.

use serde::{Deserialize, Serialize};

/// What sort of place an entry is. Serialised lower-case into the layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PlaceKind {
    Continent,
    Country,
    Region,
    Sea,
    Base,
    City,
    Town,
    Village,
    Area,
    Feature,
}

impl PlaceKind {
    /// Every kind, in declaration order (`kind as u8` indexes it).
    pub const ALL: [PlaceKind; 10] = [
        PlaceKind::Continent,
        PlaceKind::Country,
        PlaceKind::Region,
        PlaceKind::Sea,
        PlaceKind::Base,
        PlaceKind::City,
        PlaceKind::Town,
        PlaceKind::Village,
        PlaceKind::Area,
        PlaceKind::Feature,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            PlaceKind::Continent => "continent",
            PlaceKind::Country => "country",
            PlaceKind::Region => "region",
            PlaceKind::Sea => "sea",
            PlaceKind::Base => "base",
            PlaceKind::City => "city",
            PlaceKind::Town => "town",
            PlaceKind::Village => "village",
            PlaceKind::Area => "area",
            PlaceKind::Feature => "feature",
        }
    }

    /// Parses a kind as written in a gazetteer CSV (`base`, `region`, ...).
    pub fn parse(s: &str) -> Option<PlaceKind> {
        Some(match s.trim().to_ascii_lowercase().as_str() {
            "continent" => PlaceKind::Continent,
            "country" => PlaceKind::Country,
            "region" => PlaceKind::Region,
            "sea" | "strait" | "ocean" | "gulf" => PlaceKind::Sea,
            "base" => PlaceKind::Base,
            "city" => PlaceKind::City,
            "town" => PlaceKind::Town,
            "village" => PlaceKind::Village,
            "area" => PlaceKind::Area,
            "feature" | "landmark" | "building" => PlaceKind::Feature,
            _ => return None,
        })
    }

    /// Populated places: the kinds whose points are a settlement.
    pub fn is_settlement(self) -> bool {
        matches!(self, PlaceKind::City | PlaceKind::Town | PlaceKind::Village)
    }
}

/// One gazetteer entry.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Place {
    /// Stable id: `geonames:593116`, `country:LT`, `admin1:UA.06`, `base:rota`.
    pub id: String,
    /// Canonical name (also `names[0]`).
    pub name: String,
    pub kind: PlaceKind,
    pub lat: f64,
    pub lon: f64,
    /// ISO 3166-1 alpha-2 of the containing country, empty for none.
    pub country: String,
    /// GeoNames first-level division code within `country`, empty if unknown.
    pub admin1: String,
    pub population: u64,
    /// GeoNames feature code (`PPLC`, `PPLA`, ...) or the curated kind.
    pub feature: String,
    /// Every name the entry answers to, canonical first.
    pub names: Vec<String>,
}

impl Place {
    /// A capital (`PPLC`) or seat of a first-order division (`PPLA`).
    /// `PlaceCore::major`.
    pub fn is_major(&self) -> bool {
        matches!(self.kind, PlaceKind::Country | PlaceKind::Continent)
            || self.feature == "ADM1"
            || self.population >= 100_000
            || self.is_capital()
    }

    pub fn is_capital(&self) -> bool {
        self.feature == "PPLC"
    }

    pub fn is_admin_seat(&self) -> bool {
        self.feature == "PPLA"
    }
}

/// The facts about a place that resolution compares, packed small so the
/// inner loop compares integers and stays in cache.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PlaceCore {
    pub lat: f64,
    pub lon: f64,
    /// ISO alpha-2 as two bytes, 0 for none.
    pub country: u16,
    /// Interned first-level division code (unique per country), 0 for none.
    pub admin1: u32,
    pub kind: PlaceKind,
    /// A first-level division entry itself (not a place inside one).
    pub is_admin1: bool,
    /// A country, continent, first-level division, capital or place of
    /// 100,000 people or more: known well enough to need less evidence.
    pub major: bool,
    /// `resolve::prior` of the place, computed once at load.
    pub prior: f64,
    /// The pattern (key) of its own name, `NO_KEY` if that has none: a
    /// mention of another pattern names it by one of its other names.
    pub key: u32,
}

/// `PlaceCore::key` of a place whose own name is no key (too short).
pub const NO_KEY: u32 = u32::MAX;

impl PlaceCore {
    pub fn country_code(code: &str) -> u16 {
        match code.as_bytes() {
            [a, b] => u16::from_le_bytes([*a, *b]),
            _ => 0,
        }
    }

    /// Settlements and bases: the places whose neighbours are evidence.
    pub fn is_local(&self) -> bool {
        self.kind.is_settlement() || self.kind == PlaceKind::Base
    }
}

/// Great-circle distance in kilometres (geo's haversine on the mean radius).
pub fn distance_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    use geo::{Distance, Haversine, Point};
    Haversine.distance(Point::new(lon1, lat1), Point::new(lon2, lat2)) / 1000.0
}

/// geo's mean Earth radius, in kilometres.
const EARTH_RADIUS_KM: f64 = 6371.0088;

/// Whether two points are less than `km` apart: `distance_km(..) < km`,
/// with the trigonometry only for points the bounds below cannot tell.
///
/// The haversine is `h = sin²(Δφ/2) + cos φ1 cos φ2 sin²(Δλ/2)` and the
/// distance `2R asin(√h)`, so the points are nearer than `km` exactly when
/// `h < sin²(a)`, `a = km / 2R`. Bounds without trigonometry (x ≥ 0):
/// `x - x³/6 ≤ sin x ≤ x` and `1 - x²/2 ≤ cos x ≤ 1 - x²/2 + x⁴/24`; each
/// side is decided only with a margin far above rounding. Most pairs an
/// article gives are plainly near or plainly far.
pub fn within_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64, km: f64) -> bool {
    use std::f64::consts::{PI, TAU};
    let (p1, p2) = (lat1.to_radians(), lat2.to_radians());
    // sin² is even and of period π in Δλ/2: Δλ taken into [0, π].
    let mut dl = (lon1 - lon2).abs().to_radians();
    if dl > TAU {
        dl %= TAU;
    }
    if dl > PI {
        dl = TAU - dl;
    }
    let (x, y) = ((p1 - p2).abs() / 2.0, dl / 2.0);
    let sin_low = |v: f64| (v - v * v * v / 6.0).max(0.0);
    let cos_low = |p: f64| (1.0 - p * p / 2.0).max(0.0);
    let cos_high = |p: f64| 1.0 - p * p / 2.0 + p * p * p * p / 24.0;
    let h_low = sin_low(x).powi(2) + cos_low(p1) * cos_low(p2) * sin_low(y).powi(2);
    let h_high = x * x + cos_high(p1) * cos_high(p2) * y * y;
    let a = km / (2.0 * EARTH_RADIUS_KM);
    const MARGIN: f64 = 1e-9;
    if h_low > a * a * (1.0 + MARGIN) {
        return false;
    }
    if h_high < sin_low(a).powi(2) * (1.0 - MARGIN) {
        return true;
    }
    distance_km(lat1, lon1, lat2, lon2) < km
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn near_and_far_points_are_told_as_the_haversine_tells_them() {
        // Vilnius: Kaunas (~90 km) near, Warsaw (~390 km) and Washington far.
        assert!(within_km(54.69, 25.28, 54.9, 23.9, 250.0));
        assert!(!within_km(54.69, 25.28, 52.23, 21.01, 250.0));
        assert!(!within_km(54.69, 25.28, 38.9, -77.04, 250.0));
        // Astride the date line (~55 km), and near a pole.
        assert!(within_km(10.0, 179.8, 10.0, -179.7, 250.0));
        assert!(within_km(89.5, 0.0, 89.5, 180.0, 250.0));
    }

    proptest::proptest! {
        #[test]
        fn within_km_is_the_haversine_compared(
            lat1 in -90.0f64..90.0, lon1 in -180.0f64..180.0,
            dlat in -4.0f64..4.0, dlon in -60.0f64..60.0,
            km in 1.0f64..2000.0,
        ) {
            let lat2 = (lat1 + dlat).clamp(-90.0, 90.0);
            let lon2 = lon1 + dlon;
            proptest::prop_assert_eq!(
                within_km(lat1, lon1, lat2, lon2, km),
                distance_km(lat1, lon1, lat2, lon2) < km
            );
        }
    }

    #[test]
    fn vilnius_to_warsaw_is_about_390_km() {
        let d = distance_km(54.6872, 25.2797, 52.2297, 21.0122);
        assert!((d - 391.0).abs() < 10.0, "{d}");
    }

    #[test]
    fn every_kind_is_at_its_number() {
        for (i, k) in PlaceKind::ALL.iter().enumerate() {
            assert_eq!(*k as usize, i, "{k:?}");
        }
    }

    #[test]
    fn kinds_parse_from_csv_words() {
        assert_eq!(PlaceKind::parse("Strait"), Some(PlaceKind::Sea));
        assert_eq!(PlaceKind::parse("base"), Some(PlaceKind::Base));
        assert_eq!(PlaceKind::parse("planet"), None);
    }
}
