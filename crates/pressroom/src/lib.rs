//! Start-up shared by every command and by the tests: open (create, migrate) a site's database,
//! lay down the standard site, the demo content and the first administrator.

pub mod jobs;
pub mod progress;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use pressroom_domain::{Role, Site};
use pressroom_render::Renderer;
use pressroom_store::{redact, Actor, Store};
use pressroom_web::indexer::Indexer;
use pressroom_web::{auth, AppState, DbHealth, SiteCache, WebConfig};

/// Where a site lives: its data directory, and its database when that is not the SQLite file
/// inside the data directory.
#[derive(Debug, Clone)]
pub struct SiteLocation {
    pub data: PathBuf,
    pub database: Option<String>,
}

impl SiteLocation {
    pub fn database_url(&self) -> String {
        match &self.database {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data.join("pressroom.db").display()),
        }
    }

    /// The folder of this process's search index.
    pub fn search_dir(&self) -> PathBuf {
        self.data.join("search")
    }

    /// The folder a theme's templates and static files are read from, when it exists.
    pub fn theme_dir(&self) -> PathBuf {
        self.data.join("theme")
    }
}

/// What opening a site did, for the command to report.
#[derive(Debug, Default)]
pub struct Opened {
    pub migrations_applied: usize,
    pub demo_loaded: bool,
    /// The first administrator's email and one-time password, when this start created them.
    pub new_admin: Option<(String, String)>,
}

pub const FIRST_ADMIN_EMAIL: &str = "admin@localhost";

/// Opens the site at `location`: creates the data directory and database when missing, applies
/// pending migrations (refusing a database from a newer Pressroom), writes the standard site
/// into an empty database, loads the demo content when asked and the site has no articles, and
/// creates the first administrator when there is none.
pub async fn open_site(location: &SiteLocation, demo: bool) -> anyhow::Result<(Store, Opened)> {
    std::fs::create_dir_all(&location.data).with_context(|| format!("cannot create the data directory {}", location.data.display()))?;
    let url = location.database_url();
    let store = Store::connect(&url).await.with_context(|| format!("cannot open the database {}", redact(&url)))?;
    let mut opened = Opened { migrations_applied: store.migrate().await?, ..Opened::default() };
    store.ensure_site(&Site::standard()).await?;
    if demo && store.all_articles().await?.is_empty() {
        pressroom_transfer::load_demo(&store, &pressroom_transfer::Quiet).await?;
        opened.demo_loaded = true;
    }
    if store.count_users().await? == 0 {
        let password = auth::generate_password();
        store.create_user(FIRST_ADMIN_EMAIL, "Administrator", Role::Admin, &auth::hash_password(&password), &Actor::system("init")).await?;
        opened.new_admin = Some((FIRST_ADMIN_EMAIL.to_owned(), password));
    }
    Ok((store, opened))
}

/// The web settings of a site at `base_url`, with the standard values.
pub fn web_config(location: &SiteLocation, base_url: &str) -> WebConfig {
    WebConfig::new(base_url, location.data.join("media"))
}

/// The state the web layer serves from, following the change feed of the site's database; its
/// search index and webhook deliveries follow the same feed.
pub async fn app_state(store: Store, location: &SiteLocation, config: WebConfig) -> anyhow::Result<AppState> {
    let theme = location.theme_dir();
    let renderer = Renderer::new(theme.is_dir().then_some(theme.as_path())).context("the theme could not be loaded")?;
    let changes = store.follow_changes().await?;
    let (indexer, rebuild) = Indexer::open(&location.search_dir()).context("the search index could not be opened")?;
    let indexer = Arc::new(indexer);
    let search = indexer.index.clone();
    pressroom_web::indexer::spawn(indexer, store.clone(), changes.clone(), rebuild);
    let config = Arc::new(config);
    pressroom_web::webhooks::spawn(store.clone(), config.clone(), changes.clone());
    let pages = Arc::new(pressroom_web::page_cache::PageCache::new(config.page_cache_bytes));
    let static_files = Arc::new(pressroom_web::public::assets::StaticFiles::new(renderer.assets()));
    Ok(AppState {
        store,
        static_files,
        renderer: Arc::new(renderer),
        config,
        site: Arc::new(SiteCache::new(changes)),
        health: Arc::new(DbHealth::default()),
        search,
        pages,
    })
}
