//! Staff sign-in with a password, throttled per (username, client address) and per username,
//! and the city admin's unlock.
//!
//! Every attempt is counted before its password is checked ([`Throttle::reserve`]), so parallel
//! guesses cannot outrun the count; a right password gives its attempt back. A username that
//! does not exist is counted, refused, timed and answered exactly like one that does.

use entity::account;

use super::{Caller, password, rules, store};
use crate::{
    error::{AppError, AppResult},
    state::AppState,
};

fn wrong() -> AppError {
    AppError::unauthenticated("LOGIN_FAILED", "用户名或密码不正确")
}

/// The account behind a right username and password from `client` (an address), or why not.
pub async fn sign_in_with_password(
    state: &AppState,
    username: &str,
    password: &str,
    client: &str,
) -> AppResult<account::Model> {
    let username = username.trim();
    let now = state.clock.now();
    let group = rules::sign_in_group(username);
    let counters = rules::sign_in_counters(client);
    if let Err(full) = state.throttle.reserve(&group, &counters, now).await? {
        return Err(rules::sign_in_refused(full, &counters));
    }
    let account = store::find_by_username(&state.db, username).await?;
    // A name that does not exist is checked against a hash nobody knows the password of, so it
    // costs the same time as a real check.
    let stored = account
        .as_ref()
        .and_then(|a| a.password_hash.clone())
        .unwrap_or_else(|| DUMMY_HASH.to_string());
    let verified = password::verify_blocking(password.to_string(), stored).await;
    let Some(account) = account.filter(|_| verified) else {
        return Err(wrong());
    };
    // A right password: this address starts afresh, and the attempt leaves the name's ceiling.
    let (address, ceiling) = counters.split_at(counters.len() - 1);
    let address: Vec<_> = address.iter().collect();
    state
        .throttle
        .forget(&group, &counters, &address, now)
        .await?;
    state
        .throttle
        .give_back(&group, &counters, &[&ceiling[0]], now)
        .await?;
    if !account.active {
        return Err(AppError::forbidden("ACCOUNT_DISABLED", "该账号已停用"));
    }
    Ok(account)
}

/// The city admin lifts every sign-in wait and the day's pause from a staff account.
pub async fn unlock(state: &AppState, by: &Caller, account_id: i64) -> AppResult<account::Model> {
    let account = store::find_staff(&state.db, account_id)
        .await?
        .ok_or_else(|| AppError::not_found("STAFF_ACCOUNT_NOT_FOUND", "没有找到这个员工账号"))?;
    let username = account.username.clone().unwrap_or_default();
    let counters = rules::sign_in_counters("");
    state
        .throttle
        .clear(
            &rules::sign_in_group(&username),
            &counters,
            state.clock.now(),
        )
        .await?;
    tracing::info!(
        account = account.id,
        by = by.account_id,
        "sign-in throttle lifted"
    );
    Ok(account)
}

/// An argon2id hash (the parameters of `Argon2::default()`, like every stored hash) of a random
/// string nobody knows, verified against when a username does not exist.
const DUMMY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$4hN3kGFXmQbQ3pWjIYyJwKQ5MTtb5X9qs0QdO2TZc5c";

#[cfg(test)]
mod tests {
    #[test]
    fn the_dummy_hash_is_a_real_argon2_hash_with_the_default_cost() {
        use argon2::PasswordHash;
        let parsed = PasswordHash::new(super::DUMMY_HASH).expect("it parses, so it costs a check");
        let real = super::password::hash("zhucan-demo").unwrap();
        let real = PasswordHash::new(&real).unwrap();
        assert_eq!(parsed.algorithm, real.algorithm);
        assert_eq!(parsed.params, real.params);
        assert!(!super::password::verify("zhucan-demo", super::DUMMY_HASH));
    }
}
