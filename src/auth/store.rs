//! Accounts and sessions in the database.

use chrono::{DateTime, Duration, Utc};
use entity::{account, session};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, JoinType,
    QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use super::{
    Caller, Role,
    error::AuthError,
    rules::{self, SessionState},
};
use crate::db::{UniqueKey, unique_violation};

type StoreResult<T> = Result<T, AuthError>;

/// Resolves a bearer token to its caller and when the session ends, or says precisely why it
/// cannot.
pub async fn caller_for_token(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> StoreResult<(Caller, DateTime<Utc>)> {
    // One round trip for both rows: every authenticated request pays it, the lunch peak too.
    let session_account = session::Entity::belongs_to(account::Entity)
        .from(session::Column::AccountId)
        .to(account::Column::Id)
        .into();
    let found = session::Entity::find_by_id(rules::token_hash(token))
        .select_also(account::Entity)
        .join(JoinType::InnerJoin, session_account)
        .one(db)
        .await?;
    let Some((session, account)) = found else {
        return Err(AuthError::TokenInvalid);
    };
    match rules::session_state(session.expires_at, session.revoked_at, now) {
        SessionState::Active => {}
        SessionState::Expired => {
            return Err(AuthError::TokenExpired);
        }
        SessionState::Revoked => {
            return Err(AuthError::TokenRevoked);
        }
    }
    let account = account.ok_or(AuthError::TokenInvalid)?;
    if !account.active {
        return Err(AuthError::AccountDisabled);
    }
    Ok((to_caller(&account), session.expires_at))
}

pub fn to_caller(account: &account::Model) -> Caller {
    Caller {
        account_id: account.id,
        role: account.role,
        display_name: account.display_name.clone(),
        district_code: account.district_code.clone(),
    }
}

/// Opens a session and returns the bearer token (shown once, never stored).
pub async fn open_session(
    db: &impl ConnectionTrait,
    account_id: i64,
    now: DateTime<Utc>,
    ttl: Duration,
) -> StoreResult<(String, DateTime<Utc>)> {
    let token = rules::new_token();
    let expires_at = now + ttl;
    session::ActiveModel {
        token_hash: Set(rules::token_hash(&token)),
        account_id: Set(account_id),
        created_at: Set(now),
        expires_at: Set(expires_at),
        revoked_at: Set(None),
    }
    .insert(db)
    .await?;
    Ok((token, expires_at))
}

pub async fn revoke_session(
    db: &impl ConnectionTrait,
    token: &str,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    session::Entity::update_many()
        .col_expr(session::Column::RevokedAt, Expr::value(now))
        .filter(session::Column::TokenHash.eq(rules::token_hash(token)))
        .filter(session::Column::RevokedAt.is_null())
        .exec(db)
        .await?;
    Ok(())
}

pub async fn find_by_username(
    db: &impl ConnectionTrait,
    username: &str,
) -> StoreResult<Option<account::Model>> {
    Ok(account::Entity::find()
        .filter(account::Column::Username.eq(username))
        .one(db)
        .await?)
}

/// The mini-program account of a WeChat user, created on first sign-in. A new user starts as a
/// family member (家属); becoming an elder's own account is an explicit step reviewed by staff.
pub async fn find_or_create_wechat_account(
    db: &impl ConnectionTrait,
    openid: &str,
    now: DateTime<Utc>,
) -> StoreResult<(account::Model, bool)> {
    let existing = account::Entity::find()
        .filter(account::Column::WechatOpenid.eq(openid))
        .one(db)
        .await?;
    if let Some(account) = existing {
        return Ok((account, false));
    }
    let inserted = new_account(Role::Family, "微信用户", now)
        .wechat(openid)
        .insert(db)
        .await;
    match inserted {
        Ok(account) => Ok((account, true)),
        // Two first sign-ins of the same person at once: the other one created it.
        Err(err) if unique_violation(&err) == Some(UniqueKey::AccountWechatOpenid) => {
            let account = account::Entity::find()
                .filter(account::Column::WechatOpenid.eq(openid))
                .one(db)
                .await?
                .ok_or(AuthError::Database(err))?;
            Ok((account, false))
        }
        Err(err) => Err(err.into()),
    }
}

/// A staff account (one with a username) by id.
pub async fn find_staff(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> StoreResult<Option<account::Model>> {
    Ok(account::Entity::find_by_id(account_id)
        .filter(account::Column::Username.is_not_null())
        .one(db)
        .await?)
}

pub async fn list_staff(db: &impl ConnectionTrait) -> StoreResult<Vec<account::Model>> {
    Ok(account::Entity::find()
        .filter(account::Column::Username.is_not_null())
        .order_by_asc(account::Column::Id)
        .all(db)
        .await?)
}

/// A new account row with the fields every account has.
pub fn new_account(role: Role, display_name: &str, now: DateTime<Utc>) -> NewAccount {
    NewAccount(account::ActiveModel {
        role: Set(role),
        display_name: Set(display_name.to_string()),
        username: Set(None),
        password_hash: Set(None),
        wechat_openid: Set(None),
        district_code: Set(None),
        active: Set(true),
        failed_logins: Set(0),
        locked_until: Set(None),
        created_at: Set(now),
        ..Default::default()
    })
}

pub struct NewAccount(account::ActiveModel);

impl NewAccount {
    pub fn wechat(mut self, openid: &str) -> Self {
        self.0.wechat_openid = Set(Some(openid.to_string()));
        self
    }

    pub fn staff(
        mut self,
        username: &str,
        password_hash: String,
        district: Option<String>,
    ) -> Self {
        self.0.username = Set(Some(username.to_string()));
        self.0.password_hash = Set(Some(password_hash));
        self.0.district_code = Set(district);
        self
    }

    pub async fn insert(self, db: &impl ConnectionTrait) -> Result<account::Model, sea_orm::DbErr> {
        self.0.insert(db).await
    }
}
