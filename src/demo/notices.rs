//! Demo subscriptions: every demo mini-program account (the elders who sign in themselves and the
//! families) has accepted each subscribe template a few times, as if it had tapped 允许 on the
//! booking and complaint screens, so the `cargo run` demo sends its booking confirmations,
//! reminders and no-show alerts to the bundled fake WeChat (which records them) from the first
//! booking on. Seeded with the demo's history (not in most tests' city, whose notices count
//! their own subscriptions).

use entity::account;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

use super::elders::DEMO_WECHAT_USERS;
use crate::{error::AppResult, notices::store as notices, state::AppState};

/// Messages of each template every demo WeChat account may be sent.
pub const DEMO_QUOTA_PER_TEMPLATE: i32 = 10;

pub async fn seed(state: &AppState) -> AppResult<()> {
    let db = &state.db;
    let now = state.clock.now();
    let openids = DEMO_WECHAT_USERS.iter().map(|(openid, _)| *openid);
    let accounts = account::Entity::find()
        .filter(account::Column::WechatOpenid.is_in(openids))
        .all(db)
        .await?;
    for account in accounts {
        for template_id in state.config.notices.templates.values() {
            notices::add_accepts(db, account.id, template_id, DEMO_QUOTA_PER_TEMPLATE, now).await?;
        }
    }
    Ok(())
}
