//! `eventmap tag [FILE]`: each place mention with offsets, chosen place and
//! why; `--jsonl` reads {"id","text"} lines and writes {"id","toponyms"}
//! lines with Unicode code-point offsets.

use std::io::{BufReader, BufWriter, Read, Write};
use std::process::ExitCode;

use anyhow::Context;

use crate::cells::Cells;
use crate::cli::TagArgs;
use crate::export::json;
use crate::gazetteer::{Gazetteer, PlaceIdx, Resolved};

/// A batch of input lines ends after this many lines or bytes, whichever
/// comes first: memory stays bounded on endless input.
const BATCH_LINES: usize = 512;
const BATCH_BYTES: usize = 16 << 20;

pub fn run(args: TagArgs) -> anyhow::Result<ExitCode> {
    let g = Gazetteer::load(&(&args.gazetteer).into()).context("loading the gazetteer")?;
    if args.jsonl {
        return jsonl(&g, args.file.as_deref());
    }
    let text = match &args.file {
        Some(path) => {
            let bytes =
                std::fs::read(path).with_context(|| format!("{}: cannot read", path.display()))?;
            String::from_utf8_lossy(&bytes).into_owned()
        }
        None => {
            let mut s = String::new();
            std::io::stdin()
                .read_to_string(&mut s)
                .context("reading standard input")?;
            s
        }
    };
    let out = std::io::stdout();
    let mut out = BufWriter::new(out.lock());
    for r in g.tag(&text) {
        let p = g.place(r.place);
        writeln!(
            out,
            "{}..{}\t{}\t{} [{}] {:.4},{:.4} {}\tconfidence {:.2}\t{}",
            r.start,
            r.end,
            &text[r.start..r.end],
            p.name,
            p.id,
            p.lat,
            p.lon,
            p.country,
            r.confidence,
            r.why.describe(p.kind)
        )?;
    }
    Ok(ExitCode::SUCCESS)
}

fn jsonl(g: &Gazetteer, file: Option<&std::path::Path>) -> anyhow::Result<ExitCode> {
    let source: Box<dyn Read + Send> = match file {
        Some(p) => Box::new(
            std::fs::File::open(p).with_context(|| format!("{}: cannot open", p.display()))?,
        ),
        None => Box::new(std::io::stdin()),
    };
    let mut input = BufReader::with_capacity(1 << 20, source);
    let mut out = BufWriter::new(std::io::stdout());
    let (mut n, mut bad) = (0usize, 0usize);
    let places = Fragments::new(g.len());
    crate::pipeline::run(
        || {
            crate::pipeline::read_lines(&mut input, &mut n, BATCH_LINES, BATCH_BYTES)
                .context("reading the input")
        },
        |(n, line)| tag_line(g, &places, n, &line),
        |results| {
            for r in results {
                match r {
                    Ok(s) if s.is_empty() => {}
                    Ok(s) => {
                        out.write_all(&s)?;
                        out.write_all(b"\n")?;
                    }
                    Err(e) => {
                        bad += 1;
                        eprintln!("{e}");
                    }
                }
            }
            // The lines done so far, in order: out now, as `extract`'s are.
            out.flush()?;
            Ok(())
        },
    )?;
    out.flush()?;
    if bad > 0 {
        eprintln!("{bad} input line(s) could not be read");
    }
    Ok(ExitCode::SUCCESS)
}

/// The output line for input line `n` (without its newline; empty for a
/// blank line), or the error to report.
fn tag_line(g: &Gazetteer, places: &Fragments, n: usize, line: &[u8]) -> Result<Vec<u8>, String> {
    // Checked sixteen bytes and more at a time; the error reads as std's.
    let line =
        simdutf8::compat::from_utf8(line).map_err(|e| format!("line {n}: not UTF-8: {e}"))?;
    if line.trim().is_empty() {
        return Ok(Vec::new());
    }
    // Typed and borrowed: the text is not copied unless it has escapes.
    let record: Record = serde_json::from_str(line).map_err(|e| {
        match serde_json::from_str::<serde::de::IgnoredAny>(line) {
            Ok(_) => format!("line {n}: no \"text\" string"),
            Err(_) => format!("line {n}: not JSON: {e}"),
        }
    })?;
    let text: &str = &record.text;
    let id = match record.id {
        Some(raw) => Id::Given(raw),
        None => Id::Line(n),
    };
    // Code-point offsets, counted once along the text (mentions come in order).
    let (mut byte, mut chars) = (0, 0);
    let toponyms: Vec<Toponym> = g
        .tag_with_demonyms(text)
        .iter()
        .map(|r| {
            // Sixteen and more bytes at a time (`bytecount`, SIMD chosen
            // at run time): a text is counted once whole.
            if r.start >= byte {
                chars += bytecount::num_chars(&text.as_bytes()[byte..r.start]);
            } else {
                chars = bytecount::num_chars(&text.as_bytes()[..r.start]);
            }
            byte = r.start;
            toponym(text, r, chars)
        })
        .collect();
    let mut out = Vec::with_capacity(64 + toponyms.len() * 160);
    let of = |i: PlaceIdx| {
        let (id, name) = g.place_id_and_name(i);
        let core = g.core(i);
        PlaceParts {
            lat: core.lat,
            lon: core.lon,
            id,
            name,
        }
    };
    write_tagged(&mut out, &Tagged { id, toponyms }, places, of)
        .map_err(|e| format!("line {n}: {e}"))?;
    Ok(out)
}

/// What a toponym says of its place.
struct PlaceParts<'a> {
    lat: f64,
    lon: f64,
    id: &'a str,
    name: &'a str,
}

/// Each place's part of a toponym (`"lat":…,"lon":…,"place_id":…,"place":…`),
/// written the first time a text names the place and copied after: the
/// same countries and cities come back in text after text, and formatting
/// their numbers and escaping their names again cost 12M of `tag`'s 360M
/// instructions on 4 MB of news.
/// The place itself is never decoded: its id and name are read from its
/// bytes, its coordinates from its core.
struct Fragments(Cells<Box<[u8]>>);

impl Fragments {
    fn new(places: usize) -> Fragments {
        Fragments(Cells::new(places))
    }

    /// Place `i`'s part, written from `of(i)` the first time.
    fn get<'a>(
        &self,
        i: PlaceIdx,
        of: impl FnOnce(PlaceIdx) -> PlaceParts<'a>,
    ) -> serde_json::Result<&[u8]> {
        let Some(cell) = self.0.cell(i as usize) else {
            return Err(serde::ser::Error::custom("no such place"));
        };
        if let Some(done) = cell.get() {
            return Ok(done);
        }
        let p = of(i);
        let mut out = Vec::with_capacity(96);
        value(&mut out, b",\"lat\":", &p.lat)?;
        value(&mut out, b",\"lon\":", &p.lon)?;
        value(&mut out, b",\"place_id\":", &p.id)?;
        value(&mut out, b",\"place\":", &p.name)?;
        Ok(cell.get_or_init(|| out.into_boxed_slice()))
    }
}

fn value(out: &mut Vec<u8>, key: &[u8], v: &impl serde::Serialize) -> serde_json::Result<()> {
    out.extend_from_slice(key);
    serde_json::to_writer(&mut *out, v)
}

/// Writes `t` as `serde_json::to_writer` writes its fields and its places'
/// (a test holds them equal), with the keys written as they stand: the
/// derived serialiser escaped every key of every toponym again, more than
/// half of the output's work. A place's coordinates and names come from
/// `places`, written once from `of`.
fn write_tagged<'a>(
    out: &mut Vec<u8>,
    t: &Tagged,
    places: &Fragments,
    of: impl Fn(PlaceIdx) -> PlaceParts<'a>,
) -> serde_json::Result<()> {
    value(out, b"{\"id\":", &t.id)?;
    out.extend_from_slice(b",\"toponyms\":[");
    for (i, p) in t.toponyms.iter().enumerate() {
        value(
            out,
            if i == 0 {
                b"{\"start\":"
            } else {
                b",{\"start\":"
            },
            &p.start,
        )?;
        value(out, b",\"end\":", &p.end)?;
        out.extend_from_slice(b",\"name\":");
        json::string(out, p.name);
        out.extend_from_slice(places.get(p.place, &of)?);
        out.extend_from_slice(b",\"confidence\":");
        json::thousandths(out, p.confidence)?;
        value(out, b",\"demonym\":", &p.demonym)?;
        out.push(b'}');
    }
    out.extend_from_slice(b"]}");
    Ok(())
}

/// An input line: `id` (any JSON, echoed as given) and `text`.
#[derive(serde::Deserialize)]
struct Record<'a> {
    // `null` is an id like any other: echoed, not taken for a missing one.
    #[serde(borrow, default, deserialize_with = "present")]
    id: Option<&'a serde_json::value::RawValue>,
    #[serde(borrow)]
    text: std::borrow::Cow<'a, str>,
}

fn present<'de, D: serde::Deserializer<'de>>(
    d: D,
) -> Result<Option<&'de serde_json::value::RawValue>, D::Error> {
    serde::Deserialize::deserialize(d).map(Some)
}

/// The id written back: the record's own, else its line number.
#[derive(serde::Serialize)]
#[serde(untagged)]
enum Id<'a> {
    Given(&'a serde_json::value::RawValue),
    Line(usize),
}

struct Tagged<'a> {
    id: Id<'a>,
    toponyms: Vec<Toponym<'a>>,
}

/// A mention as written out: code-point offsets, the text, its place and
/// how sure the choice is.
struct Toponym<'a> {
    start: usize,
    end: usize,
    name: &'a str,
    place: PlaceIdx,
    confidence: f64,
    demonym: bool,
}

fn toponym<'a>(text: &'a str, r: &Resolved, start: usize) -> Toponym<'a> {
    Toponym {
        start,
        end: start + text[r.start..r.end].chars().count(),
        name: &text[r.start..r.end],
        place: r.place,
        confidence: r.confidence,
        demonym: r.demonym,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cells::BLOCK;

    /// A line as the derived serialiser writes it.
    #[derive(serde::Serialize)]
    struct Line<'a> {
        id: &'a Id<'a>,
        toponyms: Vec<Written<'a>>,
    }

    #[derive(serde::Serialize)]
    struct Written<'a> {
        start: usize,
        end: usize,
        name: &'a str,
        lat: f64,
        lon: f64,
        place_id: &'a str,
        place: &'a str,
        confidence: f64,
        demonym: bool,
    }

    #[test]
    fn a_place_part_is_written_once_in_any_block() {
        let made = std::cell::Cell::new(0);
        let of = |i: PlaceIdx| {
            made.set(made.get() + 1);
            PlaceParts {
                lat: f64::from(i),
                lon: 0.5,
                id: "x",
                name: "y",
            }
        };
        let f = Fragments::new(3 * BLOCK + 1);
        for i in [0, 5, BLOCK + 7, 3 * BLOCK, 5] {
            let part = f.get(i as PlaceIdx, of).unwrap();
            let want = format!(
                ",\"lat\":{}.0,\"lon\":0.5,\"place_id\":\"x\",\"place\":\"y\"",
                i
            );
            assert_eq!(String::from_utf8_lossy(part), want);
        }
        // Place 5 was asked twice and written once; past the last place is
        // an error.
        assert_eq!(made.get(), 4);
        assert!(f.get(3 * BLOCK as PlaceIdx + 1, of).is_err());
    }

    #[test]
    fn lines_are_written_as_serde_writes_them() {
        let raw = |s: &str| serde_json::value::RawValue::from_string(s.to_string()).unwrap();
        let ids = [
            raw("\"a\\\"b\""),
            raw("17"),
            raw("null"),
            raw("{\"k\":[1,2]}"),
        ];
        // Places with names to escape and coordinates of every form.
        let places: [(f64, f64, &str, &str); 4] = [
            (
                54.6872,
                -0.5,
                "geonames:593116",
                "Vilnius \"the capital\"\n",
            ),
            (1e-7, 25.0, "x:\u{1F600}", "Łódź\t"),
            (-90.0, 180.0, "", ""),
            (
                12.5,
                0.333_333_333_333_333_3,
                "admin1:LT.65",
                "Vilniaus apskritis",
            ),
        ];
        let of = |i: PlaceIdx| {
            let (lat, lon, id, name) = places[i as usize];
            PlaceParts { lat, lon, id, name }
        };
        let toponym = |name, place, confidence| Toponym {
            start: 3,
            end: 9,
            name,
            place,
            confidence,
            demonym: false,
        };
        // Vilnius, named in two texts, is copied from its first writing.
        let cases = [
            Tagged {
                id: Id::Line(42),
                toponyms: vec![],
            },
            Tagged {
                id: Id::Given(&ids[0]),
                toponyms: vec![toponym("Vilnius", 0, 0.91)],
            },
            Tagged {
                id: Id::Given(&ids[1]),
                toponyms: vec![toponym("Łódź\t", 1, 1.0), toponym("", 2, 0.0)],
            },
            Tagged {
                id: Id::Given(&ids[2]),
                toponyms: vec![toponym("\u{1F600}", 3, 0.333_333_333_333_333_3)],
            },
            Tagged {
                id: Id::Given(&ids[3]),
                toponyms: vec![
                    Toponym {
                        demonym: true,
                        ..toponym("Lithuanian", 3, 0.9)
                    },
                    toponym("VILNIUS", 0, 0.5),
                ],
            },
        ];
        let fragments = Fragments::new(places.len());
        for t in &cases {
            let mut ours = Vec::new();
            write_tagged(&mut ours, t, &fragments, of).unwrap();
            let line = Line {
                id: &t.id,
                toponyms: t
                    .toponyms
                    .iter()
                    .map(|p| {
                        let (lat, lon, place_id, place) = places[p.place as usize];
                        Written {
                            start: p.start,
                            end: p.end,
                            name: p.name,
                            lat,
                            lon,
                            place_id,
                            place,
                            confidence: p.confidence,
                            demonym: p.demonym,
                        }
                    })
                    .collect(),
            };
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&line).unwrap()
            );
        }
        // A place the gazetteer does not have is an error, not a panic.
        let lost = Tagged {
            id: Id::Line(1),
            toponyms: vec![toponym("Nowhere", 7, 1.0)],
        };
        assert!(write_tagged(&mut Vec::new(), &lost, &fragments, of).is_err());
    }
}
