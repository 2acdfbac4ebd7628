//! Session and sign-in rules, as plain functions of their inputs.

use chrono::{DateTime, Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::error::AppError;

/// After this many wrong passwords in a row, the account waits [`LOCKOUT`].
pub const MAX_FAILED_LOGINS: i32 = 5;
pub const LOCKOUT: Duration = Duration::minutes(15);

/// A fresh bearer token: 256 random bits, hex-encoded.
pub fn new_token() -> String {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

/// What the database keeps instead of the token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

#[derive(Debug, PartialEq, Eq)]
pub enum SessionState {
    Active,
    Expired,
    Revoked,
}

pub fn session_state(
    expires_at: DateTime<Utc>,
    revoked_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
) -> SessionState {
    if revoked_at.is_some() {
        SessionState::Revoked
    } else if now >= expires_at {
        SessionState::Expired
    } else {
        SessionState::Active
    }
}

/// Whether a staff account is still locked after too many wrong passwords.
pub fn is_locked(locked_until: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    locked_until.is_some_and(|until| now < until)
}

/// The lock to set after one more wrong password, if this one reaches the limit.
pub fn lock_after_failure(failed_before: i32, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    (failed_before + 1 >= MAX_FAILED_LOGINS).then(|| now + LOCKOUT)
}

/// Staff passwords: long enough to resist guessing, short enough to type.
pub fn check_new_password(password: &str) -> Result<(), AppError> {
    let length = password.chars().count();
    if !(8..=128).contains(&length) {
        return Err(AppError::invalid(
            "password",
            "PASSWORD_TOO_WEAK",
            "密码长度需为 8 到 128 个字符",
        ));
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err(AppError::invalid(
            "password",
            "PASSWORD_TOO_WEAK",
            "密码不能全是数字",
        ));
    }
    Ok(())
}

/// Staff usernames: letters, digits, `-`, `_`, `.`; 3 to 64 characters.
pub fn check_username(username: &str) -> Result<(), AppError> {
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !(3..=64).contains(&username.len()) || !ok_chars {
        return Err(AppError::invalid(
            "username",
            "USERNAME_INVALID",
            "用户名需为 3 到 64 位字母、数字或 - _ .",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(minutes: i64) -> DateTime<Utc> {
        DateTime::from_timestamp(1_800_000_000, 0).unwrap() + Duration::minutes(minutes)
    }

    #[test]
    fn tokens_are_random_and_hashed() {
        let (a, b) = (new_token(), new_token());
        assert_ne!(a, b);
        assert_eq!(a.len(), 64);
        assert_eq!(token_hash(&a), token_hash(&a));
        assert_ne!(token_hash(&a), a);
    }

    #[test]
    fn session_states() {
        assert_eq!(session_state(at(10), None, at(0)), SessionState::Active);
        assert_eq!(session_state(at(10), None, at(10)), SessionState::Expired);
        assert_eq!(
            session_state(at(10), Some(at(1)), at(2)),
            SessionState::Revoked
        );
    }

    #[test]
    fn lockout_after_five_wrong_passwords() {
        assert_eq!(lock_after_failure(0, at(0)), None);
        assert_eq!(lock_after_failure(3, at(0)), None);
        assert_eq!(lock_after_failure(4, at(0)), Some(at(15)));
        assert!(is_locked(Some(at(15)), at(14)));
        assert!(!is_locked(Some(at(15)), at(15)));
        assert!(!is_locked(None, at(0)));
    }

    #[test]
    fn passwords_and_usernames() {
        assert!(check_new_password("short").is_err());
        assert!(check_new_password("12345678").is_err());
        assert!(check_new_password("zhucan-demo").is_ok());
        assert!(check_username("clerk-tianning").is_ok());
        assert!(check_username("ab").is_err());
        assert!(check_username("有中文").is_err());
    }
}
