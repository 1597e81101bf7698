//! `pressroom user add`: a back-office account.

use anyhow::Context;
use clap::Subcommand;
use pressroom::open_site;
use pressroom_domain::Role;
use pressroom_store::Actor;

use super::{report, SiteArgs};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Add an account. The password is asked for, read from standard input with
    /// --password-stdin, or generated and printed once.
    Add {
        #[command(flatten)]
        site: SiteArgs,
        /// The email address the user signs in with.
        #[arg(long)]
        email: String,
        /// author (writes drafts), editor (reviews and publishes) or admin (also users and settings).
        #[arg(long, value_parser = ["author", "editor", "admin"])]
        role: String,
        /// The name shown in the back office (default: the part of the email before @).
        #[arg(long)]
        name: Option<String>,
        /// Read the password from the first line of standard input.
        #[arg(long, conflicts_with = "generate")]
        password_stdin: bool,
        /// Generate a password and print it once, without asking.
        #[arg(long)]
        generate: bool,
    },
}

pub async fn run(command: UserCommand) -> anyhow::Result<()> {
    let UserCommand::Add { site, email, role, name, password_stdin, generate } = command;
    let role = Role::parse(&role).context("unknown role")?;
    let (password, generated) = read_password(password_stdin, generate)?;
    anyhow::ensure!(password.chars().count() >= 12, "the password must be at least 12 characters long");
    let (store, opened) = open_site(&site.location(), false).await?;
    report(&opened);
    let name = name.unwrap_or_else(|| email.split('@').next().unwrap_or(&email).to_owned());
    store.create_user(&email, &name, role, &pressroom_web::auth::hash_password(&password), &Actor::system("command line")).await?;
    println!("User {email} added as {}.", role.as_str());
    if generated {
        println!("  password: {password}\nThis password is shown only once.");
    }
    store.close().await;
    Ok(())
}

/// The new user's password: from standard input, generated, or asked for twice on the terminal.
/// Returns it and whether it was generated (and so must be shown).
fn read_password(from_stdin: bool, generate: bool) -> anyhow::Result<(String, bool)> {
    use std::io::{BufRead, IsTerminal};
    if generate {
        return Ok((pressroom_web::auth::generate_password(), true));
    }
    let stdin = std::io::stdin();
    if from_stdin || !stdin.is_terminal() {
        let mut line = String::new();
        stdin.lock().read_line(&mut line).context("cannot read the password from standard input")?;
        let password = line.trim_end_matches(['\r', '\n']).to_owned();
        anyhow::ensure!(!password.is_empty(), "no password on standard input (or use --generate)");
        return Ok((password, false));
    }
    // Typed passwords are not echoed to the terminal.
    let ask = |prompt: &str| rpassword::prompt_password(prompt).context("cannot read the password from the terminal");
    let password = ask("Password (empty to generate one): ")?;
    if password.is_empty() {
        return Ok((pressroom_web::auth::generate_password(), true));
    }
    anyhow::ensure!(ask("Once more: ")? == password, "the two passwords differ");
    Ok((password, false))
}
