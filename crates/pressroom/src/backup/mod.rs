//! Backups of a live site and their restore, into either engine. A backup holds the database's
//! rows from one snapshot (every save acknowledged before the backup began, nothing half-done),
//! the media files those rows name, the public record's key and the theme; the search index is
//! left out and rebuilt on restore. See [`archive`] for the file itself.

pub mod archive;

use std::collections::BTreeMap;
use std::fs::File;
use std::io::Read;
use std::path::{Path, PathBuf};

use anyhow::{bail, Context};
use futures_util::TryStreamExt;
use pressroom_store::{Cell, Engine, Store, LATEST_VERSION};
use pressroom_transfer::Progress;

use pressroom_web::media_store::{self, MediaStore};

use crate::background::indexer::Indexer;
use crate::SiteLocation;
use archive::{EntryKind, Manifest, Writer};

/// Rows per entry of the file, and the size of their text at which an entry is cut sooner: what a
/// backup or restore holds in memory at once.
const CHUNK_ROWS: usize = 5_000;
const CHUNK_TEXT_BYTES: usize = 32 << 20;

/// The folder of the media files in a backup, laid out as in a media store (`ab/KEY/NAME`).
const MEDIA: &str = "media";

/// How a file is read: given the opened file, a reader over it (a progress bar's, say).
pub type Wrap = Box<dyn FnOnce(File) -> Box<dyn Read + Send> + Send>;

pub fn plain() -> Wrap {
    Box::new(|file| Box::new(file))
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Summary {
    pub rows: u64,
    pub files: u64,
}

impl Summary {
    pub fn of(manifest: &Manifest) -> Summary {
        let files = manifest.entries.iter().filter(|e| !e.path.starts_with("database/")).count() as u64;
        Summary { rows: manifest.tables.values().sum(), files }
    }
}

/// Writes a backup of the site at `location` (open as `store`) to `target`, while the site
/// keeps serving and saving.
pub async fn backup(store: &Store, location: &SiteLocation, target: &Path, progress: &dyn Progress) -> anyhow::Result<Summary> {
    store.check_schema().await?;
    let mut writer = Writer::create(target)?;
    let mut snapshot = store.snapshot().await?;
    let taken_at = time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc3339)?;
    progress.start(snapshot.total_rows().await?);
    let mut tables = BTreeMap::new();
    let mut media_keys = Vec::new();
    for (position, table) in Store::copied_tables().0.iter().enumerate() {
        let shape = store.table_shape(table).await?;
        let names = shape.column_names();
        let key_column = names.iter().position(|name| *table == "media" && *name == "storage_key");
        let mut rows = snapshot.rows(&shape);
        let (mut chunk, mut chunks, mut count, mut text_bytes) = (Vec::new(), 0, 0u64, 0usize);
        loop {
            let next = rows.try_next().await?;
            let done = next.is_none();
            if let Some(row) = next {
                if let Some(Cell::Text(key)) = key_column.map(|i| &row[i]) {
                    media_keys.push(key.clone());
                }
                text_bytes += row.iter().map(|cell| if let Cell::Text(text) = cell { text.len() } else { 8 }).sum::<usize>();
                chunk.push(row);
                count += 1;
                progress.advance();
            }
            if chunk.len() == CHUNK_ROWS || text_bytes >= CHUNK_TEXT_BYTES || (done && !chunk.is_empty()) {
                chunks += 1;
                text_bytes = 0;
                writer.add(&archive::rows_entry(position, table, chunks), &archive::encode_rows(&names, &chunk))?;
                chunk.clear();
            }
            if done {
                break;
            }
        }
        tables.insert((*table).to_owned(), count);
    }
    drop(snapshot);

    // Files after rows: a media item's files are stored before its row is saved, so every file
    // the snapshot names is complete, and an upload in progress is in neither.
    let media = location.media()?;
    let mut media_files = Vec::new();
    for key in &media_keys {
        anyhow::ensure!(media_store::is_key(key), "the media table holds a malformed storage key ({key})");
        let names =
            media.names(key).await.with_context(|| format!("the files of media item {key} are missing from {}", media.describe()))?;
        media_files.extend(names.into_iter().map(|name| (key, name)));
    }
    let mut files = Vec::new();
    if location.log_key_file().is_file() {
        files.push(location.log_key_file());
    }
    if location.theme_dir().is_dir() {
        files.extend(sorted_files(&location.theme_dir())?);
    }
    progress.grow((media_files.len() + files.len()) as u64);
    for (key, name) in &media_files {
        let bytes =
            media.read(key, name).await.with_context(|| format!("cannot read media file {key}/{name} from {}", media.describe()))?;
        writer.add(&format!("{MEDIA}/{}/{name}", media_store::item_path(key)), &bytes)?;
        progress.advance();
    }
    for path in &files {
        let relative = path.strip_prefix(&location.data).expect("every file is in the data directory");
        let name = relative.to_str().with_context(|| format!("{} is not a UTF-8 name", path.display()))?;
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
        writer.add(name, &bytes)?;
        progress.advance();
    }
    let manifest = Manifest {
        format: archive::FORMAT.to_owned(),
        pressroom: env!("CARGO_PKG_VERSION").to_owned(),
        schema: store.schema_status().await?.current,
        engine: match store.engine() {
            Engine::Sqlite => "sqlite",
            Engine::Postgres => "postgres",
        }
        .to_owned(),
        taken_at,
        tables,
        entries: Vec::new(),
    };
    let summary = Summary { rows: manifest.tables.values().sum(), files: (media_files.len() + files.len()) as u64 };
    writer.finish(manifest)?;
    progress.finish();
    Ok(summary)
}

/// Every file under `dir`, depth first, in name order.
fn sorted_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<std::io::Result<_>>()?;
    entries.sort_by_key(|entry| entry.file_name());
    let mut files = Vec::new();
    for entry in entries {
        let path = entry.path();
        if entry.file_type()?.is_dir() {
            files.extend(sorted_files(&path)?);
        } else {
            files.push(path);
        }
    }
    Ok(files)
}

/// Checks a backup file whole (every entry against the manifest) without restoring it.
pub async fn verify(file: &Path, wrap: Wrap) -> anyhow::Result<Manifest> {
    let file = file.to_owned();
    tokio::task::spawn_blocking(move || archive::check(&file, wrap)).await?
}

/// Restores a backup into `location`, which must hold no site: the file is checked whole first,
/// then the rows are written in one transaction and the files put in place only once it has
/// committed; the search index is rebuilt last.
pub async fn restore(file: &Path, location: &SiteLocation, check: Wrap, progress: &dyn Progress) -> anyhow::Result<Summary> {
    let manifest = verify(file, check).await?;
    if manifest.schema != LATEST_VERSION {
        bail!(
            "{} holds a site at schema version {} (written by Pressroom {}); this Pressroom restores version {LATEST_VERSION}. \
             Restore it with Pressroom {} and start this version on it, which upgrades it.",
            file.display(),
            manifest.schema,
            manifest.pressroom,
            manifest.pressroom
        );
    }
    let media = location.media()?;
    refuse_existing_site(location, &media).await?;
    std::fs::create_dir_all(&location.data).with_context(|| format!("cannot create {}", location.data.display()))?;
    let url = location.database_url();
    let store = Store::connect(&url).await.with_context(|| format!("cannot open the database {}", pressroom_store::redact(&url)))?;
    store.migrate().await?;
    let staging = Staging::new(location.data.join(".restoring"))?;

    let summary = Summary::of(&manifest);
    progress.start(summary.rows + summary.files);
    let mut loader = store.loader().await?;
    let (sender, mut entries) = tokio::sync::mpsc::channel::<(EntryKind, String, Vec<u8>)>(4);
    let source = file.to_owned();
    let reading = tokio::task::spawn_blocking(move || {
        archive::read(&source, plain(), |kind, path, bytes| {
            sender.blocking_send((kind.clone(), path.to_owned(), bytes.to_vec())).map_err(|_| anyhow::anyhow!("the restore stopped"))
        })
    });
    let mut table = None;
    while let Some((kind, path, bytes)) = entries.recv().await {
        match kind {
            EntryKind::Rows { table: name } => {
                let (columns, rows) = archive::decode_rows(&path, &bytes)?;
                if table.as_ref() != Some(&name) {
                    let columns: Vec<&str> = columns.iter().map(String::as_str).collect();
                    loader.start_named(&name, &columns).await?;
                    table = Some(name);
                }
                for row in rows {
                    loader.insert(row).await?;
                    progress.advance();
                }
            }
            EntryKind::DataFile(relative) => {
                staging.write(&relative, &bytes)?;
                progress.advance();
            }
            EntryKind::Manifest => {}
        }
    }
    // The file is read twice; the second reading is checked against the manifest too, before
    // anything commits.
    reading.await??;
    loader.finish().await?;
    let staged_media = MediaStore::Folder(staging.dir.join(MEDIA));
    crate::media::copy_media(&staged_media, &media, &pressroom_transfer::Quiet).await?;
    staging.move_into(&location.data)?;
    progress.finish();

    let (indexer, _) = Indexer::open(&location.search_dir()).map_err(|e| anyhow::anyhow!("the search index cannot be made: {e}"))?;
    indexer.rebuild(&store, &|_| {}).await.map_err(anyhow::Error::msg)?;
    store.close().await;
    Ok(summary)
}

/// A restore writes into an empty place only: never over a site's database, key or media.
async fn refuse_existing_site(location: &SiteLocation, media: &MediaStore) -> anyhow::Result<()> {
    let mut present = Vec::new();
    if location.database.is_none() && location.data.join("pressroom.db").metadata().is_ok_and(|m| m.len() > 0) {
        present.push("pressroom.db");
    }
    if location.log_key_file().exists() {
        present.push("log.key");
    }
    if !media.is_empty().await.with_context(|| format!("cannot look into {}", media.describe()))? {
        present.push("media");
    }
    if !present.is_empty() {
        bail!("{} already holds a site ({}); restore into a new, empty data directory", location.data.display(), present.join(", "));
    }
    Ok(())
}

/// Files restored beside the data directory's contents, moved in once the database committed;
/// removed if the restore stops before.
struct Staging {
    dir: PathBuf,
}

impl Staging {
    fn new(dir: PathBuf) -> anyhow::Result<Staging> {
        if dir.exists() {
            std::fs::remove_dir_all(&dir).with_context(|| format!("cannot clear {}", dir.display()))?;
        }
        std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
        Ok(Staging { dir })
    }

    fn write(&self, relative: &Path, bytes: &[u8]) -> anyhow::Result<()> {
        let path = self.dir.join(relative);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
        }
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        if relative == Path::new("log.key") {
            std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        }
        let mut file = options.open(&path).with_context(|| format!("cannot create {}", path.display()))?;
        std::io::Write::write_all(&mut file, bytes)
            .and_then(|()| file.sync_all())
            .with_context(|| format!("cannot write {}", path.display()))
    }

    /// Moves every restored file and folder but the media (copied to the site's media store)
    /// into `data`.
    fn move_into(&self, data: &Path) -> anyhow::Result<()> {
        for entry in std::fs::read_dir(&self.dir)? {
            let entry = entry?;
            if entry.file_name() == MEDIA {
                continue;
            }
            let target = data.join(entry.file_name());
            std::fs::rename(entry.path(), &target).with_context(|| format!("cannot move {} into place", target.display()))?;
        }
        Ok(())
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}
