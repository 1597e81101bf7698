//! What an API token may do. A token acts for one user and never beyond that user's role; its
//! scopes narrow it further, so a token for a publishing system can be kept from publishing.

use crate::Action;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// Read drafts, items in review and scheduled items, not only what readers see.
    ReadDrafts,
    /// Create, edit and delete articles, submit them for review, upload media.
    Write,
    /// Publish, schedule, unpublish and archive.
    Publish,
}

impl Scope {
    pub const ALL: [Scope; 3] = [Scope::ReadDrafts, Scope::Write, Scope::Publish];

    pub fn as_str(self) -> &'static str {
        match self {
            Scope::ReadDrafts => "read_drafts",
            Scope::Write => "write",
            Scope::Publish => "publish",
        }
    }

    pub fn parse(s: &str) -> Option<Scope> {
        Scope::ALL.into_iter().find(|scope| scope.as_str() == s)
    }

    /// Scopes from a list separated by commas or spaces; an error names the first unknown one.
    pub fn parse_list(text: &str) -> Result<Vec<Scope>, String> {
        let mut scopes = Vec::new();
        for word in text.split([',', ' ']).map(str::trim).filter(|w| !w.is_empty()) {
            let scope = Scope::parse(word).ok_or_else(|| word.to_owned())?;
            if !scopes.contains(&scope) {
                scopes.push(scope);
            }
        }
        scopes.sort();
        Ok(scopes)
    }

    /// The scope a workflow step needs.
    pub fn for_action(action: Action) -> Scope {
        match action {
            Action::Submit | Action::ReturnToDraft => Scope::Write,
            Action::Publish | Action::Schedule | Action::Unpublish | Action::Archive => Scope::Publish,
        }
    }
}

/// Scopes as stored and shown: `read_drafts,write`.
pub fn scope_list(scopes: &[Scope]) -> String {
    scopes.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_read_back_and_unknown_ones_are_named() {
        assert_eq!(Scope::parse_list("publish, write write"), Ok(vec![Scope::Write, Scope::Publish]));
        assert_eq!(Scope::parse_list("write,delete_everything"), Err("delete_everything".to_owned()));
        assert_eq!(scope_list(&[Scope::ReadDrafts, Scope::Write]), "read_drafts,write");
        assert_eq!(Scope::for_action(Action::Schedule), Scope::Publish);
        assert_eq!(Scope::for_action(Action::Submit), Scope::Write);
    }
}
