//! Session and sign-in rules, as plain functions of their inputs.

use chrono::{DateTime, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use crate::throttle::{Counter, Full, Limit};

/// Why a sign-in was refused before its password was checked, or a staff account's username or
/// password is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AuthRuleError {
    /// Too many wrong passwords from this address; it waits this long.
    #[error("sign-in throttled")]
    SignInThrottled { retry_after: chrono::Duration },
    /// Too many wrong passwords for this name today from all addresses.
    #[error("account locked for the day")]
    AccountLocked,
    #[error("password length out of range")]
    PasswordLength,
    #[error("password all digits")]
    PasswordAllDigits,
    #[error("username invalid")]
    UsernameInvalid,
}

// ---------------------------------------------------------------------------------------------
// Sign-in throttling
// ---------------------------------------------------------------------------------------------

/// Wrong passwords allowed per (username, client address), each limit with its own window: five
/// quick typing errors cost nothing, five more within the hour wait out the quarter hour, then
/// the hour, then the day. So the waits grow (15 minutes, 1 hour, until the next day) while one
/// address can try at most 20 passwords a day for a name.
pub const PER_ADDRESS_LIMITS: [(&str, Limit); 3] = [
    ("q", Limit::per_minutes(5, 15)),
    ("h", Limit::per_minutes(10, 60)),
    ("d", Limit::per_day(20)),
];

/// Wrong passwords per username a day from all addresses together: far above what a person
/// mistyping reaches (20 an address), low enough that a botnet gets 100 guesses a day, not
/// millions. Reaching it pauses sign-in to the name for the rest of the day in Shanghai, unless
/// the city admin unlocks it sooner.
pub const PER_ACCOUNT_CEILING: Limit = Limit::per_day(100);

/// The throttle group of a username as typed, known or not: unknown names are counted and
/// refused exactly like real ones, so the answers never tell which exist. Hashed, so the
/// counters' keys are short and hold no names.
pub fn sign_in_group(username: &str) -> String {
    let digest = hex::encode(Sha256::digest(username.trim().as_bytes()));
    format!("signin:{}", &digest[..32])
}

/// The counters a sign-in attempt from `client` is counted in: the address's three, then the
/// username's ceiling (always last).
pub fn sign_in_counters(client: &str) -> Vec<Counter> {
    let address = &hex::encode(Sha256::digest(client.as_bytes()))[..16];
    let mut counters: Vec<Counter> = PER_ADDRESS_LIMITS
        .iter()
        .map(|(window, limit)| Counter::new(format!("addr:{address}:{window}"), *limit))
        .collect();
    counters.push(Counter::new("all", PER_ACCOUNT_CEILING));
    counters
}

/// Why a sign-in was not even tried: this address waits, or the name is paused for the day.
pub fn sign_in_refused(full: Full, counters: &[Counter]) -> AuthRuleError {
    if full.index + 1 == counters.len() {
        AuthRuleError::AccountLocked
    } else {
        AuthRuleError::SignInThrottled {
            retry_after: full.retry_after,
        }
    }
}

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

/// Staff passwords: long enough to resist guessing, short enough to type.
pub fn check_new_password(password: &str) -> Result<(), AuthRuleError> {
    let length = password.chars().count();
    if !(8..=128).contains(&length) {
        return Err(AuthRuleError::PasswordLength);
    }
    if password.chars().all(|c| c.is_ascii_digit()) {
        return Err(AuthRuleError::PasswordAllDigits);
    }
    Ok(())
}

/// Staff usernames: letters, digits, `-`, `_`, `.`; 3 to 64 characters.
pub fn check_username(username: &str) -> Result<(), AuthRuleError> {
    let ok_chars = username
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
    if !(3..=64).contains(&username.len()) || !ok_chars {
        return Err(AuthRuleError::UsernameInvalid);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use chrono::Duration;

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
    fn sign_in_counters_name_the_address_and_end_with_the_ceiling() {
        let here = sign_in_counters("203.0.113.7");
        let there = sign_in_counters("198.51.100.1");
        assert_eq!(here.len(), 4);
        assert_ne!(here[0].name, there[0].name);
        assert_eq!(here[3].name, "all");
        assert!(!here[0].name.contains("203.0.113.7"));
        assert_eq!(sign_in_group(" admin "), sign_in_group("admin"));
        assert!(!sign_in_group("admin").contains("admin"));
        let wait = |index| Full {
            index,
            retry_after: Duration::minutes(7),
        };
        use crate::error::DomainError;
        assert_eq!(sign_in_refused(wait(0), &here).code(), "LOGIN_THROTTLED");
        assert!(sign_in_refused(wait(1), &here).message().contains("7 分钟"));
        assert_eq!(sign_in_refused(wait(3), &here).code(), "ACCOUNT_LOCKED");
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
