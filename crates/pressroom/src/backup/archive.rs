//! The backup file: a zstd-compressed tar (so `tar --zstd -xf` opens it too) whose last entry is
//! a manifest with every other entry's size and SHA-256. A file is written under a temporary
//! name and renamed when complete, so a backup that exists is whole; a reader checks every entry
//! against the manifest.

use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufReader, BufWriter, Read};
use std::path::{Component, Path, PathBuf};

use anyhow::{bail, Context};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What the manifest says this file is; a reader refuses any other.
pub const FORMAT: &str = "pressroom-backup/1";
pub const MANIFEST: &str = "manifest.json";
/// The largest entry a reader accepts: row chunks are cut at a fraction of it and media files are
/// far smaller, so anything over it is a damaged or hostile file, refused before it fills memory.
pub const MAX_ENTRY_BYTES: u64 = 128 << 20;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Manifest {
    pub format: String,
    /// The Pressroom version that wrote the file.
    pub pressroom: String,
    /// The database schema version of the rows inside.
    pub schema: i64,
    /// `sqlite` or `postgres`: where the site came from (it may be restored into either).
    pub engine: String,
    /// When the snapshot was taken, RFC 3339, UTC.
    pub taken_at: String,
    /// Rows per table.
    pub tables: BTreeMap<String, u64>,
    /// Every other entry: its path, size and SHA-256.
    pub entries: Vec<EntrySum>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EntrySum {
    pub path: String,
    pub bytes: u64,
    pub sha256: String,
}

/// What an entry's path says it holds. Anything else in a file is refused, so that a restore
/// writes only where a site's files belong.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    /// Rows of one table: `database/NN-TABLE/NNNNNN.jsonl`.
    Rows {
        table: String,
    },
    /// A file of the data directory: `media/…`, `theme/…` or `log.key`, by its relative path.
    DataFile(PathBuf),
    Manifest,
}

pub fn rows_entry(position: usize, table: &str, chunk: usize) -> String {
    format!("database/{position:02}-{table}/{chunk:06}.jsonl")
}

impl EntryKind {
    pub fn of(path: &str) -> anyhow::Result<EntryKind> {
        if path == MANIFEST {
            return Ok(EntryKind::Manifest);
        }
        let relative = Path::new(path);
        let plain = path.split('/').all(|part| !part.is_empty() && part != "." && part != "..")
            && relative.components().all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            bail!("the backup holds an entry outside a site's data ({path})");
        }
        let parts: Vec<&str> = path.split('/').collect();
        match parts.as_slice() {
            ["database", table_dir, chunk] if chunk.ends_with(".jsonl") => {
                let table = table_dir.split_once('-').map(|(_, table)| table).filter(|t| !t.is_empty());
                match table {
                    Some(table) => Ok(EntryKind::Rows { table: table.to_owned() }),
                    None => bail!("the backup holds a database entry with no table name ({path})"),
                }
            }
            ["log.key"] | ["media", _, ..] | ["theme", _, ..] => Ok(EntryKind::DataFile(relative.to_owned())),
            _ => bail!("the backup holds an entry that is not part of a site ({path})"),
        }
    }
}

/// Writes a backup file: entries in order, then the manifest.
pub struct Writer {
    /// Taken by [`Writer::finish`].
    tar: Option<tar::Builder<zstd::Encoder<'static, BufWriter<File>>>>,
    sums: Vec<EntrySum>,
    partial: PathBuf,
    target: PathBuf,
}

impl Writer {
    /// Starts `target`, refusing to replace a file that exists.
    pub fn create(target: &Path) -> anyhow::Result<Writer> {
        if target.exists() {
            bail!("{} exists already; give a new file name (backups are never overwritten)", target.display());
        }
        let partial = partial_name(target);
        let file = File::create(&partial).with_context(|| format!("cannot create {}", partial.display()))?;
        let mut encoder = zstd::Encoder::new(BufWriter::new(file), 3).context("cannot start compressing")?;
        encoder.include_checksum(true).context("cannot start compressing")?;
        Ok(Writer { tar: Some(tar::Builder::new(encoder)), sums: Vec::new(), partial, target: target.to_owned() })
    }

    fn builder(&mut self) -> &mut tar::Builder<zstd::Encoder<'static, BufWriter<File>>> {
        self.tar.as_mut().expect("not finished")
    }

    pub fn add(&mut self, path: &str, bytes: &[u8]) -> anyhow::Result<()> {
        debug_assert!(EntryKind::of(path).is_ok(), "{path} is a backup entry");
        if bytes.len() as u64 > MAX_ENTRY_BYTES {
            bail!("{path} is {} bytes, more than a backup holds in one entry ({MAX_ENTRY_BYTES})", bytes.len());
        }
        let mut header = tar::Header::new_gnu();
        header.set_size(bytes.len() as u64);
        header.set_mode(if path == "log.key" { 0o600 } else { 0o644 });
        header.set_mtime(0);
        header.set_cksum();
        self.builder().append_data(&mut header, path, bytes).with_context(|| format!("cannot write {}", self.partial.display()))?;
        self.sums.push(EntrySum { path: path.to_owned(), bytes: bytes.len() as u64, sha256: hex::encode(Sha256::digest(bytes)) });
        Ok(())
    }

    /// Adds the manifest, flushes everything to disk and gives the file its name.
    pub fn finish(mut self, mut manifest: Manifest) -> anyhow::Result<u64> {
        manifest.entries = std::mem::take(&mut self.sums);
        let json = serde_json::to_vec_pretty(&manifest)?;
        let mut header = tar::Header::new_gnu();
        header.set_size(json.len() as u64);
        header.set_mode(0o644);
        header.set_mtime(0);
        header.set_cksum();
        self.builder().append_data(&mut header, MANIFEST, json.as_slice())?;
        let encoder = self.tar.take().expect("finished once").into_inner()?;
        let buffered = encoder.finish()?;
        let file = buffered.into_inner().map_err(|e| e.into_error())?;
        file.sync_all().with_context(|| format!("cannot write {}", self.partial.display()))?;
        let size = file.metadata()?.len();
        std::fs::rename(&self.partial, &self.target).with_context(|| format!("cannot name {}", self.target.display()))?;
        if let Some(dir) = self.target.parent().filter(|d| !d.as_os_str().is_empty()) {
            File::open(dir).and_then(|d| d.sync_all()).with_context(|| format!("cannot sync {}", dir.display()))?;
        }
        Ok(size)
    }
}

impl Drop for Writer {
    /// A backup that did not finish leaves nothing behind.
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.partial);
    }
}

fn partial_name(target: &Path) -> PathBuf {
    let mut name = target.file_name().map(|n| n.to_os_string()).unwrap_or_default();
    name.push(".partial");
    target.with_file_name(name)
}

/// Reads every entry of a backup file in order, checking each against the manifest: `each` sees
/// an entry's kind, path and bytes before the manifest has been read, so a caller that must not
/// act on unchecked data reads the file twice (see [`check`]).
pub fn read(
    file: &Path,
    wrap: impl FnOnce(File) -> Box<dyn Read + Send>,
    each: impl FnMut(&EntryKind, &str, &[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<Manifest> {
    let opened = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    read_from(BufReader::new(wrap(opened)), &file.display().to_string(), each)
}

/// [`read`] from any source of a backup's bytes; `name` is what messages call it.
pub fn read_from(
    source: impl std::io::BufRead,
    name: &str,
    mut each: impl FnMut(&EntryKind, &str, &[u8]) -> anyhow::Result<()>,
) -> anyhow::Result<Manifest> {
    let decoder = zstd::Decoder::with_buffer(source).with_context(|| format!("{name} is not a Pressroom backup"))?;
    let mut archive = tar::Archive::new(decoder);
    let mut seen = Vec::new();
    let mut manifest = None;
    let broken = |e: std::io::Error| anyhow::anyhow!("{name} is damaged or not a Pressroom backup ({e})");
    for entry in archive.entries().map_err(broken)? {
        let mut entry = entry.map_err(broken)?;
        let path = entry.path().map_err(broken)?.to_string_lossy().into_owned();
        if manifest.is_some() {
            bail!("{name} has entries after its manifest ({path})");
        }
        let kind = EntryKind::of(&path)?;
        if entry.size() > MAX_ENTRY_BYTES {
            bail!("{name}: {path} is larger than any entry of a backup ({} bytes)", entry.size());
        }
        let mut bytes = Vec::with_capacity(entry.size() as usize);
        entry.read_to_end(&mut bytes).map_err(broken)?;
        if kind == EntryKind::Manifest {
            let parsed: Manifest = serde_json::from_slice(&bytes).with_context(|| format!("the manifest of {name} cannot be read"))?;
            if parsed.format != FORMAT {
                bail!("{name} is a backup of another kind ({}); this Pressroom reads {FORMAT}", parsed.format);
            }
            manifest = Some(parsed);
            continue;
        }
        seen.push(EntrySum { path: path.clone(), bytes: bytes.len() as u64, sha256: hex::encode(Sha256::digest(&bytes)) });
        each(&kind, &path, &bytes)?;
    }
    let Some(manifest) = manifest else {
        bail!("{name} ends before its manifest: the file is incomplete");
    };
    if seen != manifest.entries {
        let differs = seen.iter().zip(&manifest.entries).find(|(a, b)| a != b).map(|(a, _)| a.path.clone());
        match differs {
            Some(path) => bail!("{name}: {path} does not match its checksum in the manifest"),
            None => bail!("{name} holds {} entries but its manifest lists {}", seen.len(), manifest.entries.len()),
        }
    }
    Ok(manifest)
}

/// Checks a whole file without acting on it.
pub fn check(file: &Path, wrap: impl FnOnce(File) -> Box<dyn Read + Send>) -> anyhow::Result<Manifest> {
    read(file, wrap, |_, _, _| Ok(()))
}

/// Rows as a backup keeps them: one JSON array of column names, then one JSON array per row.
pub fn encode_rows(columns: &[&str], rows: &[Vec<pressroom_store::Cell>]) -> Vec<u8> {
    use pressroom_store::Cell;
    let mut out = Vec::new();
    serde_json::to_writer(&mut out, columns).expect("names serialise");
    for row in rows {
        out.push(b'\n');
        let values: Vec<serde_json::Value> = row
            .iter()
            .map(|cell| match cell {
                Cell::Null => serde_json::Value::Null,
                Cell::Int(i) => serde_json::Value::from(*i),
                Cell::Text(s) => serde_json::Value::from(s.as_str()),
            })
            .collect();
        serde_json::to_writer(&mut out, &values).expect("values serialise");
    }
    out.push(b'\n');
    out
}

/// The column names and rows of one rows entry.
pub fn decode_rows(path: &str, bytes: &[u8]) -> anyhow::Result<(Vec<String>, Vec<Vec<pressroom_store::Cell>>)> {
    use pressroom_store::Cell;
    let text = std::str::from_utf8(bytes).with_context(|| format!("{path} is not UTF-8"))?;
    let mut lines = text.lines();
    let columns: Vec<String> =
        serde_json::from_str(lines.next().unwrap_or_default()).with_context(|| format!("{path} does not start with its column names"))?;
    let mut rows = Vec::new();
    for (number, line) in lines.enumerate() {
        let values: Vec<serde_json::Value> = serde_json::from_str(line).with_context(|| format!("{path}, row {}", number + 1))?;
        let row = values
            .into_iter()
            .map(|value| match value {
                serde_json::Value::Null => Ok(Cell::Null),
                serde_json::Value::Number(n) => n.as_i64().map(Cell::Int).ok_or(()),
                serde_json::Value::String(s) => Ok(Cell::Text(s)),
                _ => Err(()),
            })
            .collect::<Result<Vec<_>, ()>>()
            .map_err(|()| anyhow::anyhow!("{path}, row {}: a value is neither a whole number, a text nor null", number + 1))?;
        rows.push(row);
    }
    Ok((columns, rows))
}

#[cfg(test)]
mod tests {
    use super::*;
    use pressroom_store::Cell;

    #[test]
    fn only_a_sites_entries_are_accepted() {
        assert_eq!(EntryKind::of("database/03-sections/000001.jsonl").unwrap(), EntryKind::Rows { table: "sections".into() });
        assert!(matches!(EntryKind::of("media/ab/abcd/original.png").unwrap(), EntryKind::DataFile(_)));
        assert!(matches!(EntryKind::of("log.key").unwrap(), EntryKind::DataFile(_)));
        for bad in ["../etc/passwd", "/etc/passwd", "media/../../x", "pressroom.db", "database/x.jsonl", "media", "", "theme/./a"] {
            assert!(EntryKind::of(bad).is_err(), "{bad} is refused");
        }
    }

    #[test]
    fn rows_round_trip() {
        let rows = vec![
            vec![Cell::Int(1), Cell::Text("Заявление\n\"quoted\"".into()), Cell::Null],
            vec![Cell::Int(-7), Cell::Text(String::new()), Cell::Int(i64::MAX)],
        ];
        let bytes = encode_rows(&["id", "title", "at"], &rows);
        let (columns, back) = decode_rows("t", &bytes).unwrap();
        assert_eq!(columns, ["id", "title", "at"]);
        assert_eq!(back, rows);
        assert!(decode_rows("t", b"[\"id\"]\n[1.5]\n").unwrap_err().to_string().contains("row 1"));
        assert!(decode_rows("t", b"not json").is_err());
    }
}
