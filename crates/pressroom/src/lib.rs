//! Start-up shared by every command and by the tests: open (create, migrate) a site's database,
//! lay down the standard site, the demo content and the first administrator.

pub mod background;
pub mod backup;
pub mod media;
pub mod progress;
pub mod static_site;

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::Context;
use pressroom_domain::{Role, Site, SiteZone};
use pressroom_record::LogKey;
use pressroom_render::Renderer;
use pressroom_store::{redact, Actor, Store};
use pressroom_web::media_store::MediaStore;
use pressroom_web::{auth, AppState, DbHealth, Services, SiteCache, WebConfig};

/// Where a site lives: its data directory, its database when that is not the SQLite file
/// inside the data directory, and its media when they are not in the data directory's `media`.
#[derive(Debug, Clone, Default)]
pub struct SiteLocation {
    pub data: PathBuf,
    pub database: Option<String>,
    /// The public record's name, given to its key when the key is made (the first start):
    /// `news.example.org/log`. Made up when not given.
    pub log_name: Option<String>,
    /// Where media are kept: a folder, or `s3://BUCKET/PREFIX`.
    pub media: Option<String>,
    /// A bucket's public address, to send readers to rather than stream media through.
    pub media_public_url: Option<String>,
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

    /// The public record's private key. Never served, never logged; every server of a site
    /// needs the same one.
    pub fn log_key_file(&self) -> PathBuf {
        self.data.join("log.key")
    }

    /// Where uploaded media are kept: the data directory's `media` folder unless another folder
    /// or a bucket is given.
    pub fn media(&self) -> anyhow::Result<MediaStore> {
        let location = self.media.clone().unwrap_or_else(|| self.data.join("media").display().to_string());
        MediaStore::open(&location, self.media_public_url.as_deref()).map_err(anyhow::Error::msg)
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
    /// The public record's public key, when this start made the key pair.
    pub new_log_key: Option<String>,
    /// Publications logged because the site had them before it kept a public record.
    pub logged_existing: u64,
}

pub const FIRST_ADMIN_EMAIL: &str = "admin@localhost";

/// The demo institution's time zone: its seed is a Moscow press centre's.
const DEMO_TIME_ZONE: &str = "Europe/Moscow";

/// Opens the site at `location`: creates the data directory and database when missing, applies
/// pending migrations (refusing a database from a newer Pressroom), writes the standard site
/// into an empty database, loads the demo content when asked and the site has no articles, and
/// creates the first administrator when there is none.
pub async fn open_site(location: &SiteLocation, demo: bool) -> anyhow::Result<(Store, Opened)> {
    open_site_in(location, demo, None).await
}

/// [`open_site`], with the institution's time zone: a new site starts in `zone` (the demo's in
/// Moscow, others in UTC when none is given), and an existing one moves to it.
pub async fn open_site_in(location: &SiteLocation, demo: bool, zone: Option<&SiteZone>) -> anyhow::Result<(Store, Opened)> {
    std::fs::create_dir_all(&location.data).with_context(|| format!("cannot create the data directory {}", location.data.display()))?;
    if location.database.is_none() {
        check_database_file(location)?;
    }
    let url = location.database_url();
    let store = Store::connect(&url).await.with_context(|| format!("cannot open the database {}", redact(&url)))?;
    let mut opened = Opened { migrations_applied: store.migrate().await?, ..Opened::default() };
    let new_zone = match zone {
        Some(zone) => zone.clone(),
        None if demo => SiteZone::parse(DEMO_TIME_ZONE).map_err(anyhow::Error::msg)?,
        None => SiteZone::default(),
    };
    let created = store.ensure_site(&Site { zone: new_zone, ..Site::standard() }).await?;
    if let Some(zone) = zone.filter(|_| !created) {
        store.set_time_zone(zone, &Actor::system("init")).await?;
    }
    let (_, created) = log_key(location)?;
    opened.new_log_key = created;
    opened.logged_existing = store.log_existing_publications().await?;
    // Whether the site has any article at all: the top of the id index, not every article read.
    if demo && store.last_article_id().await? == 0 {
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

/// The public record's key from the data directory, made (mode 0600) when missing; the second
/// value is the public key when it was made just now.
pub fn log_key(location: &SiteLocation) -> anyhow::Result<(LogKey, Option<String>)> {
    let path = location.log_key_file();
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let key = LogKey::parse(&text).with_context(|| format!("the public record's key {} is damaged", path.display()))?;
            Ok((key, None))
        }
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => {
            let name = location.log_name.clone().unwrap_or_else(LogKey::made_up_name);
            let key = LogKey::generate(&name).context("the public record's key could not be made")?;
            write_private(&path, key.private_text())?;
            let public = key.verifier_key().to_owned();
            Ok((key, Some(public)))
        }
        Err(err) => Err(err).with_context(|| format!("cannot read the public record's key {}", path.display())),
    }
}

/// Writes a secret file that only its owner may read; never replaces one.
fn write_private(path: &std::path::Path, text: &str) -> anyhow::Result<()> {
    use std::io::Write as _;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path).with_context(|| format!("cannot create {}", path.display()))?;
    file.write_all(format!("{text}\n").as_bytes())
        .and_then(|()| file.sync_all())
        .with_context(|| format!("cannot write {}", path.display()))
}

/// The first bytes of every SQLite database file.
const SQLITE_HEADER: &[u8] = b"SQLite format 3\0";

/// Refuses a database file that cannot be this site's: one that is not SQLite at all, or an
/// empty one beside the search index or media of a site that existed (a truncated or lost
/// database must not silently become a new, empty site still answering from the old index).
pub fn check_database_file(location: &SiteLocation) -> anyhow::Result<()> {
    use std::io::Read as _;
    let path = location.data.join("pressroom.db");
    let Ok(mut file) = std::fs::File::open(&path) else { return Ok(()) };
    let mut header = Vec::with_capacity(SQLITE_HEADER.len());
    std::io::Read::take(&mut file, SQLITE_HEADER.len() as u64)
        .read_to_end(&mut header)
        .with_context(|| format!("cannot read the database {}", path.display()))?;
    let remains: Vec<&str> =
        ["search", "media"].into_iter().filter(|name| location.data.join(name).read_dir().is_ok_and(|mut d| d.next().is_some())).collect();
    if header.is_empty() && !remains.is_empty() {
        anyhow::bail!(
            "the database {} is empty (0 bytes), but {} beside it belong to an existing site: the database was lost or \
             truncated. Restore pressroom.db from a backup; or, to start a new site here, move the data directory aside.",
            path.display(),
            remains.join(" and ")
        );
    }
    if !header.is_empty() && header != SQLITE_HEADER {
        anyhow::bail!(
            "the database {} is not a database (it is not an SQLite file). Restore pressroom.db from a backup, or give \
             another data directory with --data.",
            path.display()
        );
    }
    Ok(())
}

/// The web settings of a site at `base_url`, with the standard values.
pub fn web_config(location: &SiteLocation, base_url: &str) -> anyhow::Result<WebConfig> {
    Ok(WebConfig::new(base_url, location.media()?))
}

/// The state the web layer serves from, following the change feed of the site's database, with
/// the background work (search index, webhooks, scheduler) started on the same feed.
pub async fn app_state(store: Store, location: &SiteLocation, config: WebConfig) -> anyhow::Result<AppState> {
    let changes = store.follow_changes().await?;
    let (key, _) = log_key(location)?;
    let mut config = config;
    config.log_key = Some(key.verifier_key().to_owned());
    let config = Arc::new(config);
    let search = background::start(&store, &changes, &location.search_dir(), config.clone(), key)?;
    state(store, location, config, changes, search)
}

/// The state for rendering the public pages without serving them (a static copy): no
/// background work, and no search index (the copy's search leads to the live site).
pub async fn rendering_state(store: Store, location: &SiteLocation, config: WebConfig) -> anyhow::Result<AppState> {
    let changes = store.follow_changes().await?;
    let (key, _) = log_key(location)?;
    let mut config = config;
    config.log_key = Some(key.verifier_key().to_owned());
    let search = Arc::new(pressroom_search::SearchIndex::in_memory().context("an empty search index")?);
    state(store, location, Arc::new(config), changes, search)
}

fn state(
    store: Store,
    location: &SiteLocation,
    config: Arc<WebConfig>,
    changes: tokio::sync::watch::Receiver<i64>,
    search: Arc<pressroom_search::SearchIndex>,
) -> anyhow::Result<AppState> {
    let theme = location.theme_dir();
    let renderer = Renderer::new(theme.is_dir().then_some(theme.as_path())).context("the theme could not be loaded")?;
    let pages = Arc::new(pressroom_web::page_cache::PageCache::new(config.page_cache_bytes));
    let static_files = Arc::new(pressroom_web::public::assets::StaticFiles::new(renderer.assets()));
    // The old addresses are read at once, not on the first request (a large table takes seconds).
    let redirects: Arc<pressroom_web::redirects::Redirects> = Arc::default();
    let (preload, current) = (redirects.clone(), *changes.borrow());
    let preload_store = store.clone();
    tokio::spawn(async move { preload.follow(&preload_store, current).await });
    let config_limits = config.rate_limits;
    Ok(AppState::new(Services {
        store,
        static_files,
        renderer: Arc::new(renderer),
        config,
        site: Arc::new(SiteCache::new(changes)),
        health: Arc::new(DbHealth::default()),
        search,
        pages,
        redirects,
        limiters: Arc::new(pressroom_web::limits::Limiters::new(config_limits)),
    }))
}
