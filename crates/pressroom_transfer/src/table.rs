//! Table imports: a CSV file (a spreadsheet's export of a Bitrix or Drupal table) or JSON Lines,
//! one row per language version, with the content folder's front matter keys as columns plus
//! `body` and `old_url` — the addresses the item had, which answer 301 to its new one.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::Path;

use pressroom_domain::{OldPath, Status};
use pressroom_editorial::ImportItem;
use pressroom_store::{ImportReport, Store};
use serde::Deserialize;

use crate::folder::FrontMatterIn;
use crate::{import_entries, Entries, Entry, EntrySource, FileProblem, Progress, TransferError};

/// The formats a table comes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    Csv,
    JsonLines,
}

impl TableFormat {
    /// The format of a file, by its extension (`.csv`, `.jsonl` or `.ndjson`).
    pub fn of(path: &Path) -> Option<TableFormat> {
        match path.extension()?.to_str()?.to_ascii_lowercase().as_str() {
            "csv" => Some(TableFormat::Csv),
            "jsonl" | "ndjson" => Some(TableFormat::JsonLines),
            _ => None,
        }
    }
}

/// A row: the front matter's keys, the body, and the old addresses. In CSV, `tags` are
/// separated by `;` and `old_url` by spaces or `;`; in JSON Lines either may also be a list.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Row {
    title: Option<String>,
    lang: Option<String>,
    section: Option<String>,
    slug: Option<String>,
    date: Option<String>,
    lead: Option<String>,
    tags: Option<OneOrMany>,
    translation: Option<String>,
    status: Option<String>,
    cover: Option<String>,
    featured: Option<Flag>,
    body: Option<String>,
    old_url: Option<OneOrMany>,
}

#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    Many(Vec<String>),
    One(String),
}

impl OneOrMany {
    fn split(self, separators: &[char]) -> Vec<String> {
        match self {
            OneOrMany::Many(values) => values,
            OneOrMany::One(text) => text.split(separators).map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned).collect(),
        }
    }
}

/// `true`/`false` in JSON; in CSV also `yes`, `1`, `x` and an empty cell.
#[derive(Debug, Deserialize)]
#[serde(untagged)]
enum Flag {
    Bool(bool),
    Text(String),
}

impl Flag {
    fn value(&self) -> Result<bool, String> {
        match self {
            Flag::Bool(value) => Ok(*value),
            Flag::Text(text) => match text.trim().to_ascii_lowercase().as_str() {
                "true" | "yes" | "1" | "x" => Ok(true),
                "false" | "no" | "0" | "" => Ok(false),
                other => Err(format!("featured is {other:?}; use true or false")),
            },
        }
    }
}

/// Imports a table file, every row checked first; see [`crate::import_folder`].
pub async fn import_table(store: &Store, file: &Path, format: TableFormat, progress: &dyn Progress) -> Result<ImportReport, TransferError> {
    import_entries(store, &Table { file, format }, progress).await
}

struct Table<'a> {
    file: &'a Path,
    format: TableFormat,
}

impl EntrySource for Table<'_> {
    fn entries(&self) -> Result<Entries<'_>, TransferError> {
        let io = |source| TransferError::Io { path: self.file.to_owned(), source };
        let name = self.file.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        match self.format {
            TableFormat::Csv => {
                let reader = csv::ReaderBuilder::new().trim(csv::Trim::Headers).from_reader(File::open(self.file).map_err(io)?);
                // Line 1 is the header row.
                Ok(Box::new(reader.into_deserialize::<Row>().enumerate().map(move |(index, row)| {
                    let place = format!("{name}, line {}", index + 2);
                    match row {
                        Ok(row) => Ok(row_entry(place, row)),
                        Err(err) if err.is_io_error() => {
                            Err(TransferError::Io { path: self.file.to_owned(), source: std::io::Error::other(err.to_string()) })
                        }
                        Err(err) => Ok(Entry::Problem(FileProblem { file: place, problem: format!("not a row of the table: {err}") })),
                    }
                })))
            }
            TableFormat::JsonLines => {
                let lines = BufReader::new(File::open(self.file).map_err(io)?).lines();
                Ok(Box::new(lines.enumerate().filter_map(move |(index, line)| {
                    let place = format!("{name}, line {}", index + 1);
                    let line = match line {
                        Ok(line) if line.trim().is_empty() => return None,
                        Ok(line) => line,
                        Err(source) => return Some(Err(TransferError::Io { path: self.file.to_owned(), source })),
                    };
                    Some(Ok(match serde_json::from_str::<Row>(&line) {
                        Ok(row) => row_entry(place, row),
                        Err(err) => Entry::Problem(FileProblem { file: place, problem: format!("not a row of the table: {err}") }),
                    }))
                })))
            }
        }
    }
}

/// A row as an import entry: its problems of format (all of them, in one message), or the
/// version it describes, which the editorial rules check next.
fn row_entry(place: String, row: Row) -> Entry {
    let mut problems = Vec::new();
    let featured = row.featured.as_ref().map(Flag::value).transpose().unwrap_or_else(|problem| {
        problems.push(problem);
        None
    });
    let front = FrontMatterIn {
        title: row.title,
        lang: row.lang,
        section: row.section,
        slug: row.slug,
        date: row.date,
        lead: row.lead,
        tags: row.tags.map(|t| t.split(&[';'])),
        translation: row.translation,
        status: row.status,
        cover: row.cover,
        featured,
        // A table of news carries no event facts.
        ..FrontMatterIn::default()
    };
    let mut old_paths = Vec::new();
    for url in row.old_url.map(|u| u.split(&[';', ' ', '\t', '\n'])).unwrap_or_default() {
        match OldPath::parse(&url) {
            Ok(path) => old_paths.push(path),
            Err(err) => problems.push(format!("old_url: {err}")),
        }
    }
    let (input, status) = front.into_input(row.body.unwrap_or_default());
    if let Err(problem) = &status {
        problems.push(problem.clone());
    }
    if let Some(problem) = problems.into_iter().reduce(|a, b| format!("{a}; {b}")) {
        return Entry::Problem(FileProblem { file: place, problem });
    }
    Entry::Item(Box::new(ImportItem { name: place, input, status: status.unwrap_or(Status::Draft), old_paths }))
}
