//! Who may see, manage or act for an elder: the one access check every endpoint that takes an
//! elder id goes through ([`require_elder_visible`]). The store finds the rows and the standing;
//! the refusals are [`ElderError`]'s, and reach other domains as their HTTP answer.

use entity::elder;
use sea_orm::ConnectionTrait;

use super::{error::ElderError, rules::Standing, store};
use crate::{auth::Caller, error::AppResult};

/// The elder, if the caller may see the record: the elder's own account, an approved family
/// member, a clerk of the hukou or residence district, the city admin. Anyone else gets
/// 404 `ELDER_NOT_FOUND`, exactly as for an id that does not exist.
pub async fn require_elder_visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    elder_id: i64,
) -> AppResult<(elder::Model, Standing)> {
    Ok(elder_visible(db, caller, elder_id).await?)
}

/// The elder, if the caller may edit the record (a clerk of either district, the city admin).
pub async fn require_elder_manageable(
    db: &impl ConnectionTrait,
    caller: &Caller,
    elder_id: i64,
) -> AppResult<elder::Model> {
    Ok(elder_manageable(db, caller, elder_id).await?)
}

/// The elder, if the caller may act in their name; 404 for strangers, 403 for staff who may
/// see the record but do not book for the elder.
pub async fn require_may_act_for(
    db: &impl ConnectionTrait,
    caller: &Caller,
    elder_id: i64,
) -> AppResult<elder::Model> {
    let (elder, standing) = elder_visible(db, caller, elder_id).await?;
    if !standing.may_act_for() {
        return Err(ElderError::ActForForbidden.into());
    }
    Ok(elder)
}

/// [`require_elder_visible`] in this domain's terms.
pub(super) async fn elder_visible(
    db: &impl ConnectionTrait,
    caller: &Caller,
    elder_id: i64,
) -> Result<(elder::Model, Standing), ElderError> {
    let elder = store::find_elder(db, elder_id)
        .await?
        .ok_or(ElderError::NotFound)?;
    let standing = store::standing_of(db, caller, &elder).await?;
    if !standing.may_see() {
        return Err(ElderError::NotFound);
    }
    Ok((elder, standing))
}

/// [`require_elder_manageable`] in this domain's terms.
pub(super) async fn elder_manageable(
    db: &impl ConnectionTrait,
    caller: &Caller,
    elder_id: i64,
) -> Result<elder::Model, ElderError> {
    let (elder, standing) = elder_visible(db, caller, elder_id).await?;
    if !standing.may_manage() {
        return Err(ElderError::ManageForbidden);
    }
    Ok(elder)
}
