//! Staff sign-in with a password, throttled per (username, client address) and per username,
//! and the city admin's unlock.
//!
//! Every attempt is counted before its password is checked ([`Throttle::reserve`]), so parallel
//! guesses cannot outrun the count; a right password gives its attempt back. A username that
//! does not exist is counted, refused, timed and answered exactly like one that does.

use chrono::{DateTime, Utc};
use entity::account;

use super::{Caller, Role, error::AuthError, password, rules, store};
use crate::{
    db::{UniqueKey, unique_violation},
    places,
    state::AppState,
};

/// A session just opened: the bearer token (shown once, never stored) and whose it is.
pub struct OpenedSession {
    pub token: String,
    pub expires_at: DateTime<Utc>,
    pub caller: Caller,
    /// True when this sign-in created the account.
    pub first_sign_in: bool,
}

async fn open_session(
    state: &AppState,
    account: &account::Model,
    first_sign_in: bool,
) -> Result<OpenedSession, AuthError> {
    let caller = store::to_caller(account);
    let (token, expires_at) = store::open_session(
        &state.db,
        account.id,
        state.clock.now(),
        state.config.session_ttl,
    )
    .await?;
    Ok(OpenedSession {
        token,
        expires_at,
        caller,
        first_sign_in,
    })
}

/// Signs in with a WeChat login code (already checked for form): WeChat's code2Session names
/// the account, created on its first sign-in.
pub async fn sign_in_with_wechat(state: &AppState, code: &str) -> Result<OpenedSession, AuthError> {
    let wechat_session = state.wechat.code_to_session(code).await?;
    let now = state.clock.now();
    let (account, created) =
        store::find_or_create_wechat_account(&state.db, &wechat_session.openid, now).await?;
    if !account.active {
        return Err(AuthError::AccountDisabled);
    }
    open_session(state, &account, created).await
}

/// Signs in with a username and password from `client` (an address) and opens a session.
pub async fn sign_in(
    state: &AppState,
    username: &str,
    password: &str,
    client: &str,
) -> Result<OpenedSession, AuthError> {
    let account = sign_in_with_password(state, username, password, client).await?;
    open_session(state, &account, false).await
}

/// Ends the session of this token at once, in the database and in the session cache.
pub async fn sign_out(state: &AppState, token: &str) -> Result<(), AuthError> {
    store::revoke_session(&state.db, token, state.clock.now()).await?;
    state.caches.sessions.remove(&rules::token_hash(token));
    Ok(())
}

/// A staff account as the city admin asks for it, checked here.
pub struct NewStaff {
    pub username: String,
    pub password: String,
    pub role: Role,
    pub display_name: String,
    pub district_code: Option<String>,
}

/// Creates a staff account (operator, district clerk with their district, city admin).
pub async fn create_staff(state: &AppState, new: NewStaff) -> Result<account::Model, AuthError> {
    let username = new.username.trim();
    rules::check_username(username)?;
    rules::check_new_password(&new.password)?;
    if !Role::STAFF.contains(&new.role) {
        return Err(AuthError::RoleNotStaff);
    }
    let display_name = new.display_name.trim();
    if display_name.is_empty() || display_name.chars().count() > 32 {
        return Err(AuthError::DisplayNameInvalid);
    }
    let district = match (new.role, new.district_code) {
        (Role::DistrictClerk, Some(code)) => {
            places::service::require_district(&state.db, &code)
                .await
                .map_err(crate::error::AppError::from)?;
            Some(code)
        }
        (Role::DistrictClerk, None) => {
            return Err(AuthError::DistrictRequired);
        }
        (_, Some(_)) => {
            return Err(AuthError::DistrictNotAllowed);
        }
        (_, None) => None,
    };
    let account = StaffAccount {
        role: new.role,
        username,
        password: new.password,
        display_name,
        district_code: district,
    };
    insert_staff_account(&state.db, account, state.clock.now()).await
}

/// A staff account to insert, its fields checked already.
pub struct StaffAccount<'a> {
    pub role: Role,
    pub username: &'a str,
    pub password: String,
    pub display_name: &'a str,
    pub district_code: Option<String>,
}

/// Hashes the password and inserts the account (409 `USERNAME_TAKEN` naming `username` when the
/// name is taken). `db` may be a transaction that inserts more (an inspector's organisation).
pub async fn insert_staff_account(
    db: &impl sea_orm::ConnectionTrait,
    account: StaffAccount<'_>,
    now: DateTime<Utc>,
) -> Result<account::Model, AuthError> {
    let hash = password::hash_blocking(account.password)
        .await
        .map_err(|e| AuthError::PasswordHash(e.to_string()))?;
    store::new_account(account.role, account.display_name, now)
        .staff(account.username, hash, account.district_code)
        .insert(db)
        .await
        .map_err(|err| {
            if unique_violation(&err) == Some(UniqueKey::AccountUsername) {
                AuthError::UsernameTaken
            } else {
                err.into()
            }
        })
}

/// The account behind a right username and password from `client` (an address), or why not.
async fn sign_in_with_password(
    state: &AppState,
    username: &str,
    password: &str,
    client: &str,
) -> Result<account::Model, AuthError> {
    let username = username.trim();
    let now = state.clock.now();
    let group = rules::sign_in_group(username);
    let counters = rules::sign_in_counters(client);
    if let Err(full) = state.throttle.reserve(&group, &counters, now).await? {
        return Err(rules::sign_in_refused(full, &counters).into());
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
        return Err(AuthError::LoginFailed);
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
        return Err(AuthError::AccountDisabled);
    }
    Ok(account)
}

/// Every staff account, oldest first.
pub async fn staff_accounts(state: &AppState) -> Result<Vec<account::Model>, AuthError> {
    store::list_staff(&state.db).await
}

/// The city admin lifts every sign-in wait and the day's pause from a staff account.
pub async fn unlock(
    state: &AppState,
    by: &Caller,
    account_id: i64,
) -> Result<account::Model, AuthError> {
    let account = store::find_staff(&state.db, account_id)
        .await?
        .ok_or(AuthError::StaffAccountNotFound)?;
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
