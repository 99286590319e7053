//! `Text`: the bytes of a rendered part (feature lines, CSV rows), either
//! owned or a range of a shared buffer such as the mapped build cache, so
//! that a build reading thousands of cached articles copies none of them.
//!
//! A `Text` is serialised as plain bytes. Deserialised inside `borrowing`,
//! it points into that call's buffer instead of copying out of it.

use std::cell::RefCell;
use std::ops::{Deref, Range};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// A buffer `Text`s may point into (the mapped build cache): the same kind
/// of shared buffer the gazetteer image is read from.
pub use crate::gazetteer::image::Shared;

#[derive(Clone)]
pub struct Text(Repr);

#[derive(Clone)]
enum Repr {
    Owned(Vec<u8>),
    Shared(Shared, Range<usize>),
}

impl Text {
    pub fn as_bytes(&self) -> &[u8] {
        match &self.0 {
            Repr::Owned(v) => v,
            Repr::Shared(buf, range) => &(**buf).as_ref()[range.clone()],
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text(Repr::Owned(Vec::new()))
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text(Repr::Owned(s.into_bytes()))
    }
}

impl From<Vec<u8>> for Text {
    fn from(v: Vec<u8>) -> Text {
        Text(Repr::Owned(v))
    }
}

impl Deref for Text {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        self.as_bytes()
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        self.as_bytes() == other.as_bytes()
    }
}

impl std::fmt::Debug for Text {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", String::from_utf8_lossy(self))
    }
}

impl Serialize for Text {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_bytes(self)
    }
}

thread_local! {
    /// The buffer being deserialised inside `borrowing` on this thread.
    static BORROWING: RefCell<Option<Shared>> = const { RefCell::new(None) };
}

/// Runs `decode` (a deserialisation from bytes inside `buf`) so that every
/// `Text` it makes points into `buf` rather than copying out of it.
/// (A thread-local stands in for a deserialiser seed, which serde's derive
/// cannot pass down.)
pub fn borrowing<T>(buf: &Shared, decode: impl FnOnce(&[u8]) -> T) -> T {
    struct Reset(Option<Shared>);
    impl Drop for Reset {
        fn drop(&mut self) {
            BORROWING.with(|b| *b.borrow_mut() = self.0.take());
        }
    }
    let _reset = Reset(BORROWING.with(|b| b.borrow_mut().replace(buf.clone())));
    decode((**buf).as_ref())
}

impl<'de> Deserialize<'de> for Text {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Text, D::Error> {
        struct Visitor;
        impl<'de> serde::de::Visitor<'de> for Visitor {
            type Value = Text;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("bytes")
            }
            fn visit_borrowed_bytes<E: serde::de::Error>(self, v: &'de [u8]) -> Result<Text, E> {
                let shared = BORROWING.with(|b| {
                    let b = b.borrow();
                    let buf = b.as_ref()?;
                    let whole = (**buf).as_ref().as_ptr_range();
                    let inner = v.as_ptr_range();
                    (whole.start <= inner.start && inner.end <= whole.end).then(|| {
                        let start = inner.start as usize - whole.start as usize;
                        Text(Repr::Shared(buf.clone(), start..start + v.len()))
                    })
                });
                Ok(shared.unwrap_or_else(|| Text(Repr::Owned(v.to_vec()))))
            }
            fn visit_bytes<E: serde::de::Error>(self, v: &[u8]) -> Result<Text, E> {
                Ok(Text(Repr::Owned(v.to_vec())))
            }
            fn visit_byte_buf<E: serde::de::Error>(self, v: Vec<u8>) -> Result<Text, E> {
                Ok(Text(Repr::Owned(v)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Text, E> {
                Ok(Text(Repr::Owned(v.as_bytes().to_vec())))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Text, A::Error> {
                let mut v = Vec::new();
                while let Some(b) = seq.next_element::<u8>()? {
                    v.push(b);
                }
                Ok(Text(Repr::Owned(v)))
            }
        }
        d.deserialize_bytes(Visitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Two {
        a: Text,
        b: Text,
    }

    #[test]
    fn text_decoded_while_borrowing_points_into_the_buffer() {
        let two = Two {
            a: Text::from("{\"x\":1}\n".to_string()),
            b: Text::from(Vec::new()),
        };
        let bytes = postcard::to_stdvec(&two).unwrap();
        let buf: Shared = Arc::new(bytes.clone());
        let back: Two = borrowing(&buf, |b| postcard::from_bytes(b).unwrap());
        assert_eq!(back, two);
        assert!(matches!(back.a.0, Repr::Shared(_, _)));
        // Outside `borrowing` the same bytes are copied.
        let copied: Two = postcard::from_bytes(&bytes).unwrap();
        assert!(matches!(copied.a.0, Repr::Owned(_)));
        assert_eq!(copied, two);
        // And the thread is left as it was.
        assert!(BORROWING.with(|b| b.borrow().is_none()));
    }
}
