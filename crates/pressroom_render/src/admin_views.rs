//! What the back office's templates see.

use pressroom_domain::Lang;
use serde::Serialize;

use crate::views::{NavLink, Pagination};
use crate::PageView;

/// What every back-office page shares.
#[derive(Debug, Clone, Serialize)]
pub struct AdminLayout {
    pub lang: Lang,
    pub site_name: String,
    pub title: String,
    /// The signed-in user; `None` on the sign-in page.
    pub staff: Option<StaffView>,
    /// The session's CSRF token, placed in every form.
    pub csrf: String,
    pub nav: Vec<NavLink>,
    pub stylesheet: String,
    pub admin_stylesheet: String,
    pub script: String,
    pub icon: String,
    /// A one-line confirmation of what was just done ("Saved.").
    pub notice: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct StaffView {
    pub name: String,
    pub email: String,
    pub role: String,
}

/// An option of a `<select>`.
#[derive(Debug, Clone, Serialize)]
pub struct Choice {
    pub value: String,
    pub label: String,
    pub selected: bool,
}

/// A problem with one form field, in the editor's language.
#[derive(Debug, Clone, Serialize)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Serialize)]
pub struct LoginPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub email: String,
    pub next: String,
    pub error: Option<String>,
    /// The double-submit token of the sign-in form (no session exists yet).
    pub login_csrf: String,
}

impl PageView for LoginPage {
    const TEMPLATE: &'static str = "admin/login.html";
}

#[derive(Debug, Clone, Serialize)]
pub struct ArticleRowView {
    pub edit_url: String,
    pub title: String,
    pub section: String,
    pub author: String,
    pub date: String,
    pub updated: String,
    /// The item in each of the site's languages, in the site's order.
    pub languages: Vec<LanguageCell>,
}

/// One language of an item in the list: its version's state and where to edit it, or a link
/// that starts the missing translation.
#[derive(Debug, Clone, Serialize)]
pub struct LanguageCell {
    pub lang: String,
    /// `published`, `draft`, …, or `missing`.
    pub state: String,
    pub label: String,
    pub url: String,
    pub outdated: bool,
}

#[derive(Debug, Serialize)]
pub struct ArticlesPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub rows: Vec<ArticleRowView>,
    pub total: u64,
    pub pagination: Pagination,
    pub statuses: Vec<Choice>,
    pub sections: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub authors: Vec<Choice>,
    pub sorts: Vec<Choice>,
    pub missing: Vec<Choice>,
    pub outdated: Vec<Choice>,
    pub text: String,
    /// The site's languages, for the columns' headings.
    pub language_codes: Vec<String>,
}

impl PageView for ArticlesPage {
    const TEMPLATE: &'static str = "admin/articles.html";
}

/// The editor's fields as the form shows them.
#[derive(Debug, Clone, Default, Serialize)]
pub struct EditorForm {
    pub title: String,
    pub slug: String,
    pub section: String,
    pub lang: String,
    pub translation: String,
    pub date: String,
    pub lead: String,
    pub body: String,
    pub cover: String,
    pub tags: String,
    /// Media ids, separated by commas.
    pub gallery: String,
    pub attachments: String,
    pub featured: bool,
    /// An event's facts (read only for the events section) as typed.
    pub event_start: String,
    pub event_end: String,
    pub event_status: String,
    pub event_city: String,
    pub event_country: String,
    /// The translation key of the event a news item reports on.
    pub report_of: String,
    /// A document's facts (read only for the documents section) as typed; relations are
    /// translation keys, one per line.
    pub document_type: String,
    pub document_number: String,
    pub document_adopted_on: String,
    pub document_place: String,
    pub document_body: String,
    pub document_status: String,
    pub document_status_since: String,
    pub document_amends: String,
    pub document_supersedes: String,
    pub revision: i64,
    /// The version this one is translated from (its id), and the revision of it the translator
    /// saw; empty when it is not a translation made here.
    pub source: String,
    pub source_revision: String,
    /// For a published item: `minor` or `update`, and the update's public note.
    pub change: String,
    pub change_note: String,
}

/// A workflow step offered to the user.
#[derive(Debug, Clone, Serialize)]
pub struct ActionButton {
    pub action: String,
    pub label: String,
    pub needs_date: bool,
}

/// A line of a diff: `kind` is `same`, `added` or `removed`.
#[derive(Debug, Clone, Serialize)]
pub struct DiffLine {
    pub kind: &'static str,
    pub text: String,
}

/// A field that differs between two versions, line by line.
#[derive(Debug, Clone, Serialize)]
pub struct FieldDiff {
    pub field: String,
    pub lines: Vec<DiffLine>,
}

#[derive(Debug, Serialize)]
pub struct EditorPage {
    /// The site's document types, for a document's type field.
    pub document_types: Vec<Choice>,
    #[serde(flatten)]
    pub layout: AdminLayout,
    /// Where the form posts: the article's URL, or the list's for a new one.
    pub action_url: String,
    pub form: EditorForm,
    pub errors: Vec<FieldMessage>,
    pub preview_html: Option<String>,
    /// Images in the body without a text alternative, to be described before publishing.
    pub images_without_alt: usize,
    pub sections: Vec<Choice>,
    pub languages: Vec<Choice>,
    pub status: Option<String>,
    pub status_label: Option<String>,
    pub actions: Vec<ActionButton>,
    pub editable: bool,
    pub can_delete: bool,
    pub public_url: Option<String>,
    pub status_url: Option<String>,
    pub delete_url: Option<String>,
    pub history_url: Option<String>,
    /// "Add translation into …", one for each language the item lacks.
    pub translate_links: Vec<LinkView>,
    /// The source beside the form, when the version is a translation.
    pub source: Option<SourceView>,
    /// A copy of the form typed after the last save, offered back.
    pub restore: Option<RestoreView>,
    /// The cover, gallery and attachments the form names.
    pub chosen: ChosenMedia,
    /// Chosen images with no alt text in the item's language, to describe before publishing.
    pub undescribed: Vec<String>,
    /// The media picker of this item.
    pub picker_url: String,
    /// Where the script keeps the draft copy, and asks who else is editing.
    pub autosave_url: String,
    pub presence_url: Option<String>,
    /// "Also editing: …", or empty.
    pub also_editing: String,
    pub previews_url: Option<String>,
    /// Tag names in the article's language, to pick from.
    pub known_tags: Vec<String>,
    /// When a save was refused because someone saved first: how their version differs from
    /// the one being saved.
    pub stale: Option<Vec<FieldDiff>>,
}

impl PageView for EditorPage {
    const TEMPLATE: &'static str = "admin/editor.html";
}

/// A media item as the picker and the editor show it.
#[derive(Debug, Clone, Serialize)]
pub struct MediaCard {
    pub id: i64,
    pub name: String,
    pub image: bool,
    pub thumbnail: Option<String>,
    pub url: String,
    /// Its alt text in the item's language; empty when it has none.
    pub alt: String,
    /// How it goes into the body.
    pub markdown: String,
    /// A file's kind in a word for where a thumbnail would be (`PDF`).
    pub badge: String,
}

/// What an item's form has chosen from the library.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ChosenMedia {
    pub cover: Option<MediaCard>,
    pub gallery: Vec<MediaCard>,
    pub attachments: Vec<MediaCard>,
}

impl ChosenMedia {
    /// The chosen images with no alt text in the item's language.
    pub fn undescribed(&self) -> Vec<String> {
        let mut names: Vec<String> = Vec::new();
        for card in self.cover.iter().chain(&self.gallery).filter(|c| c.image && c.alt.trim().is_empty()) {
            if !names.contains(&card.name) {
                names.push(card.name.clone());
            }
        }
        names
    }
}

/// The media picker: the library to choose from, and what is chosen.
#[derive(Debug, Serialize)]
pub struct PickerPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    /// Back to the editor, with the draft copy restored.
    pub editor_url: String,
    pub picker_url: String,
    pub chosen: ChosenMedia,
    pub items: Vec<MediaCard>,
    pub pagination: Pagination,
    pub query: String,
    pub page: u32,
    /// The upload form's alt text fields, one per language.
    pub alt_fields: Vec<AltField>,
    pub max_size: String,
}

impl PageView for PickerPage {
    const TEMPLATE: &'static str = "admin/picker.html";
}

/// What outbound requests (webhooks) may reach besides public addresses on ports 80 and 443.
#[derive(Debug, Clone, Serialize)]
pub struct OutboundView {
    pub allow_private: bool,
    pub extra_ports: String,
}

/// The offer of a draft copy: restore it, or discard it.
#[derive(Debug, Clone, Serialize)]
pub struct RestoreView {
    pub saved: String,
    pub restore_url: String,
    pub discard_url: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct LinkView {
    pub label: String,
    pub url: String,
}

/// A translation's source, beside the form: its title, lead and body paragraph by paragraph.
#[derive(Debug, Clone, Serialize)]
pub struct SourceView {
    pub lang: String,
    pub language: String,
    pub url: String,
    pub title: String,
    pub lead: String,
    pub paragraphs: Vec<String>,
}

/// What each language lacks.
#[derive(Debug, Serialize)]
pub struct TranslationsPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub gaps: Vec<GapView>,
}

impl PageView for TranslationsPage {
    const TEMPLATE: &'static str = "admin/translations.html";
}

#[derive(Debug, Clone, Serialize)]
pub struct GapView {
    pub language: String,
    pub missing: i64,
    pub missing_url: String,
    pub outdated: i64,
    pub outdated_url: String,
}

/// An item's preview links, and the form that makes one.
#[derive(Debug, Serialize)]
pub struct PreviewLinksPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub article_title: String,
    pub editor_url: String,
    /// Where the form posts; `None` when this user may not make one (or the item is published).
    pub create_url: Option<String>,
    pub durations: Vec<Choice>,
    pub links: Vec<PreviewLinkView>,
    /// The address of the link just made: shown this once.
    pub new_link: Option<String>,
}

impl PageView for PreviewLinksPage {
    const TEMPLATE: &'static str = "admin/previews.html";
}

#[derive(Debug, Clone, Serialize)]
pub struct PreviewLinkView {
    pub created: String,
    pub created_by: String,
    pub expires: String,
    /// Active, expired or revoked, in the editor's language.
    pub state: String,
    pub revoke_url: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct RevisionView {
    pub number: i64,
    pub author: String,
    pub date: String,
    pub current: bool,
}

#[derive(Debug, Serialize)]
pub struct HistoryPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub article_title: String,
    pub edit_url: String,
    pub history_url: String,
    pub revisions: Vec<RevisionView>,
    pub from: i64,
    pub to: i64,
    pub diff: Vec<FieldDiff>,
    pub can_restore: bool,
    /// A restore of a published article is an update: it asks for a change note.
    pub published: bool,
    /// Addresses the article had when published and left; each answers 301 to the current one.
    pub former_addresses: Vec<FormerAddress>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FormerAddress {
    pub path: String,
    pub date: String,
}

impl PageView for HistoryPage {
    const TEMPLATE: &'static str = "admin/history.html";
}

#[derive(Debug, Clone, Serialize)]
pub struct UserView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub role: String,
    pub disabled: bool,
    pub is_self: bool,
}

#[derive(Debug, Serialize)]
pub struct UsersPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub users: Vec<UserView>,
    pub roles: Vec<Choice>,
    /// A password generated for a new account, shown this once.
    pub new_password: Option<String>,
    pub errors: Vec<FieldMessage>,
}

impl PageView for UsersPage {
    const TEMPLATE: &'static str = "admin/users.html";
}

#[derive(Debug, Serialize)]
pub struct AccountPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub errors: Vec<FieldMessage>,
    pub totp_enabled: bool,
    /// The back office's languages to choose from, the first being "as the browser asks".
    pub languages: Vec<Choice>,
}

impl PageView for AccountPage {
    const TEMPLATE: &'static str = "admin/account.html";
}

#[derive(Debug, Clone, Serialize)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub target: String,
    pub detail: String,
    pub ip: String,
}

#[derive(Debug, Serialize)]
pub struct AuditPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub rows: Vec<AuditRow>,
    pub pagination: Pagination,
    pub actor: String,
    pub action: String,
}

impl PageView for AuditPage {
    const TEMPLATE: &'static str = "admin/audit.html";
}

#[derive(Debug, Clone, Serialize)]
pub struct AltField {
    pub lang: String,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct MediaView {
    pub id: i64,
    pub name: String,
    pub kind: String,
    pub size: String,
    pub url: String,
    pub thumbnail: Option<String>,
    pub dimensions: Option<String>,
    pub alt: Vec<AltField>,
}

#[derive(Debug, Serialize)]
pub struct MediaPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub items: Vec<MediaView>,
    pub pagination: Pagination,
    pub error: Option<String>,
    pub max_size: String,
}

impl PageView for MediaPage {
    const TEMPLATE: &'static str = "admin/media.html";
}

#[derive(Debug, Serialize)]
pub struct TotpPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub secret: String,
    pub uri: String,
    /// The address as a QR code, SVG markup made by Pressroom (safe to place as it is).
    pub qr_svg: Option<String>,
    pub required: bool,
    pub error: Option<String>,
}

impl PageView for TotpPage {
    const TEMPLATE: &'static str = "admin/totp.html";
}

#[derive(Debug, Clone, Serialize)]
pub struct NamedField {
    pub lang: String,
    pub label: String,
    pub value: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionForm {
    pub key: String,
    pub names: Vec<NamedField>,
}

#[derive(Debug, Serialize)]
pub struct SettingsPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub site_names: Vec<NamedField>,
    pub require_totp: bool,
    pub outbound: OutboundView,
    /// The site's time zone, and every name the form suggests.
    pub time_zone: String,
    pub time_zones: Vec<String>,
    pub sections: Vec<SectionForm>,
    pub new_section: SectionForm,
    pub languages: Vec<NamedField>,
    /// The register's document types, a line each: `key | name | name` in the site's language order.
    pub document_types: String,
    /// The site's language codes in that order, for the hint.
    pub document_type_langs: String,
    pub errors: Vec<FieldMessage>,
}

impl PageView for SettingsPage {
    const TEMPLATE: &'static str = "admin/settings.html";
}

/// A checkbox among several of one name.
#[derive(Debug, Serialize)]
pub struct CheckChoice {
    pub value: String,
    pub label: String,
    pub checked: bool,
}

#[derive(Debug, Serialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    pub user: String,
    pub scopes: String,
    pub created: String,
    pub last_used: String,
    pub revoked: bool,
}

#[derive(Debug, Serialize)]
pub struct TokensPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub tokens: Vec<TokenView>,
    pub users: Vec<Choice>,
    pub scopes: Vec<CheckChoice>,
    /// A token just made, shown this once.
    pub new_token: Option<String>,
    pub errors: Vec<FieldMessage>,
}

impl PageView for TokensPage {
    const TEMPLATE: &'static str = "admin/tokens.html";
}

#[derive(Debug, Serialize)]
pub struct WebhookView {
    pub id: i64,
    pub url: String,
    pub events: String,
    pub created: String,
}

#[derive(Debug, Serialize)]
pub struct DeliveryView {
    pub id: i64,
    pub url: String,
    pub event: String,
    pub state: String,
    pub state_label: String,
    pub attempts: i64,
    pub last_status: String,
    pub last_error: String,
    pub created: String,
}

#[derive(Debug, Serialize)]
pub struct WebhooksPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub webhooks: Vec<WebhookView>,
    pub deliveries: Vec<DeliveryView>,
    pub events: Vec<CheckChoice>,
    /// The signing secret of a webhook just registered, shown this once.
    pub new_secret: Option<String>,
    pub errors: Vec<FieldMessage>,
}

impl PageView for WebhooksPage {
    const TEMPLATE: &'static str = "admin/webhooks.html";
}

#[derive(Debug, Serialize)]
pub struct RedirectView {
    pub id: i64,
    pub old_path: String,
    /// Where it leads: a fixed target, or the article's current address.
    pub target: String,
    /// The article it follows, if it follows one.
    pub article: Option<i64>,
    pub origin: String,
    pub created: String,
}

#[derive(Debug, Serialize)]
pub struct RedirectsPage {
    #[serde(flatten)]
    pub layout: AdminLayout,
    pub total: i64,
    pub redirects: Vec<RedirectView>,
    /// The old address the next page starts after, when there is one.
    pub next_after: Option<String>,
    /// The form, as typed, when it is shown again with errors.
    pub old: String,
    pub target: String,
    pub errors: Vec<FieldMessage>,
}

impl PageView for RedirectsPage {
    const TEMPLATE: &'static str = "admin/redirects.html";
}
