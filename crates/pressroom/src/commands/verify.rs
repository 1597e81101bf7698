//! `pressroom verify URL`: checks a site's public record from outside, with nothing but its
//! public addresses: the checkpoint's signature against the site's key (given, remembered, or
//! trusted on first use), that the log still holds what it held the last time this machine
//! looked (so a rewritten history is caught), that its entries give the signed tree, and, for
//! a page, that what the page says now is what the log last recorded of it.

use std::path::PathBuf;

use anyhow::{bail, Context};
use base64::prelude::{Engine as _, BASE64_STANDARD};
use clap::Args;
use pressroom_record::tree::{unbundle, TilePath};
use pressroom_record::{hex, open_checkpoint, Content, Entry, Frontier, Hash};
use pressroom_transfer::Progress;
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

use pressroom::progress::Bar;

#[derive(Args)]
pub struct VerifyArgs {
    /// A page of the site (checks the log and that page), or the site's address (the log only).
    url: String,
    /// The log's public key (as /log/key gives it). Without it, the key remembered from an
    /// earlier check is used, or the site's own is trusted on first use.
    #[arg(long)]
    key: Option<String>,
    /// Where what was seen is remembered between checks: each site's key and last checkpoint.
    #[arg(long, env = "PRESSROOM_VERIFY_STATE")]
    state: Option<PathBuf>,
}

/// What this machine saw of a site last time.
struct Seen {
    key: String,
    size: u64,
    root: Hash,
}

pub async fn run(args: VerifyArgs) -> anyhow::Result<()> {
    let url = reqwest::Url::parse(&args.url).with_context(|| format!("{:?} is not an address (http://… or https://…)", args.url))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        bail!("{:?} is not a web address (http://… or https://…)", args.url);
    }
    let site = url.origin().ascii_serialization();
    let page = Some(url.path().trim_end_matches('/')).filter(|p| !p.is_empty()).map(str::to_owned);
    let state_file = match args.state.clone() {
        Some(path) => path,
        None => default_state_file()?,
    };
    let mut remembered = read_state(&state_file)?;
    let seen = remembered.get(&site).map(seen_from).transpose()?;
    let client = reqwest::Client::builder().timeout(std::time::Duration::from_secs(30)).build()?;

    let key = match (&args.key, &seen) {
        (Some(key), _) => key.trim().to_owned(),
        (None, Some(seen)) => seen.key.clone(),
        (None, None) => {
            let key = fetch_text(&client, &format!("{site}/log/key")).await?.trim().to_owned();
            println!("First check of {site}: trusting the key it publishes,\n  {key}\nCompare it with the key the institution announced; later checks hold the site to it.");
            key
        }
    };
    if let Some(seen) = seen.as_ref().filter(|seen| seen.key != key) {
        bail!("the key given is not the one remembered for {site} ({}); if the site really changed its key, check with --state pointing elsewhere", seen.key);
    }
    let signed = fetch_text(&client, &format!("{site}/log/checkpoint")).await?;
    let checkpoint =
        open_checkpoint(signed.as_bytes(), &key).with_context(|| format!("the checkpoint of {site} is not signed by the log's key"))?;
    println!("Checkpoint: {} entries, signed by {}.", checkpoint.size, checkpoint.origin);
    if let Some(seen) = seen.as_ref().filter(|seen| checkpoint.size < seen.size) {
        bail!("the log of {site} shrank from {} to {} entries since it was last checked: its history was cut", seen.size, checkpoint.size);
    }

    let entries = download_entries(&client, &site, checkpoint.size).await?;
    let mut frontier = Frontier::empty();
    for (index, entry) in entries.iter().enumerate() {
        if let Some(seen) = seen.as_ref().filter(|seen| seen.size == index as u64 && index > 0) {
            check_consistent(&site, &frontier, seen)?;
        }
        frontier.append(entry)?;
    }
    if let Some(seen) = seen.as_ref().filter(|seen| seen.size == checkpoint.size) {
        check_consistent(&site, &frontier, seen)?;
    }
    if frontier.root()? != checkpoint.root {
        bail!("the entries {site} serves do not give the tree its checkpoint signs: the log's tiles were altered");
    }
    println!(
        "The log is consistent: all {} entries give the signed tree{}.",
        checkpoint.size,
        match &seen {
            Some(seen) => format!(", and its first {} are those seen last time", seen.size),
            None => String::new(),
        }
    );

    remembered.insert(
        site.clone(),
        serde_json::json!({ "key": key, "size": checkpoint.size, "root": BASE64_STANDARD.encode(checkpoint.root.0) }),
    );
    write_state(&state_file, &remembered)?;

    if let Some(path) = page {
        check_page(&client, &site, &path, &entries).await?;
    }
    Ok(())
}

/// After the first `seen.size` entries, the tree must be the one seen last time.
fn check_consistent(site: &str, frontier: &Frontier, seen: &Seen) -> anyhow::Result<()> {
    if frontier.root()? != seen.root {
        bail!(
            "the log of {site} was rewritten: its first {} entries no longer give the tree seen at the last check \
             (root {}): its history was changed",
            seen.size,
            BASE64_STANDARD.encode(seen.root.0)
        );
    }
    Ok(())
}

/// The page's current content must be the latest logged version at its address.
async fn check_page(client: &reqwest::Client, site: &str, path: &str, entries: &[Vec<u8>]) -> anyhow::Result<()> {
    let logged = entries
        .iter()
        .enumerate()
        .rev()
        .filter_map(|(index, text)| Some((index, Entry::parse(std::str::from_utf8(text).ok()?).ok()?)))
        .find(|(_, entry)| entry.address == path);
    let Some((index, entry)) = logged else {
        bail!("{site}{path} is not in the public record: nothing was ever published at this address");
    };
    let when = entry.time.format(&Rfc3339).unwrap_or_default();
    if !entry.event.leaves_it_public() {
        bail!("{site}{path}: the public record's last entry (№ {index}, {when}) says it was withdrawn ({})", entry.event.as_str());
    }
    let detail: serde_json::Value = client
        .get(format!("{site}/api/v1/articles{path}"))
        .send()
        .await
        .and_then(reqwest::Response::error_for_status)
        .with_context(|| format!("cannot read {site}{path} (its content, from the site's API)"))?
        .json()
        .await
        .with_context(|| format!("the site's API gave no readable content for {path}"))?;
    let text = |name: &str| detail[name].as_str().unwrap_or_default().to_owned();
    let date = OffsetDateTime::parse(&text("published_at"), &Rfc3339).context("the page's date is not RFC 3339")?;
    let tags: Vec<String> = detail["tags"].as_array().into_iter().flatten().filter_map(|t| t["key"].as_str().map(str::to_owned)).collect();
    let (title, lead, body) = (text("title"), text("lead"), text("body"));
    let digest = Content { title: &title, lead: &lead, body: &body, date, tags: &tags }.digest();
    if digest != entry.content {
        bail!(
            "{site}{path} does not match the public record: its content now has the fingerprint {}, but the last logged \
             version (entry № {index}, {}, {when}) has {}. The page was changed without the change being logged.",
            hex(&digest),
            entry.event.as_str(),
            hex(&entry.content)
        );
    }
    println!("{site}{path} matches the public record: entry № {index} ({}, {when}, revision {}).", entry.event.as_str(), entry.revision);
    Ok(())
}

/// Every entry of a log of `size` entries, bundle by bundle, with a progress bar.
async fn download_entries(client: &reqwest::Client, site: &str, size: u64) -> anyhow::Result<Vec<Vec<u8>>> {
    let bar = Bar::new("entries");
    bar.start(size);
    let mut entries = Vec::with_capacity(size as usize);
    let mut first = 0;
    while first < size {
        let tile = TilePath::bundle_of(first, size);
        let url = format!("{site}/log/{}", tile.to_path());
        let response =
            client.get(&url).send().await.and_then(reqwest::Response::error_for_status).with_context(|| format!("cannot fetch {url}"))?;
        let bundle = unbundle(&response.bytes().await?).with_context(|| format!("{url} is not an entry bundle"))?;
        if bundle.len() as u64 != tile.width {
            bail!("{url} holds {} entries, not {}", bundle.len(), tile.width);
        }
        for entry in bundle {
            entries.push(entry);
            bar.advance();
        }
        first += tile.width;
    }
    bar.finish();
    Ok(entries)
}

async fn fetch_text(client: &reqwest::Client, url: &str) -> anyhow::Result<String> {
    let response = client.get(url).send().await.with_context(|| format!("cannot reach {url}"))?;
    if !response.status().is_success() {
        bail!("{url} answered {}", response.status());
    }
    Ok(response.text().await?)
}

fn default_state_file() -> anyhow::Result<PathBuf> {
    let home = std::env::var_os("HOME").context("no home directory to remember checks in: give --state FILE")?;
    Ok(PathBuf::from(home).join(".pressroom-verify.json"))
}

fn read_state(path: &PathBuf) -> anyhow::Result<serde_json::Map<String, serde_json::Value>> {
    match std::fs::read_to_string(path) {
        Ok(text) => serde_json::from_str(&text).with_context(|| format!("{} is not a verify state file (JSON)", path.display())),
        Err(err) if err.kind() == std::io::ErrorKind::NotFound => Ok(serde_json::Map::new()),
        Err(err) => Err(err).with_context(|| format!("cannot read {}", path.display())),
    }
}

fn write_state(path: &PathBuf, state: &serde_json::Map<String, serde_json::Value>) -> anyhow::Result<()> {
    let text = serde_json::to_string_pretty(state)?;
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

fn seen_from(value: &serde_json::Value) -> anyhow::Result<Seen> {
    let bad = || anyhow::anyhow!("the verify state file is damaged; delete it to start afresh");
    let root = BASE64_STANDARD.decode(value["root"].as_str().ok_or_else(bad)?).map_err(|_| bad())?;
    Ok(Seen {
        key: value["key"].as_str().ok_or_else(bad)?.to_owned(),
        size: value["size"].as_u64().ok_or_else(bad)?,
        root: Hash(root.try_into().map_err(|_| bad())?),
    })
}
