//! The log's key, its signed checkpoints (C2SP `tlog-checkpoint` in a C2SP `signed-note`,
//! Ed25519) and proof files (C2SP `tlog-proof`).

use base64::prelude::{Engine as _, BASE64_STANDARD};
use signed_note::{Note, StandardSigner, StandardVerifier, VerifierList};

use crate::tree::{check_inclusion, Hash};
use crate::RecordError;

/// The log's private key, in the signed-note signer-key format
/// (`PRIVATE+KEY+<name>+<id>+<base64>`); its name is the log's origin.
#[derive(Clone)]
pub struct LogKey {
    signer: StandardSigner,
    verifier_key: String,
    private: String,
}

impl std::fmt::Debug for LogKey {
    /// Never prints the private key.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LogKey").field("verifier_key", &self.verifier_key).finish_non_exhaustive()
    }
}

impl LogKey {
    /// A new key for the log named `name` (its origin: `news.example.org/log`, say).
    pub fn generate(name: &str) -> Result<LogKey, RecordError> {
        if !signed_note::is_key_name_valid(name) {
            return Err(RecordError::MalformedKey(format!("{name:?} cannot name a log: it must be non-empty, without spaces or '+'")));
        }
        let (private, _) = signed_note::generate_key(&mut rand::rngs::OsRng, name);
        LogKey::parse(&private)
    }

    /// A name for a log whose site gave none, unique to it: `pressroom-1a2b3c4d/log`.
    pub fn made_up_name() -> String {
        format!("pressroom-{:08x}/log", rand::random::<u32>())
    }

    /// Reads a key as [`LogKey::private_text`] wrote it.
    pub fn parse(text: &str) -> Result<LogKey, RecordError> {
        let text = text.trim();
        let malformed = || RecordError::MalformedKey("not a signed-note Ed25519 signer key (PRIVATE+KEY+NAME+ID+KEY)".into());
        let signer = StandardSigner::new(text).map_err(|_| malformed())?;
        // PRIVATE+KEY+NAME+ID+KEY: names have no '+', but base64 may.
        let key_data = text.splitn(5, '+').nth(4).ok_or_else(malformed)?;
        let bytes = BASE64_STANDARD.decode(key_data).map_err(|_| malformed())?;
        let seed: [u8; 32] = bytes.get(1..).and_then(|b| b.try_into().ok()).ok_or_else(malformed)?;
        let public = ed25519_dalek::SigningKey::from_bytes(&seed).verifying_key();
        let name = signed_note::Signer::name(&signer).to_owned();
        let verifier_key = signed_note::new_ed25519_verifier_key(&name, &public);
        Ok(LogKey { signer, verifier_key, private: text.to_owned() })
    }

    /// The private key's text, for its file.
    pub fn private_text(&self) -> &str {
        &self.private
    }

    /// The public key in the signed-note verifier-key format: `<name>+<id>+<base64>`.
    pub fn verifier_key(&self) -> &str {
        &self.verifier_key
    }

    /// The log's origin, the first line of its checkpoints.
    pub fn origin(&self) -> &str {
        signed_note::Signer::name(&self.signer)
    }

    /// A signed checkpoint of the tree of `size` entries with root `root`.
    pub fn sign_checkpoint(&self, size: u64, root: Hash) -> Result<String, RecordError> {
        let checkpoint =
            tlog_tiles::Checkpoint::new(self.origin(), size, root, "").map_err(|e| RecordError::MalformedCheckpoint(e.to_string()))?;
        let mut note = Note::new(&checkpoint.to_bytes(), &[]).map_err(|e| RecordError::MalformedCheckpoint(e.to_string()))?;
        note.add_sigs(&[&self.signer]).map_err(|e| RecordError::MalformedCheckpoint(e.to_string()))?;
        String::from_utf8(note.to_bytes()).map_err(|e| RecordError::MalformedCheckpoint(e.to_string()))
    }
}

/// A checkpoint whose signature has been verified.
#[derive(Debug, Clone, PartialEq)]
pub struct Checkpoint {
    pub origin: String,
    pub size: u64,
    pub root: Hash,
}

/// Verifies a signed checkpoint against the verifier key `key` and reads it. The origin must be
/// the key's name, so that one log's checkpoints cannot pass for another's.
pub fn open_checkpoint(signed: &[u8], key: &str) -> Result<Checkpoint, RecordError> {
    let verifier = StandardVerifier::new(key.trim()).map_err(|e| RecordError::MalformedKey(format!("{key:?}: {e}")))?;
    let note = Note::from_bytes(signed).map_err(|e| RecordError::MalformedCheckpoint(e.to_string()))?;
    note.verify(&VerifierList::new(vec![Box::new(verifier.clone())]))
        .map_err(|e| RecordError::BadSignature { key: key.trim().to_owned(), reason: e.to_string() })?;
    let checkpoint = tlog_tiles::Checkpoint::from_bytes(note.text()).map_err(|e| RecordError::MalformedCheckpoint(e.to_string()))?;
    let name = signed_note::Verifier::name(&verifier);
    if checkpoint.origin() != name {
        return Err(RecordError::MalformedCheckpoint(format!("its origin {:?} is not the key's name {name:?}", checkpoint.origin())));
    }
    Ok(Checkpoint { origin: checkpoint.origin().to_owned(), size: checkpoint.size(), root: *checkpoint.hash() })
}

const PROOF_HEADER: &str = "c2sp.org/tlog-proof@v1";

/// An offline-checkable proof that an entry is in the log (C2SP `tlog-proof`): the entry itself
/// as its `extra` data, its index, the inclusion proof, and the signed checkpoint it leads to.
#[derive(Debug, Clone, PartialEq)]
pub struct ProofFile {
    pub entry: Vec<u8>,
    pub index: u64,
    pub proof: Vec<Hash>,
    pub checkpoint: String,
}

impl ProofFile {
    pub fn text(&self) -> String {
        let mut text = format!("{PROOF_HEADER}\nextra {}\nindex {}\n", BASE64_STANDARD.encode(&self.entry), self.index);
        for hash in &self.proof {
            text.push_str(&format!("{}\n", BASE64_STANDARD.encode(hash.0)));
        }
        text.push('\n');
        text.push_str(&self.checkpoint);
        text
    }

    pub fn parse(text: &str) -> Result<ProofFile, RecordError> {
        let bad = |what: &str| RecordError::MalformedProof(what.to_owned());
        let (head, checkpoint) = text.split_once("\n\n").ok_or_else(|| bad("no blank line before the checkpoint"))?;
        let mut lines = head.split('\n');
        if lines.next() != Some(PROOF_HEADER) {
            return Err(bad("the first line is not c2sp.org/tlog-proof@v1"));
        }
        let mut line = lines.next().ok_or_else(|| bad("no index line"))?;
        let mut entry = Vec::new();
        if let Some(extra) = line.strip_prefix("extra ") {
            entry = BASE64_STANDARD.decode(extra).map_err(|_| bad("the extra data is not base64"))?;
            line = lines.next().ok_or_else(|| bad("no index line"))?;
        }
        let index = line.strip_prefix("index ").and_then(|n| n.parse().ok()).ok_or_else(|| bad("no index line"))?;
        let proof = lines
            .map(|line| {
                let bytes = BASE64_STANDARD.decode(line).map_err(|_| bad("a proof hash is not base64"))?;
                Ok(Hash(bytes.try_into().map_err(|_| bad("a proof hash is not 32 bytes"))?))
            })
            .collect::<Result<Vec<Hash>, RecordError>>()?;
        Ok(ProofFile { entry, index, proof, checkpoint: checkpoint.to_owned() })
    }

    /// Checks the proof against the log's verifier key: the checkpoint's signature, then the
    /// entry's inclusion in the tree it signs. Returns the checkpoint.
    pub fn check(&self, key: &str) -> Result<Checkpoint, RecordError> {
        let checkpoint = open_checkpoint(self.checkpoint.as_bytes(), key)?;
        check_inclusion(&self.proof, checkpoint.size, checkpoint.root, self.index, &self.entry)?;
        Ok(checkpoint)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::{inclusion_proof, inclusion_proof_needs, Frontier};

    #[test]
    fn a_checkpoint_opens_with_its_key_only() {
        let key = LogKey::generate("news.example.org/log").unwrap();
        let signed = key.sign_checkpoint(5, Hash([3; 32])).unwrap();
        assert!(signed.starts_with("news.example.org/log\n5\nAwMD"), "{signed}");
        assert!(signed.contains("\n\n\u{2014} news.example.org/log "), "{signed}");
        let opened = open_checkpoint(signed.as_bytes(), key.verifier_key()).unwrap();
        assert_eq!((opened.size, opened.root), (5, Hash([3; 32])));

        let other = LogKey::generate("news.example.org/log").unwrap();
        let err = open_checkpoint(signed.as_bytes(), other.verifier_key()).unwrap_err();
        assert!(matches!(err, RecordError::BadSignature { .. }), "{err}");
        let forged = signed.replace("\n5\n", "\n6\n");
        assert!(open_checkpoint(forged.as_bytes(), key.verifier_key()).is_err());
    }

    #[test]
    fn the_key_file_reads_back_and_never_prints() {
        let key = LogKey::generate("site/log").unwrap();
        let again = LogKey::parse(&format!("{}\n", key.private_text())).unwrap();
        assert_eq!(again.verifier_key(), key.verifier_key());
        assert!(!format!("{key:?}").contains("PRIVATE"));
        assert!(LogKey::parse("PRIVATE+KEY+x+00000000+AAAA").is_err());
        assert!(LogKey::generate("two words").is_err());
    }

    #[test]
    fn a_proof_file_checks_offline() {
        let key = LogKey::generate("site/log").unwrap();
        let mut frontier = Frontier::empty();
        let mut stored = Vec::new();
        for i in 0..10 {
            stored.extend(frontier.append(format!("e{i}\n").as_bytes()).unwrap());
        }
        let hashes = inclusion_proof_needs(10, 4).unwrap().iter().map(|at| *stored.iter().find(|(s, _)| s == at).unwrap()).collect();
        let file = ProofFile {
            entry: b"e4\n".to_vec(),
            index: 4,
            proof: inclusion_proof(10, 4, hashes).unwrap(),
            checkpoint: key.sign_checkpoint(10, frontier.root().unwrap()).unwrap(),
        };
        let parsed = ProofFile::parse(&file.text()).unwrap();
        assert_eq!(parsed, file);
        parsed.check(key.verifier_key()).unwrap();
        let lying = ProofFile { entry: b"e5\n".to_vec(), ..parsed };
        assert!(matches!(lying.check(key.verifier_key()), Err(RecordError::ProofFails(_))));
    }
}
