//! Elders, their categories and family links in the database. The one access check every
//! endpoint that takes an elder id goes through is [`super::access::require_elder_visible`].

use std::collections::HashMap;

use chrono::{DateTime, Utc};
use entity::{account, elder, elder_category, family_link, street};
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, Condition, ConnectionTrait, DbErr,
    EntityTrait, PaginatorTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
    sea_query::Query,
};

use super::{
    ElderStatus, LinkStatus,
    error::ElderError,
    id_card::IdCardNumber,
    rules::{self, ElderScope, Standing},
    vault::IdCardVault,
};
use crate::{
    auth::{Caller, Role},
    db::{UniqueKey, unique_violation},
    error::AppResult,
    pagination::PageRequest,
    places,
};
use vocabulary::ElderCategory;

// ---------------------------------------------------------------------------------------------
// Access
// ---------------------------------------------------------------------------------------------

pub fn scope_of(elder: &elder::Model) -> ElderScope<'_> {
    ElderScope {
        own_account_id: elder.account_id,
        hukou_district: &elder.hukou_district_code,
        residence_district: &elder.residence_district_code,
    }
}

pub async fn find_elder(
    db: &impl ConnectionTrait,
    elder_id: i64,
) -> Result<Option<elder::Model>, DbErr> {
    elder::Entity::find_by_id(elder_id).one(db).await
}

/// How the caller stands towards this elder (one query more only for a possible family member).
pub async fn standing_of(
    db: &impl ConnectionTrait,
    caller: &Caller,
    elder: &elder::Model,
) -> Result<Standing, DbErr> {
    let may_be_family = matches!(caller.role, Role::Family | Role::Elder)
        && elder.account_id != Some(caller.account_id);
    let approved_family =
        may_be_family && has_approved_link(db, elder.id, caller.account_id).await?;
    Ok(rules::standing(caller, scope_of(elder), approved_family))
}

/// Whether the caller may book (and cancel, rate) in this elder's name: the elder or an
/// approved family member.
pub async fn may_act_for(
    db: &impl ConnectionTrait,
    caller: &Caller,
    elder: &elder::Model,
) -> Result<bool, DbErr> {
    Ok(standing_of(db, caller, elder).await?.may_act_for())
}

pub async fn has_approved_link(
    db: &impl ConnectionTrait,
    elder_id: i64,
    family_account_id: i64,
) -> Result<bool, DbErr> {
    Ok(family_link::Entity::find()
        .filter(family_link::Column::ElderId.eq(elder_id))
        .filter(family_link::Column::FamilyAccountId.eq(family_account_id))
        .filter(family_link::Column::Status.eq(LinkStatus::Approved.as_str()))
        .count(db)
        .await?
        > 0)
}

/// Elders a clerk reaches: hukou or residence in the clerk's district. `None` for the city.
fn district_condition(caller: &Caller) -> Option<Condition> {
    match caller.role {
        Role::CityAdmin => None,
        _ => {
            let district = caller.district_code.clone().unwrap_or_default();
            Some(
                Condition::any()
                    .add(elder::Column::HukouDistrictCode.eq(district.clone()))
                    .add(elder::Column::ResidenceDistrictCode.eq(district)),
            )
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Places an elder points at
// ---------------------------------------------------------------------------------------------

/// A district named in a request; unknown → 400 naming the field.
pub async fn check_district(
    db: &impl ConnectionTrait,
    field: &'static str,
    code: &str,
) -> Result<String, ElderError> {
    let code = code.trim();
    match places::store::find_district(db, code).await? {
        Some(district) => Ok(district.code),
        None => Err(ElderError::DistrictUnknown {
            field,
            code: code.to_string(),
        }),
    }
}

/// The residence street must be a street of the residence district.
pub async fn check_street(
    db: &impl ConnectionTrait,
    street_id: Option<i64>,
    residence_district: &str,
) -> Result<Option<i64>, ElderError> {
    let Some(street_id) = street_id else {
        return Ok(None);
    };
    let found = street::Entity::find_by_id(street_id).one(db).await?;
    match found {
        Some(street) if street.district_code == residence_district => Ok(Some(street.id)),
        _ => Err(ElderError::StreetNotInResidence),
    }
}

// ---------------------------------------------------------------------------------------------
// Elder records
// ---------------------------------------------------------------------------------------------

/// Everything needed to register an elder; the ID-card number is sealed on the way in.
pub struct NewElder {
    pub name: String,
    pub id_card: IdCardNumber,
    pub hukou_district_code: String,
    pub residence_district_code: String,
    pub residence_street_id: Option<i64>,
    pub address: String,
    pub phone: String,
    pub status: ElderStatus,
    pub account_id: Option<i64>,
    pub created_by: i64,
}

impl std::fmt::Debug for NewElder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // IdCardNumber's Debug is masked already; the rest is listed for completeness.
        f.debug_struct("NewElder")
            .field("name", &self.name)
            .field("id_card", &self.id_card)
            .field("hukou_district_code", &self.hukou_district_code)
            .field("residence_district_code", &self.residence_district_code)
            .field("status", &self.status)
            .finish_non_exhaustive()
    }
}

impl NewElder {
    /// The row to insert: sealed number, masked form, the birth date and sex read from the
    /// number, and — for a registered (active) elder only — the keyed look-up hash, which is
    /// unique: a self-registration waiting for review claims no number.
    pub fn into_active_model(self, vault: &IdCardVault, now: DateTime<Utc>) -> elder::ActiveModel {
        let registered = self.status == ElderStatus::Active;
        elder::ActiveModel {
            name: Set(self.name),
            id_card_sealed: Set(vault.seal(&self.id_card)),
            id_card_lookup: Set(registered.then(|| vault.lookup_hash(&self.id_card))),
            id_card_masked: Set(self.id_card.masked()),
            birth_date: Set(self.id_card.birth_date()),
            sex: Set(self.id_card.sex()),
            hukou_district_code: Set(self.hukou_district_code),
            residence_district_code: Set(self.residence_district_code),
            residence_street_id: Set(self.residence_street_id),
            address: Set(self.address),
            phone: Set(self.phone),
            status: Set(self.status),
            review_note: Set(None),
            reviewed_by: Set(None),
            reviewed_at: Set(None),
            account_id: Set(self.account_id),
            created_by: Set(self.created_by),
            created_at: Set(now),
            updated_by: Set(None),
            updated_at: Set(None),
            ..Default::default()
        }
    }
}

/// Maps a unique violation on `elder` to the conflict it means.
fn elder_unique_violation(err: DbErr) -> ElderError {
    match unique_violation(&err) {
        Some(UniqueKey::ElderAccount) => ElderError::AccountAlreadyRegistered,
        Some(UniqueKey::ElderIdCard) => ElderError::AlreadyRegistered,
        _ => err.into(),
    }
}

pub async fn find_by_id_card(
    db: &impl ConnectionTrait,
    vault: &IdCardVault,
    id_card: &IdCardNumber,
) -> AppResult<Option<elder::Model>> {
    Ok(elder::Entity::find()
        .filter(elder::Column::IdCardLookup.eq(vault.lookup_hash(id_card)))
        .one(db)
        .await?)
}

/// Inserts an elder and their first categories. Run it in a transaction: both or neither.
pub async fn insert_elder(
    db: &impl ConnectionTrait,
    vault: &IdCardVault,
    new: NewElder,
    categories: &[ElderCategory],
    now: DateTime<Utc>,
) -> Result<elder::Model, ElderError> {
    if find_by_id_card(db, vault, &new.id_card).await?.is_some() {
        return Err(ElderError::AlreadyRegistered);
    }
    let recorded_by = new.created_by;
    let elder = new
        .into_active_model(vault, now)
        .insert(db)
        .await
        .map_err(elder_unique_violation)?;
    insert_categories(db, &[(elder.id, categories.to_vec())], recorded_by, now).await?;
    Ok(elder)
}

/// Records categories for several elders at once (demo seeding uses the batch).
pub async fn insert_categories(
    db: &impl ConnectionTrait,
    per_elder: &[(i64, Vec<ElderCategory>)],
    recorded_by: i64,
    now: DateTime<Utc>,
) -> AppResult<()> {
    let rows: Vec<elder_category::ActiveModel> = per_elder
        .iter()
        .flat_map(|(elder_id, categories)| {
            let mut unique = categories.clone();
            unique.sort();
            unique.dedup();
            unique
                .into_iter()
                .map(move |category| elder_category::ActiveModel {
                    elder_id: Set(*elder_id),
                    category: Set(category),
                    recorded_by: Set(recorded_by),
                    recorded_at: Set(now),
                    removed_by: Set(None),
                    removed_at: Set(None),
                    ..Default::default()
                })
        })
        .collect();
    if rows.is_empty() {
        return Ok(());
    }
    elder_category::Entity::insert_many(rows).exec(db).await?;
    Ok(())
}

/// The account's own elder record, whatever its status.
pub async fn find_by_account(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> AppResult<Option<elder::Model>> {
    Ok(elder::Entity::find()
        .filter(elder::Column::AccountId.eq(account_id))
        .one(db)
        .await?)
}

/// A self-registration: a new pending record, or a rejected one of the same account filled in
/// again and sent back for review (the rejected row is reused, so an account has one record).
/// Whether the number is registered already is not asked here: the clerk learns it at review.
pub async fn register_self(
    db: &impl ConnectionTrait,
    vault: &IdCardVault,
    new: NewElder,
    now: DateTime<Utc>,
) -> Result<elder::Model, ElderError> {
    let account_id = new.created_by;
    let existing = find_by_account(db, account_id).await?;
    match &existing {
        Some(own) if own.status != ElderStatus::Rejected => {
            return Err(ElderError::AccountAlreadyRegistered);
        }
        _ => {}
    }
    match existing {
        None => new
            .into_active_model(vault, now)
            .insert(db)
            .await
            .map_err(elder_unique_violation),
        Some(rejected) => {
            let mut row = new.into_active_model(vault, now);
            row.id = Set(rejected.id);
            row.created_at = Set(rejected.created_at);
            row.updated_by = Set(Some(account_id));
            row.updated_at = Set(Some(now));
            row.update(db).await.map_err(elder_unique_violation)
        }
    }
}

/// Filters for the staff list of elders.
#[derive(Debug, Default, Clone)]
pub struct ElderFilter {
    pub status: Option<ElderStatus>,
    /// Elders whose hukou or residence is this district.
    pub district_code: Option<String>,
    /// Elders whose name contains this.
    pub name: Option<String>,
}

/// The elders a clerk (their districts) or the city admin (all) may see, newest first.
pub async fn list_elders(
    db: &impl ConnectionTrait,
    caller: &Caller,
    filter: &ElderFilter,
    page: PageRequest,
) -> AppResult<(Vec<elder::Model>, u64)> {
    let mut query = elder::Entity::find();
    if let Some(scope) = district_condition(caller) {
        query = query.filter(scope);
    }
    if let Some(status) = filter.status {
        query = query.filter(elder::Column::Status.eq(status.as_str()));
    }
    if let Some(district) = &filter.district_code {
        query = query.filter(
            Condition::any()
                .add(elder::Column::HukouDistrictCode.eq(district.clone()))
                .add(elder::Column::ResidenceDistrictCode.eq(district.clone())),
        );
    }
    if let Some(name) = &filter.name {
        query = query.filter(elder::Column::Name.contains(name));
    }
    let paginator = query
        .order_by_desc(elder::Column::Id)
        .paginate(db, page.page_size);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.index()).await?;
    Ok((items, total))
}

/// The changeable parts of a record; `None` leaves a part as it is.
#[derive(Debug, Default)]
pub struct ElderChanges {
    pub name: Option<String>,
    pub hukou_district_code: Option<String>,
    pub residence_district_code: Option<String>,
    /// `Some(None)` clears the street.
    pub residence_street_id: Option<Option<i64>>,
    pub address: Option<String>,
    pub phone: Option<String>,
}

pub async fn update_elder(
    db: &impl ConnectionTrait,
    elder: elder::Model,
    changes: ElderChanges,
    by: i64,
    now: DateTime<Utc>,
) -> AppResult<elder::Model> {
    let mut row: elder::ActiveModel = elder.into();
    if let Some(name) = changes.name {
        row.name = Set(name);
    }
    if let Some(code) = changes.hukou_district_code {
        row.hukou_district_code = Set(code);
    }
    if let Some(code) = changes.residence_district_code {
        row.residence_district_code = Set(code);
    }
    if let Some(street) = changes.residence_street_id {
        row.residence_street_id = Set(street);
    }
    if let Some(address) = changes.address {
        row.address = Set(address);
    }
    if let Some(phone) = changes.phone {
        row.phone = Set(phone);
    }
    row.updated_by = Set(Some(by));
    row.updated_at = Set(Some(now));
    Ok(row.update(db).await?)
}

/// Approves a self-registration: the record becomes active, takes its number's look-up hash
/// (409 `ELDER_ALREADY_REGISTERED` when another record holds it: staff registered the person
/// meanwhile, and the claim is to be rejected), and its account becomes an elder's account.
/// Run it in a transaction.
pub async fn approve_elder(
    db: &impl ConnectionTrait,
    vault: &IdCardVault,
    elder: elder::Model,
    by: i64,
    now: DateTime<Utc>,
) -> Result<elder::Model, ElderError> {
    if elder.status != ElderStatus::PendingReview {
        return Err(ElderError::NotPending);
    }
    let id_card = vault.open(&elder.id_card_sealed)?;
    if find_by_id_card(db, vault, &id_card).await?.is_some() {
        return Err(ElderError::AlreadyRegistered);
    }
    let account_id = elder.account_id;
    let mut row: elder::ActiveModel = elder.into();
    row.id_card_lookup = Set(Some(vault.lookup_hash(&id_card)));
    row.status = Set(ElderStatus::Active);
    row.review_note = Set(None);
    row.reviewed_by = Set(Some(by));
    row.reviewed_at = Set(Some(now));
    let elder = row.update(db).await.map_err(elder_unique_violation)?;
    if let Some(account_id) = account_id {
        account::Entity::update_many()
            .col_expr(account::Column::Role, Expr::value(Role::Elder.as_str()))
            .filter(account::Column::Id.eq(account_id))
            .exec(db)
            .await?;
    }
    Ok(elder)
}

/// Rejects a self-registration with a reason the registrant sees. The number's look-up hash is
/// released, so the person can be registered correctly later (by themselves or by staff).
pub async fn reject_elder(
    db: &impl ConnectionTrait,
    elder: elder::Model,
    reason: String,
    by: i64,
    now: DateTime<Utc>,
) -> Result<elder::Model, ElderError> {
    if elder.status != ElderStatus::PendingReview {
        return Err(ElderError::NotPending);
    }
    let mut row: elder::ActiveModel = elder.into();
    row.status = Set(ElderStatus::Rejected);
    row.review_note = Set(Some(reason));
    row.reviewed_by = Set(Some(by));
    row.reviewed_at = Set(Some(now));
    row.id_card_lookup = Set(None);
    Ok(row.update(db).await?)
}

// ---------------------------------------------------------------------------------------------
// Categories
// ---------------------------------------------------------------------------------------------

/// The elder's current categories (not removed), in the order they were recorded.
pub async fn current_categories(
    db: &impl ConnectionTrait,
    elder_id: i64,
) -> AppResult<Vec<elder_category::Model>> {
    Ok(current_categories_of(db, &[elder_id])
        .await?
        .remove(&elder_id)
        .unwrap_or_default())
}

pub async fn current_categories_of(
    db: &impl ConnectionTrait,
    elder_ids: &[i64],
) -> AppResult<HashMap<i64, Vec<elder_category::Model>>> {
    if elder_ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows = elder_category::Entity::find()
        .filter(elder_category::Column::ElderId.is_in(elder_ids.iter().copied()))
        .filter(elder_category::Column::RemovedAt.is_null())
        .order_by_asc(elder_category::Column::Id)
        .all(db)
        .await?;
    let mut by_elder: HashMap<i64, Vec<elder_category::Model>> = HashMap::new();
    for row in rows {
        by_elder.entry(row.elder_id).or_default().push(row);
    }
    Ok(by_elder)
}

/// Every category ever recorded on the elder, removed ones included, oldest first.
pub async fn category_history(
    db: &impl ConnectionTrait,
    elder_id: i64,
) -> AppResult<Vec<elder_category::Model>> {
    Ok(elder_category::Entity::find()
        .filter(elder_category::Column::ElderId.eq(elder_id))
        .order_by_asc(elder_category::Column::Id)
        .all(db)
        .await?)
}

pub async fn add_category(
    db: &impl ConnectionTrait,
    elder_id: i64,
    category: ElderCategory,
    by: i64,
    now: DateTime<Utc>,
) -> Result<elder_category::Model, ElderError> {
    let current = current_categories(db, elder_id).await?;
    if current.iter().any(|row| row.category == category) {
        return Err(ElderError::CategoryAlreadyRecorded(category));
    }
    elder_category::ActiveModel {
        elder_id: Set(elder_id),
        category: Set(category),
        recorded_by: Set(by),
        recorded_at: Set(now),
        removed_by: Set(None),
        removed_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|err| {
        if unique_violation(&err) == Some(UniqueKey::ElderCategoryCurrent) {
            ElderError::CategoryAlreadyRecorded(category)
        } else {
            err.into()
        }
    })
}

/// Marks the category removed; the row stays, with who removed it and when.
pub async fn remove_category(
    db: &impl ConnectionTrait,
    elder_id: i64,
    category: ElderCategory,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), ElderError> {
    let result = elder_category::Entity::update_many()
        .col_expr(elder_category::Column::RemovedBy, Expr::value(by))
        .col_expr(elder_category::Column::RemovedAt, Expr::value(now))
        .filter(elder_category::Column::ElderId.eq(elder_id))
        .filter(elder_category::Column::Category.eq(category))
        .filter(elder_category::Column::RemovedAt.is_null())
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ElderError::CategoryNotRecorded(category));
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Family links
// ---------------------------------------------------------------------------------------------

pub async fn find_link(
    db: &impl ConnectionTrait,
    link_id: i64,
) -> Result<Option<family_link::Model>, DbErr> {
    family_link::Entity::find_by_id(link_id).one(db).await
}

/// A new pending link. Refused if a live (pending or approved) one exists.
pub async fn insert_link(
    db: &impl ConnectionTrait,
    elder_id: i64,
    family_account_id: i64,
    relationship: Option<String>,
    now: DateTime<Utc>,
) -> Result<family_link::Model, ElderError> {
    let live = family_link::Entity::find()
        .filter(family_link::Column::ElderId.eq(elder_id))
        .filter(family_link::Column::FamilyAccountId.eq(family_account_id))
        .filter(
            family_link::Column::Status
                .is_in([LinkStatus::Pending.as_str(), LinkStatus::Approved.as_str()]),
        )
        .count(db)
        .await?;
    if live > 0 {
        return Err(ElderError::LinkExists);
    }
    family_link::ActiveModel {
        elder_id: Set(elder_id),
        family_account_id: Set(family_account_id),
        status: Set(LinkStatus::Pending),
        relationship: Set(relationship),
        requested_at: Set(now),
        decided_by: Set(None),
        decided_at: Set(None),
        decision_note: Set(None),
        unlinked_by: Set(None),
        unlinked_at: Set(None),
        ..Default::default()
    }
    .insert(db)
    .await
    .map_err(|err| {
        if unique_violation(&err) == Some(UniqueKey::FamilyLinkLive) {
            ElderError::LinkExists
        } else {
            err.into()
        }
    })
}

/// Approves or rejects a pending link; the status is checked in the same statement, so two
/// deciders at once cannot both win.
pub async fn decide_link(
    db: &impl ConnectionTrait,
    link: &family_link::Model,
    decision: LinkStatus,
    note: Option<String>,
    by: i64,
    now: DateTime<Utc>,
) -> Result<family_link::Model, ElderError> {
    let result = family_link::Entity::update_many()
        .col_expr(family_link::Column::Status, Expr::value(decision.as_str()))
        .col_expr(family_link::Column::DecidedBy, Expr::value(by))
        .col_expr(family_link::Column::DecidedAt, Expr::value(now))
        .col_expr(family_link::Column::DecisionNote, Expr::value(note))
        .filter(family_link::Column::Id.eq(link.id))
        .filter(family_link::Column::Status.eq(LinkStatus::Pending.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ElderError::LinkNotPending);
    }
    reload_link(db, link.id).await
}

/// Ends a live link (a pending request withdrawn, or an approved link undone).
pub async fn unlink(
    db: &impl ConnectionTrait,
    link: &family_link::Model,
    by: i64,
    now: DateTime<Utc>,
) -> Result<family_link::Model, ElderError> {
    let result = family_link::Entity::update_many()
        .col_expr(
            family_link::Column::Status,
            Expr::value(LinkStatus::Unlinked.as_str()),
        )
        .col_expr(family_link::Column::UnlinkedBy, Expr::value(by))
        .col_expr(family_link::Column::UnlinkedAt, Expr::value(now))
        .filter(family_link::Column::Id.eq(link.id))
        .filter(
            family_link::Column::Status
                .is_in([LinkStatus::Pending.as_str(), LinkStatus::Approved.as_str()]),
        )
        .exec(db)
        .await?;
    if result.rows_affected == 0 {
        return Err(ElderError::LinkNotLive);
    }
    reload_link(db, link.id).await
}

async fn reload_link(
    db: &impl ConnectionTrait,
    link_id: i64,
) -> Result<family_link::Model, ElderError> {
    find_link(db, link_id)
        .await?
        .ok_or(ElderError::LinkVanished { link_id })
}

/// Filters for the list of family links.
#[derive(Debug, Default, Clone)]
pub struct LinkFilter {
    pub elder_id: Option<i64>,
    pub status: Option<LinkStatus>,
}

/// The links the caller may see, newest first: a mini-program user's own requests and the links
/// to their own elder record; a clerk's, those of elders in the clerk's districts; all for the
/// city admin.
pub async fn list_links(
    db: &impl ConnectionTrait,
    caller: &Caller,
    filter: &LinkFilter,
    page: PageRequest,
) -> AppResult<(Vec<family_link::Model>, u64)> {
    let mut query = family_link::Entity::find();
    match caller.role {
        Role::Elder | Role::Family => {
            let own_elder = Query::select()
                .column(elder::Column::Id)
                .from(elder::Entity)
                .and_where(elder::Column::AccountId.eq(caller.account_id))
                .to_owned();
            query = query.filter(
                Condition::any()
                    .add(family_link::Column::FamilyAccountId.eq(caller.account_id))
                    .add(family_link::Column::ElderId.in_subquery(own_elder)),
            );
        }
        Role::DistrictClerk => {
            let mut in_district = Query::select();
            in_district.column(elder::Column::Id).from(elder::Entity);
            if let Some(condition) = district_condition(caller) {
                in_district.cond_where(condition);
            }
            query = query.filter(family_link::Column::ElderId.in_subquery(in_district.to_owned()));
        }
        Role::CityAdmin => {}
        Role::Operator | Role::Inspector => return Ok((Vec::new(), 0)),
    }
    if let Some(elder_id) = filter.elder_id {
        query = query.filter(family_link::Column::ElderId.eq(elder_id));
    }
    if let Some(status) = filter.status {
        query = query.filter(family_link::Column::Status.eq(status.as_str()));
    }
    let paginator = query
        .order_by_desc(family_link::Column::Id)
        .paginate(db, page.page_size);
    let total = paginator.num_items().await?;
    let items = paginator.fetch_page(page.index()).await?;
    Ok((items, total))
}

/// The elders an account may act for: its own record (any status) first, then the elders it is
/// an approved family member of, with the link.
pub async fn elders_of_account(
    db: &impl ConnectionTrait,
    account_id: i64,
) -> AppResult<Vec<(elder::Model, Option<family_link::Model>)>> {
    let mut result = Vec::new();
    if let Some(own) = find_by_account(db, account_id).await? {
        result.push((own, None));
    }
    let links = family_link::Entity::find()
        .filter(family_link::Column::FamilyAccountId.eq(account_id))
        .filter(family_link::Column::Status.eq(LinkStatus::Approved.as_str()))
        .order_by_asc(family_link::Column::Id)
        .all(db)
        .await?;
    let elders = elders_by_id(db, links.iter().map(|l| l.elder_id)).await?;
    for link in links {
        if let Some(elder) = elders.get(&link.elder_id) {
            result.push((elder.clone(), Some(link)));
        }
    }
    Ok(result)
}

pub async fn elders_by_id(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, elder::Model>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    Ok(elder::Entity::find()
        .filter(elder::Column::Id.is_in(ids))
        .all(db)
        .await?
        .into_iter()
        .map(|e| (e.id, e))
        .collect())
}

/// Display names of accounts, for showing who asked or decided.
pub async fn account_names(
    db: &impl ConnectionTrait,
    ids: impl IntoIterator<Item = i64>,
) -> AppResult<HashMap<i64, String>> {
    let mut ids: Vec<i64> = ids.into_iter().collect();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let rows: Vec<(i64, String)> = account::Entity::find()
        .select_only()
        .column(account::Column::Id)
        .column(account::Column::DisplayName)
        .filter(account::Column::Id.is_in(ids))
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().collect())
}
