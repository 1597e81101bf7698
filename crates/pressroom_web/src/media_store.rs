//! Where uploaded media are kept: a folder on this server (the default, `DATA/media`), or an
//! S3-compatible bucket that every server of a site shares (`s3://BUCKET/PREFIX`). Both lay a
//! media item out the same way, `ab/KEY/NAME` (the key's first two characters, the key, the file
//! name), so `pressroom copy` moves media between them file for file.
//!
//! A bucket is reached with `object_store` (the Apache Arrow project's S3 client) configured the
//! way operators configure every S3 tool: `AWS_ENDPOINT_URL`, `AWS_REGION`, `AWS_ACCESS_KEY_ID`,
//! `AWS_SECRET_ACCESS_KEY`, path-style addressing. Requests are bounded in time and retried once,
//! so a store that is down costs a media request a few seconds at most and the answer is a 503.

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use futures_util::{StreamExt, TryStreamExt};
use object_store::aws::{AmazonS3, AmazonS3Builder};
use object_store::prefix::PrefixStore;
use object_store::{Attribute, Attributes, ClientOptions, ObjectStore, ObjectStoreExt, PutOptions, RetryConfig};

/// The media store of a site.
#[derive(Debug, Clone)]
pub enum MediaStore {
    Folder(PathBuf),
    Bucket(Bucket),
}

/// An S3-compatible bucket, under a prefix.
#[derive(Debug, Clone)]
pub struct Bucket {
    objects: Arc<PrefixStore<AmazonS3>>,
    /// `s3://BUCKET/PREFIX`, as the administrator gave it.
    location: String,
    /// When set, readers are sent here (`PUBLIC_URL/ab/KEY/NAME`) rather than streamed the file.
    public_url: Option<String>,
}

/// Why a media file could not be had.
#[derive(Debug)]
pub enum MediaError {
    NotFound,
    /// The store did not answer, or refused; the cause is for the log.
    Unavailable(String),
}

impl std::fmt::Display for MediaError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            MediaError::NotFound => f.write_str("no such media file"),
            MediaError::Unavailable(cause) => write!(f, "the media store cannot be reached: {cause}"),
        }
    }
}

impl std::error::Error for MediaError {}

impl From<MediaError> for crate::WebError {
    fn from(err: MediaError) -> Self {
        match err {
            MediaError::NotFound => crate::WebError::NotFound,
            MediaError::Unavailable(cause) => crate::WebError::Unavailable(cause),
        }
    }
}

fn unavailable(err: impl std::fmt::Display) -> MediaError {
    MediaError::Unavailable(err.to_string())
}

impl From<object_store::Error> for MediaError {
    fn from(err: object_store::Error) -> Self {
        match err {
            object_store::Error::NotFound { .. } => MediaError::NotFound,
            other => unavailable(other),
        }
    }
}

impl From<std::io::Error> for MediaError {
    fn from(err: std::io::Error) -> Self {
        match err.kind() {
            std::io::ErrorKind::NotFound => MediaError::NotFound,
            _ => unavailable(err),
        }
    }
}

/// One stored file: the media item's key, the file's name within it, and its size in bytes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredFile {
    pub key: String,
    pub name: String,
    pub size: u64,
}

/// How a reader gets a file.
pub enum Delivery {
    /// The file's bytes, streamed through this server.
    Body { size: u64, body: axum::body::Body },
    /// The file's public address in the store.
    Redirect(String),
}

/// The folder of a media item. Keys are random hex made by the server, checked again here.
pub fn item_dir(root: &Path, key: &str) -> PathBuf {
    root.join(item_path(key))
}

/// `ab/KEY`: where a media item's files are, relative to the store's root.
pub fn item_path(key: &str) -> String {
    assert!(is_key(key), "media keys are made by the server");
    format!("{}/{key}", &key[..2])
}

pub fn is_key(key: &str) -> bool {
    key.len() == 32 && key.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// A file name the server gives a media file: `original.pdf`, `w480.jpg`.
fn is_file_name(name: &str) -> bool {
    !name.is_empty() && name.len() <= 40 && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'.') && !name.starts_with('.')
}

impl MediaStore {
    /// The store at `location`: `s3://BUCKET/PREFIX` for a bucket (configured from the `AWS_*`
    /// environment), anything else a folder. `public_url` sends readers to a bucket's own address.
    pub fn open(location: &str, public_url: Option<&str>) -> Result<MediaStore, String> {
        let Some(rest) = location.strip_prefix("s3://") else {
            if public_url.is_some() {
                return Err("a public address for media needs media in a bucket (--media s3://BUCKET/PREFIX)".into());
            }
            return Ok(MediaStore::Folder(PathBuf::from(location)));
        };
        let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
        let prefix = prefix.trim_matches('/');
        if bucket.is_empty() {
            return Err(format!("{location} names no bucket: give s3://BUCKET or s3://BUCKET/PREFIX"));
        }
        let public_url = match public_url {
            Some(url) if url.starts_with("https://") || url.starts_with("http://") => Some(url.trim_end_matches('/').to_owned()),
            Some(url) => return Err(format!("the public address for media must start with https:// or http:// (not {url:?})")),
            None => None,
        };
        let endpoint = std::env::var("AWS_ENDPOINT_URL").or_else(|_| std::env::var("AWS_ENDPOINT")).ok();
        let mut builder = AmazonS3Builder::from_env()
            .with_bucket_name(bucket)
            .with_virtual_hosted_style_request(false)
            .with_client_options(ClientOptions::new().with_connect_timeout(Duration::from_secs(2)).with_timeout(Duration::from_secs(30)))
            .with_retry(RetryConfig { max_retries: 1, retry_timeout: Duration::from_secs(5), ..RetryConfig::default() });
        if let Some(endpoint) = &endpoint {
            // A self-hosted store on the private network may speak plain HTTP; without keys it
            // is asked anonymously rather than through a cloud's instance credentials.
            builder = builder.with_allow_http(endpoint.starts_with("http://"));
            if std::env::var_os("AWS_ACCESS_KEY_ID").is_none() {
                builder = builder.with_skip_signature(true);
            }
        }
        let store = builder.build().map_err(|e| format!("the bucket {location} cannot be used: {e}"))?;
        Ok(MediaStore::Bucket(Bucket {
            objects: Arc::new(PrefixStore::new(store, prefix)),
            location: format!("s3://{bucket}/{prefix}").trim_end_matches('/').to_owned(),
            public_url,
        }))
    }

    /// Where the media are, for messages: a folder's path or the bucket's `s3://` address.
    pub fn describe(&self) -> String {
        match self {
            MediaStore::Folder(dir) => dir.display().to_string(),
            MediaStore::Bucket(bucket) => bucket.location.clone(),
        }
    }

    /// Stores one file of a media item; on return it is durable (synced to disk, or
    /// acknowledged by the bucket).
    pub async fn write(&self, key: &str, name: &str, bytes: Vec<u8>) -> Result<(), MediaError> {
        assert!(is_file_name(name), "media file names are made by the server");
        match self {
            MediaStore::Folder(root) => {
                let path = item_dir(root, key).join(name);
                tokio::task::spawn_blocking(move || write_synced(&path, &bytes)).await.map_err(unavailable)??;
            }
            MediaStore::Bucket(bucket) => {
                let path = object_store::path::Path::from(format!("{}/{name}", item_path(key)));
                let options = PutOptions { attributes: attributes(name), ..PutOptions::default() };
                bucket.objects.put_opts(&path, bytes.into(), options).await?;
            }
        }
        Ok(())
    }

    /// Stores the files of a new media item.
    pub async fn write_item(&self, key: &str, files: Vec<(String, Vec<u8>)>) -> Result<(), MediaError> {
        for (name, bytes) in files {
            self.write(key, &name, bytes).await?;
        }
        Ok(())
    }

    /// A file's bytes, whole.
    pub async fn read(&self, key: &str, name: &str) -> Result<Vec<u8>, MediaError> {
        match self {
            MediaStore::Folder(root) => Ok(tokio::fs::read(item_dir(root, key).join(name)).await?),
            MediaStore::Bucket(bucket) => {
                let path = object_store::path::Path::from(format!("{}/{name}", item_path(key)));
                Ok(bucket.objects.get(&path).await?.bytes().await?.to_vec())
            }
        }
    }

    /// How a reader gets a file: streamed, or sent to the bucket's public address.
    pub async fn deliver(&self, key: &str, name: &str) -> Result<Delivery, MediaError> {
        match self {
            MediaStore::Folder(_) => {
                let bytes = self.read(key, name).await?;
                Ok(Delivery::Body { size: bytes.len() as u64, body: bytes.into() })
            }
            MediaStore::Bucket(Bucket { public_url: Some(url), .. }) => Ok(Delivery::Redirect(format!("{url}/{}/{name}", item_path(key)))),
            MediaStore::Bucket(bucket) => {
                let path = object_store::path::Path::from(format!("{}/{name}", item_path(key)));
                let found = bucket.objects.get(&path).await?;
                let size = found.meta.size;
                Ok(Delivery::Body { size, body: axum::body::Body::from_stream(found.into_stream()) })
            }
        }
    }

    /// The names of a media item's files, in name order.
    pub async fn names(&self, key: &str) -> Result<Vec<String>, MediaError> {
        let mut names: Vec<String> = match self {
            MediaStore::Folder(root) => {
                let mut entries = tokio::fs::read_dir(item_dir(root, key)).await?;
                let mut names = Vec::new();
                while let Some(entry) = entries.next_entry().await? {
                    names.push(entry.file_name().to_string_lossy().into_owned());
                }
                names
            }
            MediaStore::Bucket(bucket) => {
                let prefix = object_store::path::Path::from(item_path(key));
                let listed = bucket.objects.list_with_delimiter(Some(&prefix)).await?;
                listed.objects.iter().filter_map(|meta| meta.location.filename().map(str::to_owned)).collect()
            }
        };
        names.retain(|name| is_file_name(name));
        if names.is_empty() {
            return Err(MediaError::NotFound);
        }
        names.sort();
        Ok(names)
    }

    /// Every media file in the store, in path order; anything else there is passed over.
    pub async fn files(&self) -> Result<Vec<StoredFile>, MediaError> {
        let mut files = Vec::new();
        match self {
            MediaStore::Folder(root) => {
                let root = root.clone();
                files = tokio::task::spawn_blocking(move || folder_files(&root)).await.map_err(unavailable)??;
            }
            MediaStore::Bucket(bucket) => {
                let mut listing = bucket.objects.list(None);
                while let Some(meta) = listing.try_next().await? {
                    let parts: Vec<_> = meta.location.parts().collect();
                    if let [_, key, name] = parts.as_slice() {
                        files.push((key.as_ref().to_owned(), name.as_ref().to_owned(), meta.size));
                    }
                }
                files.retain(|(key, name, _)| is_key(key) && is_file_name(name));
            }
        }
        let mut files: Vec<StoredFile> = files.into_iter().map(|(key, name, size)| StoredFile { key, name, size }).collect();
        files.sort_by(|a, b| (&a.key, &a.name).cmp(&(&b.key, &b.name)));
        Ok(files)
    }

    /// Whether the store holds no media file yet.
    pub async fn is_empty(&self) -> Result<bool, MediaError> {
        match self {
            MediaStore::Folder(root) => Ok(root.read_dir().map_or(true, |mut entries| entries.next().is_none())),
            MediaStore::Bucket(bucket) => Ok(bucket.objects.list(None).next().await.transpose()?.is_none()),
        }
    }

    /// Whether the store can take files now: the folder exists or can be made; the bucket
    /// answers a listing.
    pub async fn check(&self) -> Result<(), MediaError> {
        match self {
            MediaStore::Folder(root) => {
                tokio::fs::create_dir_all(root).await?;
                Ok(())
            }
            MediaStore::Bucket(bucket) => {
                bucket.objects.list_with_delimiter(None).await?;
                Ok(())
            }
        }
    }
}

/// What a bucket sends with a file when readers fetch it from there: its type, its lifetime
/// (files never change under a key), and documents as downloads.
fn attributes(name: &str) -> Attributes {
    let content_type = pressroom_render::media::content_type_of(name);
    let mut attributes = Attributes::new();
    attributes.insert(Attribute::ContentType, content_type.into());
    attributes.insert(Attribute::CacheControl, "public, max-age=31536000, immutable".into());
    if !content_type.starts_with("image/") {
        attributes.insert(Attribute::ContentDisposition, "attachment".into());
    }
    attributes
}

fn write_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut file = std::fs::File::create(path)?;
    std::io::Write::write_all(&mut file, bytes)?;
    file.sync_all()
}

fn folder_files(root: &Path) -> std::io::Result<Vec<(String, String, u64)>> {
    let mut files = Vec::new();
    let Ok(shards) = std::fs::read_dir(root) else { return Ok(files) };
    for shard in shards {
        let shard = shard?;
        let Ok(items) = std::fs::read_dir(shard.path()) else { continue };
        for item in items {
            let item = item?;
            let key = item.file_name().to_string_lossy().into_owned();
            if !is_key(&key) {
                continue;
            }
            for file in std::fs::read_dir(item.path())? {
                let file = file?;
                let name = file.file_name().to_string_lossy().into_owned();
                if is_file_name(&name) {
                    files.push((key.clone(), name, file.metadata()?.len()));
                }
            }
        }
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_never_leave_the_media_folder() {
        assert!(is_key("0123456789abcdef0123456789abcdef"));
        for bad in ["../../etc/passwd", "0123456789ABCDEF0123456789ABCDEF", "short", "0123456789abcdef0123456789abcde/"] {
            assert!(!is_key(bad), "{bad}");
        }
        for bad in ["", "../x", ".hidden", "a/b", "original.pdf\n"] {
            assert!(!is_file_name(bad), "{bad:?}");
        }
    }

    #[test]
    fn locations_are_read_with_clear_refusals() {
        assert!(matches!(MediaStore::open("/srv/media", None), Ok(MediaStore::Folder(_))));
        let refused = MediaStore::open("s3://", None).unwrap_err();
        assert!(refused.contains("names no bucket"), "{refused}");
        let refused = MediaStore::open("/srv/media", Some("https://media.example.org")).unwrap_err();
        assert!(refused.contains("needs media in a bucket"), "{refused}");
        let refused = MediaStore::open("s3://news/media", Some("media.example.org")).unwrap_err();
        assert!(refused.contains("must start with https://"), "{refused}");
        let bucket = MediaStore::open("s3://news/site/media/", Some("https://media.example.org/")).unwrap();
        assert_eq!(bucket.describe(), "s3://news/site/media");
    }

    #[tokio::test]
    async fn a_folder_keeps_items_as_a_bucket_does() {
        let dir = tempfile::tempdir().unwrap();
        let store = MediaStore::open(dir.path().to_str().unwrap(), None).unwrap();
        assert!(store.is_empty().await.unwrap());
        let key = "0123456789abcdef0123456789abcdef";
        store.write_item(key, vec![("original.png".into(), vec![1, 2, 3]), ("w480.png".into(), vec![4])]).await.unwrap();
        assert!(dir.path().join("01").join(key).join("original.png").is_file(), "the layout is ab/KEY/NAME");
        assert_eq!(store.names(key).await.unwrap(), ["original.png", "w480.png"]);
        assert_eq!(store.read(key, "original.png").await.unwrap(), [1, 2, 3]);
        assert!(matches!(store.read(key, "w960.png").await, Err(MediaError::NotFound)));
        let files = store.files().await.unwrap();
        assert_eq!(files.iter().map(|f| (f.name.as_str(), f.size)).collect::<Vec<_>>(), [("original.png", 3), ("w480.png", 1)]);
        assert!(!store.is_empty().await.unwrap());
    }
}
