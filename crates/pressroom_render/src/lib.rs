//! Pressroom's pages, without any HTTP: templates compiled into the binary and overridable by
//! files in a theme folder, the message catalogue, Markdown to sanitised HTML, static assets
//! with content-hashed names, and the view structs templates see.

pub mod admin_views;
mod article_page;
mod assets;
mod catalogue;
pub mod document_views;
pub mod event_views;
mod markdown;
pub mod media;
pub mod urls;
pub mod views;

use std::path::{Path, PathBuf};

use minijinja::{Environment, State};
use rust_embed::RustEmbed;

pub use article_page::ArticleSurroundings;
pub use assets::{Asset, Assets};
pub use catalogue::Catalogue;
pub use markdown::{render_checked, render_markdown};
pub use views::PageView;

#[derive(RustEmbed)]
#[folder = "templates/"]
struct BuiltinTemplates;

#[derive(Debug, thiserror::Error)]
pub enum RenderError {
    #[error("template {name}: {source}")]
    Template { name: String, source: minijinja::Error },
    #[error("theme file {path}: {source}")]
    Theme { path: PathBuf, source: std::io::Error },
}

/// Renders pages. Built once at start-up; a broken theme template is reported then, by name.
pub struct Renderer {
    env: Environment<'static>,
    assets: Assets,
}

impl Renderer {
    /// Loads the built-in templates and assets, each replaced by a file of the same name under
    /// `theme/templates/` or `theme/static/` when such a file exists.
    pub fn new(theme: Option<&Path>) -> Result<Renderer, RenderError> {
        let assets = Assets::load(theme.map(|t| t.join("static")).as_deref())?;
        let mut env = Environment::new();
        for name in BuiltinTemplates::iter() {
            let override_path = theme.map(|t| t.join("templates").join(name.as_ref()));
            let source = match override_path.filter(|p| p.is_file()) {
                Some(path) => std::fs::read_to_string(&path).map_err(|source| RenderError::Theme { path, source })?,
                None => {
                    let file = BuiltinTemplates::get(&name).expect("listed by iter");
                    String::from_utf8_lossy(&file.data).into_owned()
                }
            };
            env.add_template_owned(name.to_string(), source).map_err(|source| RenderError::Template { name: name.to_string(), source })?;
        }
        env.add_function("t", translate);
        env.set_formatter(escape_html);
        Ok(Renderer { env, assets })
    }

    pub fn render<P: PageView>(&self, page: &P) -> Result<String, RenderError> {
        let template = self.env.get_template(P::TEMPLATE).map_err(|source| RenderError::Template { name: P::TEMPLATE.into(), source })?;
        template.render(page).map_err(|source| RenderError::Template { name: P::TEMPLATE.into(), source })
    }

    pub fn assets(&self) -> &Assets {
        &self.assets
    }

    /// Names of every template, for the test that renders them all.
    pub fn template_names() -> Vec<String> {
        BuiltinTemplates::iter().map(|n| n.to_string()).collect()
    }
}

/// Writes a value into HTML, escaping the five characters that matter (`&`, `<`, `>`, `"`,
/// `'`) and nothing else: minijinja's own escaping also spells every `/` as `&#x2f;`, which
/// is valid but makes every page larger and its markup unreadable.
fn escape_html(out: &mut minijinja::Output, state: &State, value: &minijinja::Value) -> Result<(), minijinja::Error> {
    if !matches!(state.auto_escape(), minijinja::AutoEscape::Html) || value.is_safe() || value.is_undefined() || value.is_none() {
        return minijinja::escape_formatter(out, state, value);
    }
    let text = value.to_string();
    let mut rest = text.as_str();
    while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
        out.write_str(&rest[..at]).map_err(minijinja::Error::from)?;
        let entity = match rest.as_bytes()[at] {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            _ => "&#39;",
        };
        out.write_str(entity).map_err(minijinja::Error::from)?;
        rest = &rest[at + 1..];
    }
    out.write_str(rest).map_err(minijinja::Error::from)
}

/// `t("key")` in a template: the message in the page's language (`lang` in its context).
fn translate(state: &State, key: &str) -> String {
    let lang = state.lookup("lang").map(|v| v.to_string()).unwrap_or_default();
    Catalogue::get().text(&lang, key).to_owned()
}
