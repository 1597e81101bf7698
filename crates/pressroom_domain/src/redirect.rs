//! Old addresses that answer 301, and the one normal form in which both a stored old address and
//! a request are compared, so that `/новости/`, `/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8` and
//! `/%d0%bd…/` are one address.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// The longest old address or target accepted.
pub const REDIRECT_MAX_LEN: usize = 2000;

/// Where the site's own machinery lives: an old address there would hide it.
const RESERVED: &[&str] = &["/admin", "/api", "/static", "/media", "/log", "/sitemap", "/robots.txt", "/prefs"];

/// An old address in normal form: a path, percent-decoded where that gives UTF-8, without a
/// trailing slash (but for `/`), with its query as given, if any.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct OldPath(String);

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RedirectError {
    #[error("an old address must be a path starting with / (or a full http(s) address), not {0:?}")]
    NotAPath(String),
    #[error("an address may be {REDIRECT_MAX_LEN} characters at most")]
    TooLong,
    #[error("{0} belongs to Pressroom itself and cannot be redirected")]
    Reserved(String),
    #[error("a target must be a path on this site starting with / or a full http(s) address, not {0:?}")]
    BadTarget(String),
    #[error("{0} would redirect to itself")]
    Loop(String),
}

impl OldPath {
    /// Reads an old address as an administrator or an import file gives it: a path with an
    /// optional query, or a whole address on the old site (its host is dropped).
    pub fn parse(text: &str) -> Result<OldPath, RedirectError> {
        let text = text.trim();
        if text.len() > REDIRECT_MAX_LEN {
            return Err(RedirectError::TooLong);
        }
        let local = strip_origin(text);
        let local = local.split('#').next().unwrap_or_default();
        let (path, query) = match local.split_once('?') {
            Some((path, query)) => (path, Some(query)),
            None => (local, None),
        };
        if !path.starts_with('/') || path.starts_with("//") || path.chars().any(char::is_whitespace) {
            return Err(RedirectError::NotAPath(text.to_owned()));
        }
        let old = OldPath::of_request(path, query);
        // No control character, typed or percent-encoded: no page has one in its address, and a
        // database would refuse some (PostgreSQL's text cannot hold NUL).
        if old.0.chars().any(char::is_control) {
            return Err(RedirectError::NotAPath(text.to_owned()));
        }
        let bare = old.path();
        if RESERVED.iter().any(|r| bare == *r || bare.strip_prefix(r).is_some_and(|rest| rest.starts_with('/'))) {
            return Err(RedirectError::Reserved(bare.to_owned()));
        }
        Ok(old)
    }

    /// The normal form of a request's path and query, as looked up among the old addresses. A
    /// `?` that was percent-encoded in the path stays encoded: decoded, it would read as the
    /// start of the query.
    pub fn of_request(path: &str, query: Option<&str>) -> OldPath {
        let path = decoded(path);
        let path = if path.contains('?') { Cow::Owned(path.replace('?', "%3F")) } else { path };
        let path = match path.trim_end_matches('/') {
            "" => "/",
            trimmed => trimmed,
        };
        match query.filter(|q| !q.is_empty()) {
            Some(query) => OldPath(format!("{path}?{}", decoded(query))),
            None => OldPath(path.to_owned()),
        }
    }

    /// The same path with only `pair` of its query: `/?p=12&utm_source=x` is looked up as
    /// itself, then as `/?p=12` and `/?utm_source=x`, then as `/`.
    pub fn with_only(&self, pair: &str) -> OldPath {
        OldPath(format!("{}?{pair}", self.path()))
    }

    /// The path without the query.
    pub fn path(&self) -> &str {
        self.0.split_once('?').map_or(&self.0, |(path, _)| path)
    }

    /// The query's `name=value` pairs, if any.
    pub fn query_pairs(&self) -> impl Iterator<Item = &str> {
        self.0.split_once('?').map(|(_, q)| q).unwrap_or_default().split('&').filter(|p| !p.is_empty())
    }

    pub fn has_query(&self) -> bool {
        self.0.contains('?')
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// A stored old address, already in normal form.
    pub fn from_stored(text: String) -> OldPath {
        OldPath(text)
    }
}

/// The old address as an administrator reads and types it: the normal form with whatever would
/// not read back as itself percent-encoded again (`%`, `#`, spaces and control characters), so
/// that what the back office shows is accepted as the same address.
impl std::fmt::Display for OldPath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let (path, query) = self.0.split_once('?').map_or((self.0.as_str(), None), |(p, q)| (p, Some(q)));
        let mut out = String::with_capacity(self.0.len());
        // A path that begins `//` (its second slash decoded from `%2F`) would read as another
        // site's address: that slash is shown encoded again.
        let path = match path.strip_prefix("//") {
            Some(rest) => {
                out.push_str("/%2F");
                rest
            }
            None => path,
        };
        reencode(&mut out, path);
        if let Some(query) = query {
            out.push('?');
            reencode(&mut out, query);
        }
        f.write_str(&out)
    }
}

fn reencode(out: &mut String, text: &str) {
    for ch in text.chars() {
        if ch == '%' || ch == '#' || ch.is_whitespace() || ch.is_control() {
            for byte in ch.encode_utf8(&mut [0; 4]).bytes() {
                out.push_str(&format!("%{byte:02X}"));
            }
        } else {
            out.push(ch);
        }
    }
}

/// Checks a fixed target — a path on this site or an absolute http(s) address — and that
/// `old` does not point at itself.
pub fn parse_target(old: &OldPath, text: &str) -> Result<String, RedirectError> {
    let text = text.trim();
    if text.len() > REDIRECT_MAX_LEN {
        return Err(RedirectError::TooLong);
    }
    let absolute = text.starts_with("https://") || text.starts_with("http://");
    let local = text.starts_with('/') && !text.starts_with("//");
    if !(absolute || local) || text.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(RedirectError::BadTarget(text.to_owned()));
    }
    if local {
        let (path, query) = text.split_once('?').map_or((text, None), |(p, q)| (p, Some(q)));
        if OldPath::of_request(path, query) == *old {
            return Err(RedirectError::Loop(old.to_string()));
        }
    }
    Ok(text.to_owned())
}

/// The path and query of `text`, dropping `scheme://host` when it has one.
fn strip_origin(text: &str) -> Cow<'_, str> {
    let Some(rest) = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")) else {
        return Cow::Borrowed(text);
    };
    match rest.find(['/', '?']) {
        Some(at) if rest[at..].starts_with('?') => Cow::Owned(format!("/{}", &rest[at..])),
        Some(at) => Cow::Borrowed(&rest[at..]),
        None => Cow::Borrowed("/"),
    }
}

/// Percent-decoded when that gives UTF-8 (`+` is left alone: it is a space only in forms).
fn decoded(text: &str) -> Cow<'_, str> {
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => decoded,
        Err(_) => Cow::Borrowed(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Found by the `slugs_and_paths` fuzz target: `/02%20` was shown as `/02 `, which reads
    /// back as another address (`/02`).
    #[test]
    fn what_the_back_office_shows_reads_back_as_the_same_address() {
        for typed in [
            "/02%20",
            "/a%2525b",
            "/a%3Fb?c=%23d",
            "/%232%3F",
            "/a%253Fb",
            "/%2f/)",
            "/x%C2%A0y",
            "/%FF",
            "/t%E2%80%83ab?q=a%20b",
            "/новости?p=1",
        ] {
            let old = OldPath::parse(typed).unwrap();
            assert_eq!(OldPath::parse(&old.to_string()), Ok(old.clone()), "{typed} shown as {old}");
        }
        assert_eq!(OldPath::parse("/02%20").unwrap().to_string(), "/02%20");
        // Found by the same target: `/%232%3F` was `/#2?`, whose `?` then read as an empty query.
        let encoded_question = OldPath::parse("/%232%3F").unwrap();
        assert_eq!(OldPath::parse(&encoded_question.to_string()), Ok(encoded_question.clone()));
        assert_eq!((encoded_question.path(), encoded_question.has_query()), ("/#2%3F", false));
        assert_eq!(OldPath::parse("/a%3Fb?c=%23d").unwrap().path(), "/a%3Fb");
        for control in ["/a%00b", "/a\u{0}b", "/a?b=%0A", "/%7F"] {
            assert!(matches!(OldPath::parse(control), Err(RedirectError::NotAPath(_))), "{control}");
        }
        assert_eq!(OldPath::parse("/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/").unwrap().to_string(), "/новости");
    }

    #[test]
    fn one_address_in_every_spelling_is_one_old_path() {
        let plain = OldPath::parse("/новости/встреча/").unwrap();
        assert_eq!(plain.as_str(), "/новости/встреча");
        assert_eq!(
            OldPath::parse("/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8/%D0%B2%D1%81%D1%82%D1%80%D0%B5%D1%87%D0%B0").unwrap(),
            plain
        );
        assert_eq!(
            OldPath::parse(
                "https://old.example.org/%d0%bd%d0%be%d0%b2%d0%be%d1%81%d1%82%d0%b8/%d0%b2%d1%81%d1%82%d1%80%d0%b5%d1%87%d0%b0/#top"
            )
            .unwrap(),
            plain
        );
        assert_eq!(OldPath::of_request("/новости/встреча/", None), plain);
        assert_eq!(OldPath::parse("http://old.example.org?p=12").unwrap().as_str(), "/?p=12");
        assert_eq!(OldPath::parse("/news/detail.php?ELEMENT_ID=123").unwrap().as_str(), "/news/detail.php?ELEMENT_ID=123");
    }

    #[test]
    fn a_request_is_also_looked_up_by_each_pair_of_its_query() {
        let request = OldPath::of_request("/", Some("p=12&utm_source=mail"));
        let pairs: Vec<String> = request.query_pairs().map(|p| request.with_only(p).to_string()).collect();
        assert_eq!(pairs, ["/?p=12", "/?utm_source=mail"]);
        assert_eq!(request.path(), "/");
    }

    #[test]
    fn the_sites_own_machinery_and_non_paths_are_refused() {
        assert_eq!(OldPath::parse("/admin/users"), Err(RedirectError::Reserved("/admin/users".into())));
        assert_eq!(OldPath::parse("/api"), Err(RedirectError::Reserved("/api".into())));
        assert!(OldPath::parse("/administration/").is_ok());
        assert!(matches!(OldPath::parse("news/1"), Err(RedirectError::NotAPath(_))));
        assert!(matches!(OldPath::parse("//evil.example/x"), Err(RedirectError::NotAPath(_))));
        assert_eq!(OldPath::parse(&format!("/{}", "a".repeat(REDIRECT_MAX_LEN))), Err(RedirectError::TooLong));
    }

    #[test]
    fn a_target_is_a_local_path_or_a_web_address_and_never_the_old_address_itself() {
        let old = OldPath::parse("/press/index.php?ID=5").unwrap();
        assert_eq!(parse_target(&old, "/en/news/").unwrap(), "/en/news/");
        assert!(parse_target(&old, "https://archive.example.org/press").is_ok());
        assert!(matches!(parse_target(&old, "javascript:alert(1)"), Err(RedirectError::BadTarget(_))));
        assert!(matches!(parse_target(&old, "//evil.example"), Err(RedirectError::BadTarget(_))));
        assert_eq!(parse_target(&old, "/press/index.php/?ID=5"), Err(RedirectError::Loop(old.to_string())));
    }
}
