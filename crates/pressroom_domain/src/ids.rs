//! Ids and validated keys. Each key type accepts only what can appear in a public URL, so a
//! malformed path segment is refused before any query runs.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct ArticleId(pub i64);

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct UserId(pub i64);

impl fmt::Display for ArticleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// A string that is not a valid key of the named kind.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind} {value:?} is not valid: {rule}")]
pub struct InvalidKey {
    pub kind: &'static str,
    pub value: String,
    pub rule: &'static str,
}

macro_rules! key_type {
    ($(#[$doc:meta])* $name:ident, $kind:literal, $check:expr, $rule:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn parse(value: &str) -> Result<Self, InvalidKey> {
                let check: fn(&str) -> bool = $check;
                if check(value) {
                    Ok(Self(value.to_owned()))
                } else {
                    Err(InvalidKey { kind: $kind, value: value.to_owned(), rule: $rule })
                }
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let s = String::deserialize(d)?;
                Self::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

key_type!(
    /// A language code such as `ru` or `en`: two or three lowercase ASCII letters.
    Lang,
    "language",
    |s| (2..=3).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_lowercase()),
    "use two or three lowercase letters, such as ru or en"
);

key_type!(
    /// The last segment of an article's URL: lowercase ASCII letters, digits and single hyphens.
    Slug,
    "slug",
    is_url_key,
    "use lowercase latin letters, digits and single hyphens (at most 120 characters)"
);

key_type!(
    /// A section's key, such as `news` or `interviews`; also a URL segment.
    SectionKey,
    "section",
    |s| is_url_key(s) && !RESERVED_SEGMENTS.contains(&s),
    "use lowercase latin letters, digits and single hyphens, and not a reserved word"
);

key_type!(
    /// A tag's key in `/{lang}/tags/{key}`.
    TagKey,
    "tag",
    is_url_key,
    "use lowercase latin letters, digits and single hyphens (at most 120 characters)"
);

/// Path segments under `/{lang}/` that belong to the site itself, never to a section.
pub const RESERVED_SEGMENTS: &[&str] = &["archive", "tags", "search", "feed", "static", "media", "api", "admin"];

fn is_url_key(s: &str) -> bool {
    !s.is_empty()
        && s.len() <= 120
        && s.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !s.starts_with('-')
        && !s.ends_with('-')
        && !s.contains("--")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_accept_url_safe_values_only() {
        assert!(Slug::parse("meeting-of-the-council-2025").is_ok());
        for bad in ["", "-a", "a-", "a--b", "Caps", "пример", "a/b", "a.b", &"x".repeat(121)] {
            assert!(Slug::parse(bad).is_err(), "{bad:?} should be refused");
        }
        assert!(Lang::parse("ru").is_ok());
        assert!(Lang::parse("RU").is_err());
        assert!(Lang::parse("russian").is_err());
        assert!(SectionKey::parse("news").is_ok());
        assert!(SectionKey::parse("archive").is_err());
    }
}
