//! Compact JSON for the records written most (features, places, tagged
//! mentions), byte for byte as `serde_json` writes them (the tests of each
//! writer hold them equal) with less work: a string is scanned sixteen
//! bytes at a time for what needs escaping, where serde_json looks up every
//! byte, and keys, fixed identifiers, are written as they stand.

use crate::gazetteer::fold::first;

/// Writes `s` as a JSON string, escaped as serde_json escapes it: `"`, `\`
/// and the control characters (`\b \t \n \f \r`, the others `\u00XX`).
#[inline]
pub fn string(out: &mut Vec<u8>, s: &str) {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let b = s.as_bytes();
    // Needs no escape (`c & 0xE0 != 0` is `c >= 0x20`, in a form the
    // vector unit compares).
    let plain = |c: u8| (c & 0xE0 != 0) & (c != b'"') & (c != b'\\');
    if b.len() < 16 && b.iter().all(|&c| plain(c)) {
        // Shorter than one step of the scan, and nothing to escape.
        out.reserve(b.len() + 2);
        out.push(b'"');
        out.extend_from_slice(b);
        out.push(b'"');
        return;
    }
    out.reserve(b.len() + 2);
    out.push(b'"');
    let mut from = 0;
    while let Some(i) = first(b, from, |c| !plain(c)) {
        out.extend_from_slice(&b[from..i]);
        match b[i] {
            b'"' => out.extend_from_slice(b"\\\""),
            b'\\' => out.extend_from_slice(b"\\\\"),
            0x08 => out.extend_from_slice(b"\\b"),
            b'\t' => out.extend_from_slice(b"\\t"),
            b'\n' => out.extend_from_slice(b"\\n"),
            0x0C => out.extend_from_slice(b"\\f"),
            b'\r' => out.extend_from_slice(b"\\r"),
            c => out.extend_from_slice(&[
                b'\\',
                b'u',
                b'0',
                b'0',
                HEX[usize::from(c >> 4)],
                HEX[usize::from(c & 0xF)],
            ]),
        }
        from = i + 1;
    }
    out.extend_from_slice(&b[from..]);
    out.push(b'"');
}

/// Writes a number (or anything else) as serde_json does.
#[inline]
pub fn value(out: &mut Vec<u8>, v: &impl serde::Serialize) -> serde_json::Result<()> {
    serde_json::to_writer(out, v)
}

/// Writes `v` as serde_json does, from a table when it is a number of
/// thousandths in 0..=1 (a confidence, which is rounded to thousandths
/// where it is made): each of those is formatted once a process, by
/// serde_json itself, and copied after; any other number is formatted as
/// it comes.
#[inline]
pub fn thousandths(out: &mut Vec<u8>, v: f64) -> serde_json::Result<()> {
    static TABLE: std::sync::OnceLock<Vec<Box<[u8]>>> = std::sync::OnceLock::new();
    // Saturating: a negative number, NaN or -0.0 gives 0, whose entry is
    // not its bits.
    let k = (v * 1000.0).round() as u32;
    // The very number the table holds for k (not merely close to it).
    if k <= 1000 && (f64::from(k) / 1000.0).to_bits() == v.to_bits() {
        let table = TABLE.get_or_init(|| {
            (0..=1000)
                .map(|k| {
                    serde_json::to_vec(&(f64::from(k) / 1000.0))
                        .unwrap_or_default()
                        .into_boxed_slice()
                })
                .collect()
        });
        if let Some(text) = table.get(k as usize).filter(|t| !t.is_empty()) {
            out.extend_from_slice(text);
            return Ok(());
        }
    }
    value(out, &v)
}

/// A JSON object written a member at a time, in the order given (a struct
/// derived `Serialize` writes its fields in declaration order).
pub struct Object<'a> {
    out: &'a mut Vec<u8>,
    empty: bool,
}

impl<'a> Object<'a> {
    #[inline]
    pub fn new(out: &'a mut Vec<u8>) -> Object<'a> {
        out.push(b'{');
        Object { out, empty: true }
    }

    /// Starts member `key` (an identifier: nothing in it to escape); its
    /// value is to be written next.
    #[inline]
    pub fn member(&mut self, key: &str) -> &mut Vec<u8> {
        debug_assert!(key.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_'));
        if !self.empty {
            self.out.push(b',');
        }
        self.empty = false;
        self.out.push(b'"');
        self.out.extend_from_slice(key.as_bytes());
        self.out.extend_from_slice(b"\":");
        self.out
    }

    #[inline]
    pub fn str(&mut self, key: &str, v: &str) -> &mut Self {
        string(self.member(key), v);
        self
    }

    /// A string, or `null`.
    #[inline]
    pub fn opt_str(&mut self, key: &str, v: Option<&str>) -> &mut Self {
        match v {
            Some(v) => self.str(key, v),
            None => self.raw(key, b"null"),
        }
    }

    /// A number as serde_json writes it, from `thousandths`' table when
    /// it is one of those (a confidence).
    #[inline]
    pub fn thousandths(&mut self, key: &str, v: f64) -> serde_json::Result<&mut Self> {
        thousandths(self.member(key), v)?;
        Ok(self)
    }

    /// A number, bool or other value, as serde_json writes it.
    #[inline]
    pub fn value(&mut self, key: &str, v: &impl serde::Serialize) -> serde_json::Result<&mut Self> {
        value(self.member(key), v)?;
        Ok(self)
    }

    /// Member `key` with `json`, already JSON, as its value.
    #[inline]
    pub fn raw(&mut self, key: &str, json: &[u8]) -> &mut Self {
        self.member(key).extend_from_slice(json);
        self
    }

    #[inline]
    pub fn end(&mut self) {
        self.out.push(b'}');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(s: &str) -> String {
        let mut out = Vec::new();
        string(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_as_serde_json_escapes_them() {
        for s in [
            "",
            "Vilnius",
            "a \"quoted\" \\ back\\slash",
            "tab\tnew\nline\r\u{8}\u{c}\u{1}\u{1f}\u{7f}",
            "Łódź \u{2028} \u{1F600} / </script>",
            "sixteen bytes...\"and then some more than sixteen bytes\n",
        ] {
            assert_eq!(ours(s), serde_json::to_string(s).unwrap(), "{s:?}");
        }
    }

    #[test]
    fn thousandths_are_written_as_serde_json_writes_them() {
        let mut numbers: Vec<f64> = (0..=1000).map(|k| f64::from(k) / 1000.0).collect();
        // Not thousandths, or out of the table's range: formatted as they come.
        numbers.extend([0.0005, 0.1234, -0.0, -0.5, 1.5, 2.0, 1e-9, f64::NAN]);
        for v in numbers {
            let mut out = Vec::new();
            thousandths(&mut out, v).unwrap();
            let expected = serde_json::to_vec(&v).unwrap();
            assert_eq!(out, expected, "{v}");
        }
    }

    #[test]
    fn an_object_is_written_as_a_struct_is() {
        #[derive(serde::Serialize)]
        struct S<'a> {
            a: &'a str,
            b: Option<&'a str>,
            c: f64,
            d: Option<u64>,
            e_f: bool,
        }
        let s = S {
            a: "x\"y",
            b: None,
            c: 0.1 + 0.2,
            d: Some(7),
            e_f: true,
        };
        let mut out = Vec::new();
        Object::new(&mut out)
            .str("a", s.a)
            .opt_str("b", s.b)
            .value("c", &s.c)
            .and_then(|o| o.value("d", &s.d))
            .and_then(|o| o.value("e_f", &s.e_f))
            .unwrap()
            .end();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            serde_json::to_string(&s).unwrap()
        );
    }

    proptest::proptest! {
        #[test]
        fn any_string_is_escaped_as_serde_json_escapes_it(s in "(?s).{0,80}") {
            proptest::prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
        }

        #[test]
        fn control_characters_anywhere(
            chars in proptest::collection::vec(proptest::sample::select(vec!['a', '"', '\\', '\n', '\u{0}', '\u{1b}', 'é', '\t']), 0..40)
        ) {
            let s: String = chars.into_iter().collect();
            proptest::prop_assert_eq!(ours(&s), serde_json::to_string(&s).unwrap());
        }
    }
}
