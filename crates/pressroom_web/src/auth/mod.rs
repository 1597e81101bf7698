//! Accounts: password hashing with argon2, generated one-time passwords, and the random tokens
//! of sessions and API tokens (stored only as their SHA-256).

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use rand::distributions::Alphanumeric;
use rand::rngs::OsRng;
use rand::Rng;
use sha2::Digest;

/// An argon2id PHC string for `password`; the password itself is never stored.
pub fn hash_password(password: &str) -> String {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default().hash_password(password.as_bytes(), &salt).expect("argon2 with default parameters accepts any password").to_string()
}

/// Whether `password` matches an argon2 PHC string; a malformed hash matches nothing.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// A password for a new account, printed once: 20 letters and digits (about 119 bits).
pub fn generate_password() -> String {
    OsRng.sample_iter(&Alphanumeric).take(20).map(char::from).collect()
}

/// A new TOTP secret, base32 as authenticator apps take it: 160 random bits (RFC 4226's
/// recommendation).
pub fn generate_totp_secret() -> String {
    let mut bytes = [0u8; 20];
    rand::RngCore::fill_bytes(&mut OsRng, &mut bytes);
    match totp_rs::Secret::Raw(bytes.to_vec()).to_encoded() {
        totp_rs::Secret::Encoded(text) => text,
        totp_rs::Secret::Raw(_) => unreachable!("to_encoded always encodes"),
    }
}

/// Whether `code` is the current six-digit code of a base32 `secret` (one step of clock skew
/// allowed either way).
pub fn verify_totp(secret: &str, code: &str) -> bool {
    totp(secret).is_some_and(|totp| totp.check_current(code.trim()).unwrap_or(false))
}

/// The current code of `secret`, for tests and for showing that a setup works.
pub fn current_totp(secret: &str) -> Option<String> {
    totp(secret)?.generate_current().ok()
}

/// The `otpauth://` address an authenticator app reads, naming the site and the account.
pub fn totp_uri(secret: &str, issuer: &str, account: &str) -> String {
    use percent_encoding::{utf8_percent_encode, NON_ALPHANUMERIC};
    let issuer = utf8_percent_encode(issuer, NON_ALPHANUMERIC);
    let account = utf8_percent_encode(account, NON_ALPHANUMERIC);
    format!("otpauth://totp/{issuer}:{account}?secret={secret}&issuer={issuer}&algorithm=SHA1&digits=6&period=30")
}

/// The set-up address as a QR code for an authenticator app's camera: SVG markup to place in the
/// page (no script, no image request), or `None` if the address is too long for a code.
pub fn totp_qr_svg(uri: &str) -> Option<String> {
    let code = qrcode::QrCode::with_error_correction_level(uri, qrcode::EcLevel::M).ok()?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(200, 200).quiet_zone(true).build();
    // Inside HTML the XML declaration has no place; the markup starts at `<svg`.
    svg.find("<svg").map(|start| svg[start..].to_owned())
}

fn totp(secret: &str) -> Option<totp_rs::TOTP> {
    let bytes = totp_rs::Secret::Encoded(secret.to_owned()).to_bytes().ok()?;
    totp_rs::TOTP::new(totp_rs::Algorithm::SHA1, 6, 1, 30, bytes).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_verify_and_never_contain_the_password() {
        let password = generate_password();
        assert_eq!(password.len(), 20);
        let hash = hash_password(&password);
        assert!(hash.starts_with("$argon2id$") && !hash.contains(&password));
        assert!(verify_password(&password, &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password(&password, "not a hash"));
    }

    #[test]
    fn totp_codes_verify_only_for_their_secret() {
        let secret = generate_totp_secret();
        let code = current_totp(&secret).unwrap();
        assert!(verify_totp(&secret, &code));
        assert!(!verify_totp(&secret, "not a code"));
        assert!(!verify_totp("not base32!", &code));
        assert!(totp_uri(&secret, "Press Centre", "a@b.org").starts_with("otpauth://totp/Press%20Centre:a%40b%2Eorg?secret="));
    }
}

/// A new random token: 256 bits, hex.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::RngCore::fill_bytes(&mut OsRng, &mut bytes);
    hex::encode(bytes)
}

/// What is stored of a token: its SHA-256, hex.
pub fn hash_token(token: &str) -> String {
    hex::encode(sha2::Sha256::digest(token.as_bytes()))
}
