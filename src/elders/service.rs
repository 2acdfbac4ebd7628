//! Use cases of elder records and family links: correcting a record, self-registration and its
//! review, and asking for a family link. Each runs its transaction here; the HTTP layer parses
//! and maps.

use entity::{elder, elder_category, family_link};
use sea_orm::{ConnectionTrait, TransactionTrait};
use vocabulary::ElderCategory;

use super::{
    ElderStatus, LinkStatus, access,
    error::ElderError,
    id_card::IdCardNumber,
    rules::{self, LinkParty},
    store::{self, ElderChanges, ElderFilter, LinkFilter, NewElder},
    vault::IdCardVault,
};
use crate::{auth::Caller, pagination::PageRequest, state::AppState, throttle::Counter};

pub fn vault(state: &AppState) -> IdCardVault {
    IdCardVault::new(&state.config.data_key)
}

/// An elder's record with the categories recorded on it now: what every answer about an elder
/// shows.
pub struct ElderRecord {
    pub elder: elder::Model,
    pub categories: Vec<elder_category::Model>,
}

async fn record_of(
    db: &impl ConnectionTrait,
    elder: elder::Model,
) -> Result<ElderRecord, ElderError> {
    let categories = store::current_categories(db, elder.id).await?;
    Ok(ElderRecord { elder, categories })
}

async fn records_of(
    db: &impl ConnectionTrait,
    elders: Vec<elder::Model>,
) -> Result<Vec<ElderRecord>, ElderError> {
    let ids: Vec<i64> = elders.iter().map(|e| e.id).collect();
    let mut categories = store::current_categories_of(db, &ids).await?;
    Ok(elders
        .into_iter()
        .map(|elder| ElderRecord {
            categories: categories.remove(&elder.id).unwrap_or_default(),
            elder,
        })
        .collect())
}

/// Checks the districts and street a request names, each error naming its field.
async fn check_places(
    db: &impl ConnectionTrait,
    hukou: &str,
    residence: &str,
    street: Option<i64>,
) -> Result<(String, String, Option<i64>), ElderError> {
    let hukou = store::check_district(db, "hukou_district_code", hukou).await?;
    let residence = store::check_district(db, "residence_district_code", residence).await?;
    let street = store::check_street(db, street, &residence).await?;
    Ok((hukou, residence, street))
}

/// A registration as the request gives it: the name and number already read, the rest checked
/// here, in the order the answer names the first field at fault.
pub struct Registration {
    pub name: String,
    pub id_card: IdCardNumber,
    pub hukou_district_code: String,
    pub residence_district_code: String,
    pub residence_street_id: Option<i64>,
    pub address: String,
    pub phone: String,
}

/// Who registers: staff (the record is active at once, with its categories) or the elder's own
/// account (the record waits for review).
pub enum Registrant<'a> {
    Staff {
        caller: &'a Caller,
        categories: Vec<ElderCategory>,
    },
    Themselves {
        caller: &'a Caller,
    },
}

/// Registers an elder. A clerk registers elders whose hukou or residence district is the
/// clerk's own; a self-registration is always a new record waiting for review, whether or not
/// the number is registered already. It claims nothing: the number's look-up hash is set only
/// when a clerk approves, so a claim neither blocks staff from registering the real person nor
/// tells anyone whether a number is on the books.
pub async fn register(
    state: &AppState,
    registrant: Registrant<'_>,
    ask: Registration,
) -> Result<ElderRecord, ElderError> {
    let (hukou, residence, street) = check_places(
        &state.db,
        &ask.hukou_district_code,
        &ask.residence_district_code,
        ask.residence_street_id,
    )
    .await?;
    let (status, account_id, created_by, categories) = match registrant {
        Registrant::Staff { caller, categories } => {
            if !rules::clerk_may_place(caller, &hukou, &residence) {
                return Err(ElderError::DistrictForbidden);
            }
            (ElderStatus::Active, None, caller.account_id, categories)
        }
        Registrant::Themselves { caller } => (
            ElderStatus::PendingReview,
            Some(caller.account_id),
            caller.account_id,
            Vec::new(),
        ),
    };
    let new = NewElder {
        name: ask.name,
        id_card: ask.id_card,
        hukou_district_code: hukou,
        residence_district_code: residence,
        residence_street_id: street,
        address: rules::check_address(&ask.address)?,
        phone: rules::check_phone(&ask.phone)?,
        status,
        account_id,
        created_by,
    };
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let elder = match new.status {
        ElderStatus::PendingReview => store::register_self(&txn, &vault(state), new, now).await?,
        _ => store::insert_elder(&txn, &vault(state), new, &categories, now).await?,
    };
    txn.commit().await?;
    record_of(&state.db, elder).await
}

/// The elder with this number, if the caller may see them (404 `ELDER_NOT_FOUND` otherwise, as
/// for a number not registered).
pub async fn find_by_id_card(
    state: &AppState,
    caller: &Caller,
    id_card: &IdCardNumber,
) -> Result<ElderRecord, ElderError> {
    let found = store::find_by_id_card(&state.db, &vault(state), id_card).await?;
    let Some(elder) = found else {
        return Err(ElderError::NotFound);
    };
    let (elder, _) = access::elder_visible(&state.db, caller, elder.id).await?;
    record_of(&state.db, elder).await
}

/// One elder's record, if the caller may see it (404 `ELDER_NOT_FOUND` otherwise, as for an
/// elder that does not exist).
pub async fn get(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
) -> Result<ElderRecord, ElderError> {
    let (elder, _) = access::elder_visible(&state.db, caller, elder_id).await?;
    record_of(&state.db, elder).await
}

/// A page of the elders on the caller's books, newest first, and how many there are in all.
pub async fn list(
    state: &AppState,
    caller: &Caller,
    filter: &ElderFilter,
    page: PageRequest,
) -> Result<(Vec<ElderRecord>, u64), ElderError> {
    let (elders, total) = store::list_elders(&state.db, caller, filter, page).await?;
    Ok((records_of(&state.db, elders).await?, total))
}

/// Every category ever recorded on an elder the caller manages, removed ones included, oldest
/// first.
pub async fn category_history(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
) -> Result<Vec<elder_category::Model>, ElderError> {
    let elder = access::elder_manageable(&state.db, caller, elder_id).await?;
    Ok(store::category_history(&state.db, elder.id).await?)
}

/// The elders an account may act for: its own record (`None` beside it) and the elders it is an
/// approved family member of (the link beside each).
pub async fn elders_of_account(
    state: &AppState,
    caller: &Caller,
) -> Result<Vec<(ElderRecord, Option<family_link::Model>)>, ElderError> {
    let pairs = store::elders_of_account(&state.db, caller.account_id).await?;
    let (elders, links): (Vec<elder::Model>, Vec<Option<family_link::Model>>) =
        pairs.into_iter().unzip();
    Ok(records_of(&state.db, elders)
        .await?
        .into_iter()
        .zip(links)
        .collect())
}

/// Rejects a self-registration with a reason the registrant sees.
pub async fn reject(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
    reason: String,
) -> Result<ElderRecord, ElderError> {
    let txn = state.db.begin().await?;
    let elder = access::elder_manageable(&txn, caller, elder_id).await?;
    let elder =
        store::reject_elder(&txn, elder, reason, caller.account_id, state.clock.now()).await?;
    txn.commit().await?;
    record_of(&state.db, elder).await
}

/// Records (`add`) or removes an eligibility category on an elder the caller manages.
pub async fn set_category(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
    category: ElderCategory,
    add: bool,
) -> Result<ElderRecord, ElderError> {
    let now = state.clock.now();
    let txn = state.db.begin().await?;
    let elder = access::elder_manageable(&txn, caller, elder_id).await?;
    if add {
        store::add_category(&txn, elder.id, category, caller.account_id, now).await?;
    } else {
        store::remove_category(&txn, elder.id, category, caller.account_id, now).await?;
    }
    txn.commit().await?;
    record_of(&state.db, elder).await
}

/// Corrects a record with what was asked (unchecked); a street left out is kept, or cleared when
/// the residence district changes. A clerk's change must leave the elder in one of the clerk's
/// districts, and only the city admin moves the hukou district (who funds the subsidy).
pub async fn update(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
    edit: ElderChanges,
) -> Result<ElderRecord, ElderError> {
    let txn = state.db.begin().await?;
    let elder = access::elder_manageable(&txn, caller, elder_id).await?;
    let hukou = match &edit.hukou_district_code {
        Some(code) => store::check_district(&txn, "hukou_district_code", code).await?,
        None => elder.hukou_district_code.clone(),
    };
    if hukou != elder.hukou_district_code && !rules::may_change_hukou(caller) {
        return Err(ElderError::HukouChangeForbidden);
    }
    let residence = match &edit.residence_district_code {
        Some(code) => store::check_district(&txn, "residence_district_code", code).await?,
        None => elder.residence_district_code.clone(),
    };
    let street = match edit.residence_street_id {
        Some(street) => street,
        // A new residence district invalidates the old street unless a new one is sent.
        None if residence != elder.residence_district_code => None,
        None => elder.residence_street_id,
    };
    let street = store::check_street(&txn, street, &residence).await?;
    if !rules::clerk_may_place(caller, &hukou, &residence) {
        return Err(ElderError::DistrictForbidden);
    }
    let changes = ElderChanges {
        name: edit
            .name
            .as_deref()
            .map(|name| rules::check_name("name", name))
            .transpose()?,
        hukou_district_code: Some(hukou),
        residence_district_code: Some(residence),
        residence_street_id: Some(street),
        address: edit
            .address
            .as_deref()
            .map(rules::check_address)
            .transpose()?,
        phone: edit.phone.as_deref().map(rules::check_phone).transpose()?,
    };
    let elder =
        store::update_elder(&txn, elder, changes, caller.account_id, state.clock.now()).await?;
    txn.commit().await?;
    record_of(&state.db, elder).await
}

/// Approves a self-registration: its number takes its place among the registered ones (409
/// `ELDER_ALREADY_REGISTERED`, to the clerk only, when staff registered that person meanwhile:
/// the claim is then rejected with a reason) and its account becomes the elder's.
pub async fn approve(
    state: &AppState,
    caller: &Caller,
    elder_id: i64,
) -> Result<ElderRecord, ElderError> {
    let txn = state.db.begin().await?;
    let elder = access::elder_manageable(&txn, caller, elder_id).await?;
    let elder = store::approve_elder(
        &txn,
        &vault(state),
        elder,
        caller.account_id,
        state.clock.now(),
    )
    .await?;
    txn.commit().await?;
    if let Some(account_id) = elder.account_id {
        // The account is an elder's now; its sessions must say so.
        state.caches.forget_sessions_of(account_id);
    }
    record_of(&state.db, elder).await
}

/// The registered, active elder with this ID-card number whose name matches `name` (as
/// [`rules::names_match`] reads names), or `None`: an unknown number, a wrong name and a record
/// under review are one answer, so a caller never tells them apart.
pub async fn identify(
    state: &AppState,
    id_card: &IdCardNumber,
    name: &str,
) -> Result<Option<elder::Model>, ElderError> {
    let found = store::find_by_id_card(&state.db, &vault(state), id_card).await?;
    Ok(found.filter(|elder| {
        rules::names_match(&elder.name, name) && rules::require_active(elder.status).is_ok()
    }))
}

/// What a family member types to ask for a link.
pub struct LinkAsk<'a> {
    pub id_card: IdCardNumber,
    pub name: &'a str,
    pub relationship: Option<String>,
}

/// Asks for a link to the elder with this number and name. Every request is counted before the
/// number is looked up, per number (whoever asks) and per asking account; a number that is not
/// registered, a wrong name and an elder under review get one and the same answer, and so do the
/// limits, whether or not the number exists.
pub async fn request_link(
    state: &AppState,
    caller: &Caller,
    ask: LinkAsk<'_>,
) -> Result<LinkRecord, ElderError> {
    let vault = vault(state);
    let now = state.clock.now();
    let lookup = vault.lookup_hash(&ask.id_card);
    let number_group = format!("link-number:{}", &lookup[..32]);
    let number_counters = [Counter::new("asked", rules::LINK_ATTEMPTS_PER_NUMBER)];
    let account_group = format!("link-account:{}", caller.account_id);
    let account_counters = [Counter::new("no-match", rules::LINK_FAILURES_PER_ACCOUNT)];
    // An attempt that was not this account's miss leaves its count.
    let not_a_miss = || async {
        let counted = [&account_counters[0]];
        state
            .throttle
            .give_back(&account_group, &account_counters, &counted, now)
            .await
    };
    if let Err(full) = state
        .throttle
        .reserve(&account_group, &account_counters, now)
        .await?
    {
        return Err(ElderError::TooManyLinkAttempts {
            retry_after: full.retry_after,
        });
    }
    if let Err(full) = state
        .throttle
        .reserve(&number_group, &number_counters, now)
        .await?
    {
        not_a_miss().await?;
        return Err(ElderError::TooManyLinkAttempts {
            retry_after: full.retry_after,
        });
    }
    let Some(elder) = identify(state, &ask.id_card, ask.name).await? else {
        return Err(ElderError::LinkNoMatch);
    };
    not_a_miss().await?;
    if elder.account_id == Some(caller.account_id) {
        return Err(ElderError::LinkSelf);
    }
    let link = store::insert_link(
        &state.db,
        elder.id,
        caller.account_id,
        ask.relationship,
        now,
    )
    .await?;
    link_record(&state.db, link).await
}

/// A family link with what its answer shows of either side: the elder's record and the family
/// member's display name.
pub struct LinkRecord {
    pub link: family_link::Model,
    pub elder: elder::Model,
    pub family_display_name: String,
}

/// The links with their elders and family members' names; a link whose elder is gone is left
/// out.
async fn link_records(
    db: &impl ConnectionTrait,
    links: Vec<family_link::Model>,
) -> Result<Vec<LinkRecord>, ElderError> {
    let elders = store::elders_by_id(db, links.iter().map(|l| l.elder_id)).await?;
    let names = store::account_names(db, links.iter().map(|l| l.family_account_id)).await?;
    Ok(links
        .into_iter()
        .filter_map(|link| {
            let elder = elders.get(&link.elder_id)?.clone();
            Some(LinkRecord {
                family_display_name: names
                    .get(&link.family_account_id)
                    .cloned()
                    .unwrap_or_default(),
                elder,
                link,
            })
        })
        .collect())
}

async fn link_record(
    db: &impl ConnectionTrait,
    link: family_link::Model,
) -> Result<LinkRecord, ElderError> {
    link_records(db, vec![link]).await?.pop().ok_or_else(|| {
        ElderError::Other(crate::error::AppError::internal(std::io::Error::other(
            "a link lost its elder",
        )))
    })
}

/// A page of the family links the caller is a party to, newest first, and how many there are.
pub async fn list_links(
    state: &AppState,
    caller: &Caller,
    filter: &LinkFilter,
    page: PageRequest,
) -> Result<(Vec<LinkRecord>, u64), ElderError> {
    let (links, total) = store::list_links(&state.db, caller, filter, page).await?;
    Ok((link_records(&state.db, links).await?, total))
}

/// The link and who the caller is to it; 404 for outsiders.
async fn link_for(
    db: &impl ConnectionTrait,
    caller: &Caller,
    link_id: i64,
) -> Result<(family_link::Model, LinkParty), ElderError> {
    let link = store::find_link(db, link_id)
        .await?
        .ok_or(ElderError::LinkNotFound)?;
    let elders = store::elders_by_id(db, [link.elder_id]).await?;
    let elder = elders.get(&link.elder_id).ok_or(ElderError::LinkNotFound)?;
    let party = rules::link_party(caller, link.family_account_id, store::scope_of(elder));
    if party == LinkParty::Outsider {
        return Err(ElderError::LinkNotFound);
    }
    Ok((link, party))
}

/// Approves or rejects a pending link: the elder from their own account, or a clerk of the
/// elder's district.
pub async fn decide_link(
    state: &AppState,
    caller: &Caller,
    link_id: i64,
    decision: LinkStatus,
    note: Option<String>,
) -> Result<LinkRecord, ElderError> {
    let db = &state.db;
    let (link, party) = link_for(db, caller, link_id).await?;
    if !party.may_decide() {
        return Err(ElderError::LinkDecideForbidden);
    }
    let link = store::decide_link(
        db,
        &link,
        decision,
        note,
        caller.account_id,
        state.clock.now(),
    )
    .await?;
    link_record(db, link).await
}

/// Ends a link (or withdraws a pending request), from either side.
pub async fn unlink(
    state: &AppState,
    caller: &Caller,
    link_id: i64,
) -> Result<LinkRecord, ElderError> {
    let db = &state.db;
    let (link, party) = link_for(db, caller, link_id).await?;
    if !party.may_unlink() {
        return Err(ElderError::LinkNotFound);
    }
    let link = store::unlink(db, &link, caller.account_id, state.clock.now()).await?;
    link_record(db, link).await
}
