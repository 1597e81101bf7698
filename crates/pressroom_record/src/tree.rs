//! The Merkle tree (RFC 6962) as Go's `sumdb/tlog` stores it: every complete subtree's hash is
//! kept, addressed by its level and its index at that level. Appending an entry needs only the
//! hashes of the complete subtrees on the tree's right edge (at most log₂ n of them), so an
//! append costs the same at any size. Tiles (C2SP `tlog-tiles`, height 8) are rows of 256 such
//! hashes at levels 0, 8, 16…; entry bundles hold 256 entries each.

use std::cell::RefCell;
use std::collections::HashMap;

use tlog_tiles::{record_hash, split_stored_hash_index, stored_hash_index, stored_hashes_for_record_hash, HashReader};

pub use tlog_tiles::Hash;

use crate::RecordError;

/// Tiles have height 8: 256 hashes (or entries) each.
pub const TILE_HEIGHT: u8 = 8;
pub const TILE_WIDTH: u64 = 1 << TILE_HEIGHT;

/// A stored hash's place in the tree: (level, index at that level).
pub type StoredHash = ((u8, u64), Hash);

/// The complete subtrees of a tree of `size` entries, left to right, as (level, index).
pub fn frontier_of(size: u64) -> Vec<(u8, u64)> {
    let mut start = 0u64;
    let mut subtrees = Vec::new();
    for level in (0..64u8).rev() {
        if size & (1 << level) != 0 {
            subtrees.push((level, start >> level));
            start += 1 << level;
        }
    }
    subtrees
}

/// The right edge of the tree: what appending needs, and what its root is computed from.
#[derive(Debug, Clone)]
pub struct Frontier {
    size: u64,
    hashes: HashMap<u64, Hash>,
}

impl Frontier {
    /// The frontier of a tree of `size` entries from its stored hashes at [`frontier_of`]`(size)`.
    pub fn new(size: u64, hashes: Vec<StoredHash>) -> Result<Frontier, RecordError> {
        let hashes: HashMap<u64, Hash> = hashes.into_iter().map(|((level, n), hash)| (stored_hash_index(level, n), hash)).collect();
        let missing = frontier_of(size).into_iter().find(|(level, n)| !hashes.contains_key(&stored_hash_index(*level, *n)));
        if let Some((level, n)) = missing {
            return Err(RecordError::Tree(format!("the stored hash at level {level}, index {n} is missing")));
        }
        Ok(Frontier { size, hashes })
    }

    pub fn empty() -> Frontier {
        Frontier { size: 0, hashes: HashMap::new() }
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    /// Appends an entry; returns the hashes to store for it (its leaf and the subtrees it
    /// completes).
    pub fn append(&mut self, entry: &[u8]) -> Result<Vec<StoredHash>, RecordError> {
        let n = self.size;
        let new = stored_hashes_for_record_hash(n, record_hash(entry), &MapReader(&self.hashes)).map_err(tree_error)?;
        let first = stored_hash_index(0, n);
        let stored: Vec<StoredHash> =
            new.into_iter().enumerate().map(|(i, hash)| (split_stored_hash_index(first + i as u64), hash)).collect();
        for ((level, index), hash) in &stored {
            self.hashes.insert(stored_hash_index(*level, *index), *hash);
        }
        self.size += 1;
        // Only the right edge is needed from here on.
        let keep: Vec<u64> = frontier_of(self.size).into_iter().map(|(l, i)| stored_hash_index(l, i)).collect();
        self.hashes.retain(|index, _| keep.contains(index));
        Ok(stored)
    }

    /// The tree's root hash (RFC 6962's hash of the empty string for an empty tree).
    pub fn root(&self) -> Result<Hash, RecordError> {
        tlog_tiles::tree_hash(self.size, &MapReader(&self.hashes)).map_err(tree_error)
    }
}

/// The stored hashes, as (level, index), that an inclusion proof of entry `index` in a tree of
/// `size` entries is made of; read them, then call [`inclusion_proof`].
pub fn inclusion_proof_needs(size: u64, index: u64) -> Result<Vec<(u8, u64)>, RecordError> {
    let recorder = Recorder::default();
    tlog_tiles::prove_record(size, index, &recorder).map_err(tree_error)?;
    Ok(recorder.0.into_inner().into_iter().map(split_stored_hash_index).collect())
}

/// The inclusion proof of entry `index` in a tree of `size` entries, from the hashes
/// [`inclusion_proof_needs`] named.
pub fn inclusion_proof(size: u64, index: u64, hashes: Vec<StoredHash>) -> Result<Vec<Hash>, RecordError> {
    let map: HashMap<u64, Hash> = hashes.into_iter().map(|((level, n), hash)| (stored_hash_index(level, n), hash)).collect();
    tlog_tiles::prove_record(size, index, &MapReader(&map)).map_err(tree_error)
}

/// Checks that `proof` shows entry `entry` at `index` in the tree of `size` entries with `root`.
pub fn check_inclusion(proof: &[Hash], size: u64, root: Hash, index: u64, entry: &[u8]) -> Result<(), RecordError> {
    tlog_tiles::check_record(&proof.to_vec(), size, root, index, record_hash(entry))
        .map_err(|e| RecordError::ProofFails(format!("entry {index} is not in the tree of {size} entries: {e}")))
}

/// A tile's coordinates in the C2SP `tlog-tiles` layout.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TilePath {
    /// `None` for an entry bundle (`tile/entries/…`), else the tile's level.
    pub level: Option<u8>,
    pub index: u64,
    /// The number of hashes or entries; 256 for a full tile.
    pub width: u64,
}

impl TilePath {
    /// Parses what follows `tile/`: `<L>/<N>[.p/<W>]` or `entries/<N>[.p/<W>]`, where N is
    /// written in groups of three digits, all but the last prefixed with `x` (`x001/x234/067`).
    pub fn parse(path: &str) -> Option<TilePath> {
        let (head, rest) = path.split_once('/')?;
        let level = match head {
            "entries" => None,
            digits if !digits.is_empty() && digits.len() <= 2 && digits.bytes().all(|b| b.is_ascii_digit()) => Some(digits.parse().ok()?),
            _ => return None,
        };
        if level.is_some_and(|l: u8| l > 7) {
            return None;
        }
        let (index_part, width) = match rest.split_once(".p/") {
            Some((index, width)) => (index, width.parse().ok().filter(|w| (1..TILE_WIDTH).contains(w))?),
            None => (rest, TILE_WIDTH),
        };
        let groups: Vec<&str> = index_part.split('/').collect();
        let mut index = 0u64;
        for (i, group) in groups.iter().enumerate() {
            let digits = if i + 1 < groups.len() { group.strip_prefix('x')? } else { group };
            if digits.len() != 3 || !digits.bytes().all(|b| b.is_ascii_digit()) {
                return None;
            }
            index = index.checked_mul(1000)?.checked_add(digits.parse().ok()?)?;
        }
        // Only the one spelling of each tile is accepted (no leading zeros in a width, no
        // needless groups), so that a tile has one address to cache.
        let tile = TilePath { level, index, width };
        (tile.to_path() == format!("tile/{path}")).then_some(tile)
    }

    /// The path below `/log/`, e.g. `tile/0/x001/234.p/7` or `tile/entries/000`.
    pub fn to_path(&self) -> String {
        let mut n = self.index;
        let mut index = format!("{:03}", n % 1000);
        while n >= 1000 {
            n /= 1000;
            index = format!("x{:03}/{index}", n % 1000);
        }
        let head = self.level.map_or_else(|| "entries".to_owned(), |l| l.to_string());
        if self.width == TILE_WIDTH {
            format!("tile/{head}/{index}")
        } else {
            format!("tile/{head}/{index}.p/{}", self.width)
        }
    }

    /// The tree level whose hashes a hash tile holds.
    pub fn tree_level(&self) -> Option<u8> {
        self.level.map(|l| l * TILE_HEIGHT)
    }

    /// The first hash (or entry) in the tile, at its level.
    pub fn first(&self) -> u64 {
        self.index * TILE_WIDTH
    }

    /// Whether a tree of `size` entries holds this tile. A tile's content never changes, so a
    /// partial tile of any width the tree has reached may be served (a client asks for the
    /// width its checkpoint gives, which may be older than the tree).
    pub fn exists_in(&self, size: u64) -> bool {
        let at_level = match self.level {
            None => size,
            Some(l) => size >> (u32::from(l) * u32::from(TILE_HEIGHT)),
        };
        at_level.saturating_sub(self.first()) >= self.width
    }

    /// The entry bundle of `size` entries' tree that holds entry `index`.
    pub fn bundle_of(index: u64, size: u64) -> TilePath {
        let tile = index / TILE_WIDTH;
        let width = (size - tile * TILE_WIDTH).min(TILE_WIDTH);
        TilePath { level: None, index: tile, width }
    }
}

/// Entries as an entry bundle holds them: each prefixed with its length, two bytes big-endian.
pub fn bundle(entries: &[impl AsRef<[u8]>]) -> Vec<u8> {
    let mut out = Vec::new();
    for entry in entries {
        let entry = entry.as_ref();
        out.extend_from_slice(&(entry.len() as u16).to_be_bytes());
        out.extend_from_slice(entry);
    }
    out
}

/// The entries of an entry bundle.
pub fn unbundle(mut data: &[u8]) -> Result<Vec<Vec<u8>>, RecordError> {
    let mut entries = Vec::new();
    while !data.is_empty() {
        let [high, low, rest @ ..] = data else {
            return Err(RecordError::MalformedEntry("an entry bundle ends inside a length".into()));
        };
        let len = usize::from(u16::from_be_bytes([*high, *low]));
        if rest.len() < len {
            return Err(RecordError::MalformedEntry("an entry bundle ends inside an entry".into()));
        }
        entries.push(rest[..len].to_vec());
        data = &rest[len..];
    }
    Ok(entries)
}

struct MapReader<'a>(&'a HashMap<u64, Hash>);

impl HashReader for MapReader<'_> {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        indexes.iter().map(|i| self.0.get(i).copied().ok_or(tlog_tiles::Error::IndexesNotInTree)).collect()
    }
}

/// Notes which hashes a computation asks for (which depends only on the tree's shape), so they
/// can be read from the database before computing for real.
#[derive(Default)]
struct Recorder(RefCell<Vec<u64>>);

impl HashReader for Recorder {
    fn read_hashes(&self, indexes: &[u64]) -> Result<Vec<Hash>, tlog_tiles::Error> {
        self.0.borrow_mut().extend_from_slice(indexes);
        Ok(vec![Hash::default(); indexes.len()])
    }
}

fn tree_error(err: tlog_tiles::Error) -> RecordError {
    RecordError::Tree(err.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(size: u64) -> (Frontier, Vec<StoredHash>) {
        let mut frontier = Frontier::empty();
        let mut stored = Vec::new();
        for i in 0..size {
            stored.extend(frontier.append(format!("entry {i}\n").as_bytes()).unwrap());
        }
        (frontier, stored)
    }

    #[test]
    fn the_root_is_rfc_6962s() {
        // Three leaves: root = H(1 || H(1 || leaf0 || leaf1) || leaf2).
        let (frontier, _) = tree(3);
        let leaf = |i: u64| record_hash(format!("entry {i}\n").as_bytes());
        let expected = tlog_tiles::node_hash(tlog_tiles::node_hash(leaf(0), leaf(1)), leaf(2));
        assert_eq!(frontier.root().unwrap(), expected);
        assert_eq!(Frontier::empty().root().unwrap(), tlog_tiles::EMPTY_HASH);
    }

    #[test]
    fn a_frontier_rebuilt_from_stored_hashes_appends_the_same() {
        let (mut whole, stored) = tree(1000);
        let needed: Vec<StoredHash> = frontier_of(1000).into_iter().map(|at| *stored.iter().find(|(s, _)| *s == at).unwrap()).collect();
        let mut rebuilt = Frontier::new(1000, needed).unwrap();
        assert_eq!(rebuilt.append(b"next").unwrap(), whole.append(b"next").unwrap());
        assert_eq!(rebuilt.root().unwrap(), whole.root().unwrap());
        assert!(Frontier::new(1000, vec![]).unwrap_err().to_string().contains("missing"));
    }

    #[test]
    fn inclusion_proofs_check_and_fail_for_other_entries() {
        let (frontier, stored) = tree(300);
        let root = frontier.root().unwrap();
        let needs = inclusion_proof_needs(300, 123).unwrap();
        let hashes = needs.iter().map(|at| *stored.iter().find(|(s, _)| s == at).unwrap()).collect();
        let proof = inclusion_proof(300, 123, hashes).unwrap();
        check_inclusion(&proof, 300, root, 123, b"entry 123\n").unwrap();
        assert!(check_inclusion(&proof, 300, root, 123, b"entry 124\n").is_err());
    }

    #[test]
    fn tile_paths_follow_c2sp() {
        let cases = [
            (TilePath { level: Some(0), index: 1234067, width: 256 }, "tile/0/x001/x234/067"),
            (TilePath { level: Some(1), index: 0, width: 7 }, "tile/1/000.p/7"),
            (TilePath { level: None, index: 5, width: 256 }, "tile/entries/005"),
            (TilePath { level: None, index: 1000, width: 3 }, "tile/entries/x001/000.p/3"),
        ];
        for (tile, path) in cases {
            assert_eq!(tile.to_path(), path);
            assert_eq!(TilePath::parse(path.strip_prefix("tile/").unwrap()), Some(tile), "{path}");
        }
        for bad in ["0/1", "0/0001", "0/001.p/256", "0/001.p/0", "0/001.p/07", "9/000", "0/x1/000", "0/001/002", "entries/-01", ""] {
            assert_eq!(TilePath::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn bundles_read_back() {
        let data = bundle(&["a\n", "bc\n"]);
        assert_eq!(unbundle(&data).unwrap(), vec![b"a\n".to_vec(), b"bc\n".to_vec()]);
        assert!(unbundle(&data[..5]).is_err());
        assert!(unbundle(&data[..6]).is_err());
    }
}
