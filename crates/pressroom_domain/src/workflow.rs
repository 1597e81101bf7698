//! The editorial workflow and who may do what: draft → review → published or scheduled →
//! archived, and back to draft. Pure rules, enforced by the server for every action.

use crate::{Role, Status};

/// A step in the workflow, as the editor's buttons name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Submit,
    Publish,
    Schedule,
    Unpublish,
    Archive,
    ReturnToDraft,
}

impl Action {
    pub const ALL: [Action; 6] =
        [Action::Submit, Action::Publish, Action::Schedule, Action::Unpublish, Action::Archive, Action::ReturnToDraft];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::Publish => "publish",
            Action::Schedule => "schedule",
            Action::Unpublish => "unpublish",
            Action::Archive => "archive",
            Action::ReturnToDraft => "return_to_draft",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// The status the action leads to.
    pub fn target(self) -> Status {
        match self {
            Action::Submit => Status::Review,
            Action::Publish => Status::Published,
            Action::Schedule => Status::Scheduled,
            Action::Unpublish | Action::ReturnToDraft => Status::Draft,
            Action::Archive => Status::Archived,
        }
    }

    /// The statuses the action may start from.
    fn sources(self) -> &'static [Status] {
        match self {
            Action::Submit => &[Status::Draft],
            Action::Publish | Action::Schedule => &[Status::Draft, Status::Review, Status::Scheduled],
            Action::Unpublish => &[Status::Published, Status::Scheduled],
            Action::Archive => &[Status::Published],
            Action::ReturnToDraft => &[Status::Review, Status::Archived],
        }
    }
}

/// Why an action was refused; each is a message key.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// The role may not do this (HTTP 403).
    Forbidden,
    /// Not from the article's current status (HTTP 409).
    NotFromStatus,
}

impl Refusal {
    pub fn message_key(self) -> &'static str {
        match self {
            Refusal::Forbidden => "error_forbidden",
            Refusal::NotFromStatus => "error_wrong_status",
        }
    }
}

/// Whether `role` may take `action` on an article in `status`; `own` says whether the user
/// wrote it. Authors only submit their own drafts; editors and admins do everything.
pub fn transition(status: Status, action: Action, role: Role, own: bool) -> Result<Status, Refusal> {
    let permitted = match role {
        Role::Author => action == Action::Submit && own,
        Role::Editor | Role::Admin => true,
    };
    if !permitted {
        return Err(Refusal::Forbidden);
    }
    if !action.sources().contains(&status) {
        return Err(Refusal::NotFromStatus);
    }
    Ok(action.target())
}

/// Whether `role` may change the text of an article in `status`. Authors edit their own drafts
/// only; editors and admins edit anything, including a published item (a correction).
pub fn can_edit(role: Role, own: bool, status: Status) -> bool {
    match role {
        Role::Author => own && status == Status::Draft,
        Role::Editor | Role::Admin => true,
    }
}

/// Deleting an article outright is for editors and admins; authors' drafts are deleted by them.
pub fn can_delete(role: Role) -> bool {
    role >= Role::Editor
}

/// Users, sections, languages and site settings are for admins.
pub fn can_administer(role: Role) -> bool {
    role == Role::Admin
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn authors_only_submit_their_own_drafts() {
        assert_eq!(transition(Status::Draft, Action::Submit, Role::Author, true), Ok(Status::Review));
        assert_eq!(transition(Status::Draft, Action::Submit, Role::Author, false), Err(Refusal::Forbidden));
        for action in [Action::Publish, Action::Schedule, Action::Unpublish, Action::Archive, Action::ReturnToDraft] {
            assert_eq!(transition(Status::Review, action, Role::Author, true), Err(Refusal::Forbidden), "{action:?}");
        }
        assert!(can_edit(Role::Author, true, Status::Draft));
        assert!(!can_edit(Role::Author, true, Status::Review));
        assert!(!can_edit(Role::Author, false, Status::Draft));
        assert!(!can_delete(Role::Author));
    }

    #[test]
    fn editors_move_items_through_every_step_from_the_right_status() {
        assert_eq!(transition(Status::Review, Action::Publish, Role::Editor, false), Ok(Status::Published));
        assert_eq!(transition(Status::Review, Action::Schedule, Role::Editor, false), Ok(Status::Scheduled));
        assert_eq!(transition(Status::Published, Action::Archive, Role::Editor, false), Ok(Status::Archived));
        assert_eq!(transition(Status::Archived, Action::ReturnToDraft, Role::Editor, false), Ok(Status::Draft));
        assert_eq!(transition(Status::Published, Action::Unpublish, Role::Editor, false), Ok(Status::Draft));
        assert_eq!(transition(Status::Draft, Action::Archive, Role::Editor, false), Err(Refusal::NotFromStatus));
        assert_eq!(transition(Status::Archived, Action::Publish, Role::Admin, false), Err(Refusal::NotFromStatus));
        assert!(can_edit(Role::Editor, false, Status::Published));
        assert!(!can_administer(Role::Editor) && can_administer(Role::Admin));
    }
}
