//! `old,new` lists of redirects (a spreadsheet's CSV): every row checked before any is saved.

use std::path::Path;

use pressroom_domain::{parse_target, OldPath};
use pressroom_store::{Actor, Store, StoreError};

use crate::{FileProblem, TransferError};

/// Reads `file` (rows of `old,new`, an optional header row naming them) and saves every row in
/// one transaction; an old address already redirected is pointed at its new target, so a list
/// imported again changes nothing twice. Returns how many rows were added or changed.
pub async fn import_redirects(store: &Store, file: &Path) -> Result<usize, TransferError> {
    let name = file.display().to_string();
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_path(file)
        .map_err(|err| io_error(file, err))?;
    let (mut rows, mut lines, mut problems) = (Vec::new(), Vec::new(), Vec::new());
    for (index, record) in reader.records().enumerate() {
        let line = index + 1;
        let problem = |problem: String| FileProblem { file: format!("{name}, line {line}"), problem };
        let record = match record {
            Ok(record) => record,
            Err(err) if err.is_io_error() => return Err(io_error(file, err)),
            Err(err) => {
                problems.push(problem(format!("not CSV: {err}")));
                continue;
            }
        };
        let fields: Vec<&str> = record.iter().collect();
        match fields.as_slice() {
            [] | [""] => continue,
            [old, new] if line == 1 && old.eq_ignore_ascii_case("old") && new.eq_ignore_ascii_case("new") => continue,
            [old, new] => match OldPath::parse(old).and_then(|path| parse_target(&path, new).map(|target| (path, target))) {
                Ok(row) => {
                    rows.push(row);
                    lines.push(line);
                }
                Err(err) => problems.push(problem(err.to_string())),
            },
            other => problems.push(problem(format!("{} columns; each row is old,new", other.len()))),
        }
    }
    if !problems.is_empty() {
        return Err(TransferError::Invalid(problems));
    }
    match store.add_redirects(&rows, "csv", true, &Actor::system("redirects import")).await {
        Ok(written) => Ok(written),
        Err(StoreError::Rejected { index, reason, .. }) => {
            let line = lines.get(index).copied().unwrap_or_default();
            Err(TransferError::Invalid(vec![FileProblem { file: format!("{name}, line {line}"), problem: reason }]))
        }
        Err(other) => Err(other.into()),
    }
}

fn io_error(file: &Path, err: csv::Error) -> TransferError {
    let source = match err.into_kind() {
        csv::ErrorKind::Io(source) => source,
        other => std::io::Error::other(format!("{other:?}")),
    };
    TransferError::Io { path: file.to_owned(), source }
}
