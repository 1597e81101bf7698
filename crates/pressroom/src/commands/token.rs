//! `pressroom token create`: an API token, printed once.

use anyhow::Context;
use clap::Subcommand;
use pressroom::open_site;
use pressroom_domain::{scope_list, Scope};
use pressroom_store::Actor;

use super::{report, SiteArgs};

#[derive(Subcommand)]
pub enum TokenCommand {
    /// Create an API token for a user and print it once. It acts for that user, never beyond
    /// the user's role, and only within its scopes.
    Create {
        #[command(flatten)]
        site: SiteArgs,
        /// The email of the user the token acts for.
        #[arg(long)]
        user: String,
        /// A name that says what the token is for ("newsletter", "ministry portal").
        #[arg(long)]
        name: String,
        /// read_drafts, write, publish; repeat the flag or separate with commas.
        #[arg(long = "scope", required = true, value_delimiter = ',')]
        scopes: Vec<String>,
    },
}

pub async fn run(command: TokenCommand) -> anyhow::Result<()> {
    let TokenCommand::Create { site, user, name, scopes } = command;
    let scopes = Scope::parse_list(&scopes.join(","))
        .map_err(|unknown| anyhow::anyhow!("unknown scope {unknown:?}: use read_drafts, write or publish"))?;
    anyhow::ensure!(!name.trim().is_empty(), "the token needs a name (--name) that says what it is for");
    let (store, opened) = open_site(&site.location(), false).await?;
    report(&opened);
    let account = store.user_by_email(&user).await?.filter(|u| !u.disabled).with_context(|| format!("there is no active user {user}"))?;
    let token = pressroom_web::admin::tokens::generate_token();
    let hash = pressroom_web::auth::hash_token(&token);
    store.create_token(account.id, name.trim(), &hash, &scopes, &Actor::system("command line")).await?;
    println!("Token {:?} created for {} ({}).", name.trim(), account.email, scope_list(&scopes));
    println!("  token: {token}\nThis token is shown only once. Send it as: Authorization: Bearer <token>");
    store.close().await;
    Ok(())
}
