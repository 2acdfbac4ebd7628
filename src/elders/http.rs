//! Elders and family links over HTTP.
//!
//! No response ever carries an ID-card number in the clear: requests take it as [`IdCardText`]
//! (which cannot be printed), views carry only `id_card_masked`.

use std::borrow::Cow;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use poem_openapi::{
    Enum, Object, OpenApi,
    param::{Path, Query},
    payload::Json,
    registry::{MetaSchema, MetaSchemaRef},
    types::{MaybeUndefined, ParseError, ParseFromJSON, ParseResult, ToJSON, Type},
};
use serde_json::Value;

use super::{
    ElderStatus, LinkStatus,
    id_card::{IdCardNumber, Sex},
    rules, service,
    service::{ElderRecord, LinkRecord},
    store::{ElderChanges, ElderFilter, LinkFilter},
};
use crate::{
    auth::{BearerAuth, Role},
    error::{AppError, AppResult},
    pagination::PageRequest,
    state::AppState,
    tags::ApiTags,
};
use vocabulary::ElderCategory;

pub struct EldersApi {
    pub state: AppState,
}

pub struct FamiliesApi {
    pub state: AppState,
}

// ---------------------------------------------------------------------------------------------
// The ID-card number on the way in
// ---------------------------------------------------------------------------------------------

/// An ID-card number as a client sends it. A type of its own so that it cannot leak: `Debug`
/// shows `***`, a malformed value is refused without repeating it, and it is never written out.
pub struct IdCardText(String);

impl IdCardText {
    /// Checks the number (GB 11643: length, region, birth date, check character); a bad one is
    /// refused naming the field `id_card`, without repeating the digits.
    pub fn parse(&self, today: NaiveDate) -> AppResult<IdCardNumber> {
        IdCardNumber::parse_on(&self.0, today)
            .map_err(|err| AppError::invalid("id_card", err.code(), err.message()))
    }
}

impl std::fmt::Debug for IdCardText {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("IdCardText(***)")
    }
}

impl Type for IdCardText {
    const IS_REQUIRED: bool = true;
    type RawValueType = Self;
    type RawElementValueType = Self;

    fn name() -> Cow<'static, str> {
        "IdCardText".into()
    }

    fn schema_ref() -> MetaSchemaRef {
        let mut schema = MetaSchema::new_with_format("string", "id-card");
        schema.description = Some(
            "居民身份证号码 (18 characters, GB 11643). Sent only in requests; responses show it masked.",
        );
        schema.example = Some(Value::String("11010519491231002X".into()));
        MetaSchemaRef::Inline(Box::new(schema))
    }

    fn as_raw_value(&self) -> Option<&Self::RawValueType> {
        Some(self)
    }

    fn raw_element_iter<'a>(
        &'a self,
    ) -> Box<dyn Iterator<Item = &'a Self::RawElementValueType> + 'a> {
        Box::new(self.as_raw_value().into_iter())
    }
}

impl ParseFromJSON for IdCardText {
    fn parse_from_json(value: Option<Value>) -> ParseResult<Self> {
        match value {
            Some(Value::String(text)) => Ok(Self(text)),
            // Never echo the value: a number sent as a JSON number is still an ID-card number.
            _ => Err(ParseError::custom(
                "the ID-card number must be a string of 18 characters",
            )),
        }
    }
}

impl ToJSON for IdCardText {
    fn to_json(&self) -> Option<Value> {
        Some(Value::String("***".into()))
    }
}

// ---------------------------------------------------------------------------------------------
// DTOs
// ---------------------------------------------------------------------------------------------

#[derive(Object)]
pub struct NewElderRequest {
    /// As on the ID card.
    #[oai(validator(
        max_length = 32,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub name: String,
    pub id_card: IdCardText,
    /// 户籍区: funds the district- and street-level subsidy.
    #[oai(validator(pattern = r"^[A-Za-z0-9-]{1,20}$"))]
    pub hukou_district_code: String,
    /// Where the elder lives.
    #[oai(validator(pattern = r"^[A-Za-z0-9-]{1,20}$"))]
    pub residence_district_code: String,
    /// The residence street or town (街道/镇), a street of the residence district.
    pub residence_street_id: Option<i64>,
    #[oai(validator(
        max_length = 128,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub address: String,
    #[oai(validator(max_length = 20, pattern = r"^(1[0-9]{10}|0(-*[0-9]){9,11}-*)$"))]
    pub phone: String,
    /// Eligibility categories, recorded with the clerk's name and the time.
    #[oai(default)]
    pub categories: Vec<ElderCategory>,
}

#[derive(Object)]
pub struct SelfRegistrationRequest {
    /// As on the ID card.
    #[oai(validator(
        max_length = 32,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub name: String,
    pub id_card: IdCardText,
    #[oai(validator(pattern = r"^[A-Za-z0-9-]{1,20}$"))]
    pub hukou_district_code: String,
    #[oai(validator(pattern = r"^[A-Za-z0-9-]{1,20}$"))]
    pub residence_district_code: String,
    pub residence_street_id: Option<i64>,
    #[oai(validator(
        max_length = 128,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub address: String,
    #[oai(validator(max_length = 20, pattern = r"^(1[0-9]{10}|0(-*[0-9]){9,11}-*)$"))]
    pub phone: String,
}

/// Changes to an elder record; fields left out stay as they are. The ID-card number cannot be
/// changed (a wrong number means a wrong person: register the right one).
#[derive(Object)]
pub struct ElderPatch {
    #[oai(validator(
        max_length = 32,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub name: Option<String>,
    #[oai(validator(pattern = r"^[A-Za-z0-9-]{1,20}$"))]
    pub hukou_district_code: Option<String>,
    #[oai(validator(pattern = r"^[A-Za-z0-9-]{1,20}$"))]
    pub residence_district_code: Option<String>,
    /// `null` clears the street.
    pub residence_street_id: MaybeUndefined<i64>,
    #[oai(validator(
        max_length = 128,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub address: Option<String>,
    #[oai(validator(max_length = 20, pattern = r"^(1[0-9]{10}|0(-*[0-9]){9,11}-*)$"))]
    pub phone: Option<String>,
}

#[derive(Object)]
pub struct Rejection {
    /// Shown to the person who asked, e.g. 户籍信息与身份证不符.
    #[oai(validator(max_length = 200, pattern = r"\S[\s\S]*\S"))]
    pub reason: String,
}

#[derive(Object)]
pub struct CategoryRequest {
    pub category: ElderCategory,
}

#[derive(Object)]
pub struct IdCardLookup {
    pub id_card: IdCardText,
}

// `Deserialize`: typed clients (and the tests) read it back.
#[derive(Object, Debug, serde::Deserialize)]
pub struct CategoryView {
    pub category: ElderCategory,
    /// e.g. 低保
    pub label: String,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct CategoryHistoryView {
    pub category: ElderCategory,
    pub label: String,
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub removed_by: Option<i64>,
    #[oai(skip_serializing_if_is_none)]
    pub removed_at: Option<DateTime<Utc>>,
}

// `Deserialize`: typed clients (and the tests) read it back.
#[derive(Object, Debug, serde::Deserialize)]
pub struct ElderView {
    pub id: i64,
    pub name: String,
    /// e.g. `3204************34`: the first four and the last two characters; the full number is
    /// never shown.
    pub id_card_masked: String,
    /// The year of birth (the date stays inside the service: with the masked number beside it, a
    /// full date would leave too little of the number to guess).
    pub birth_year: i32,
    /// Age in full years today.
    pub age: u32,
    /// Read from the ID-card number.
    pub sex: Sex,
    pub hukou_district_code: String,
    pub residence_district_code: String,
    #[oai(skip_serializing_if_is_none)]
    pub residence_street_id: Option<i64>,
    pub address: String,
    pub phone: String,
    pub status: ElderStatus,
    /// The clerk's reason when a self-registration was rejected.
    #[oai(skip_serializing_if_is_none)]
    pub review_note: Option<String>,
    /// The elder signs in to the mini program themselves.
    pub has_own_account: bool,
    /// Current categories.
    pub categories: Vec<CategoryView>,
    pub created_at: DateTime<Utc>,
}

#[derive(Object)]
pub struct ElderPage {
    pub items: Vec<ElderView>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

/// How the signed-in account is related to an elder in `/me/elders`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Enum)]
#[oai(rename_all = "snake_case", rename = "ElderRelation")]
pub enum ElderRelation {
    /// The account is the elder's own.
    Own,
    /// An approved family link.
    Family,
}

#[derive(Object)]
pub struct MyElderView {
    pub relation: ElderRelation,
    /// The family link, for `family`.
    #[oai(skip_serializing_if_is_none)]
    pub link_id: Option<i64>,
    #[oai(skip_serializing_if_is_none)]
    pub relationship: Option<String>,
    pub elder: ElderView,
}

#[derive(Object)]
pub struct LinkRequest {
    /// The elder's ID-card number and name, exactly as on the card.
    pub id_card: IdCardText,
    #[oai(validator(
        max_length = 32,
        pattern = r"^[^\x00-\x1F\x7F-\x9F]*[^\s\x00-\x1F\x7F-\x9F][^\x00-\x1F\x7F-\x9F]*$"
    ))]
    pub name: String,
    /// How you are related (女儿, 儿子 …); optional.
    #[oai(validator(max_length = 16, pattern = r"^[^\x00-\x1F\x7F-\x9F]*$"))]
    pub relationship: Option<String>,
}

#[derive(Object)]
pub struct LinkView {
    pub id: i64,
    pub elder_id: i64,
    pub elder_name: String,
    pub elder_id_card_masked: String,
    pub family_account_id: i64,
    pub family_display_name: String,
    #[oai(skip_serializing_if_is_none)]
    pub relationship: Option<String>,
    pub status: LinkStatus,
    pub requested_at: DateTime<Utc>,
    #[oai(skip_serializing_if_is_none)]
    pub decided_at: Option<DateTime<Utc>>,
    /// The reason given when a request was rejected.
    #[oai(skip_serializing_if_is_none)]
    pub decision_note: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub unlinked_at: Option<DateTime<Utc>>,
}

#[derive(Object)]
pub struct LinkPage {
    pub items: Vec<LinkView>,
    pub total: u64,
    pub page: u64,
    pub page_size: u64,
}

// ---------------------------------------------------------------------------------------------
// Elders
// ---------------------------------------------------------------------------------------------

/// The registration a request asks for (staff's and the elder's own requests carry the same
/// fields): the name and the ID-card number read here, the rest checked by the service.
macro_rules! registration {
    ($body:ident, $today:expr) => {
        service::Registration {
            name: rules::check_name("name", &$body.name)?,
            id_card: $body.id_card.parse($today)?,
            hukou_district_code: $body.hukou_district_code,
            residence_district_code: $body.residence_district_code,
            residence_street_id: $body.residence_street_id,
            address: $body.address,
            phone: $body.phone,
        }
    };
}

#[OpenApi(tag = "ApiTags::Elders")]
impl EldersApi {
    /// Register an elder (community staff; a district clerk stands in for them).
    ///
    /// The ID-card number is checked (18 characters, birth date, check character; a bad one is
    /// refused naming the field `id_card`), birth date and sex are read from it, and it is
    /// stored encrypted. A number already registered is refused with 409
    /// `ELDER_ALREADY_REGISTERED`. A clerk registers elders whose hukou or residence district
    /// is the clerk's own (人户分离 elders from either side).
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders", method = "post")]
    async fn create(
        &self,
        auth: BearerAuth,
        body: Json<NewElderRequest>,
    ) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let body = body.0;
        let ask = registration!(body, self.state.clock.today());
        let registrant = service::Registrant::Staff {
            caller,
            categories: body.categories,
        };
        let elder = service::register(&self.state, registrant, ask).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// Register yourself as an elder from the mini program.
    ///
    /// The record waits for review (`pending_review`) by a clerk of the residence (or hukou)
    /// district; once approved, this account becomes the elder's own account. A rejected
    /// registration may be corrected and sent again with this same call.
    ///
    /// Roles: family.
    #[oai(path = "/elders/self-registration", method = "post")]
    async fn register_self(
        &self,
        auth: BearerAuth,
        body: Json<SelfRegistrationRequest>,
    ) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[Role::Family])?;
        let body = body.0;
        let ask = registration!(body, self.state.clock.today());
        let registrant = service::Registrant::Themselves { caller };
        let elder = service::register(&self.state, registrant, ask).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// Elders on the caller's books, newest first: a clerk's are those whose hukou or residence
    /// district is the clerk's; the city admin sees all. `status=pending_review` is the review
    /// queue of self-registrations; `name` finds elders whose name contains it (to find one by
    /// ID-card number, use `POST /elders/find-by-id-card`).
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        status: Query<Option<ElderStatus>>,
        district_code: Query<Option<String>>,
        name: Query<Option<String>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<ElderPage>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let request = PageRequest::new(page.0, page_size.0)?;
        let name = name
            .0
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty());
        if name.as_ref().is_some_and(|n| n.chars().count() > 32) {
            return Err(AppError::invalid(
                "name",
                "NAME_INVALID",
                "按姓名查找最多输入 32 个字",
            ));
        }
        let filter = ElderFilter {
            status: status.0,
            district_code: district_code.0,
            name,
        };
        let (elders, total) = service::list(&self.state, caller, &filter, request).await?;
        let today = self.state.clock.today();
        Ok(Json(ElderPage {
            items: elders.into_iter().map(|e| elder_view(e, today)).collect(),
            total,
            page: request.page,
            page_size: request.page_size,
        }))
    }

    /// Find an elder by ID-card number (in the body, so the number stays out of URLs and logs).
    ///
    /// 404 `ELDER_NOT_FOUND` when there is none or it is outside the clerk's districts.
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders/find-by-id-card", method = "post")]
    async fn find_by_id_card(
        &self,
        auth: BearerAuth,
        body: Json<IdCardLookup>,
    ) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let id_card = body.0.id_card.parse(self.state.clock.today())?;
        let elder = service::find_by_id_card(&self.state, caller, &id_card).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// One elder's record.
    ///
    /// Visible to the elder themselves, an approved family member, a clerk of the elder's hukou
    /// or residence district and the city admin; anyone else gets 404 `ELDER_NOT_FOUND`, as for
    /// an elder that does not exist.
    ///
    /// Roles: elder, family, district_clerk, city_admin.
    #[oai(path = "/elders/:id", method = "get")]
    async fn get(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[
            Role::Elder,
            Role::Family,
            Role::DistrictClerk,
            Role::CityAdmin,
        ])?;
        let elder = service::get(&self.state, caller, id.0).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// Correct an elder's record (name, districts, street, address, phone).
    ///
    /// A clerk's change must leave the elder in one of the clerk's districts; moving an elder
    /// wholly to other districts is for the city admin.
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders/:id", method = "patch")]
    async fn update(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<ElderPatch>,
    ) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let body = body.0;
        let edit = ElderChanges {
            name: body.name,
            hukou_district_code: body.hukou_district_code,
            residence_district_code: body.residence_district_code,
            residence_street_id: match body.residence_street_id {
                MaybeUndefined::Value(street) => Some(Some(street)),
                MaybeUndefined::Null => Some(None),
                MaybeUndefined::Undefined => None,
            },
            address: body.address,
            phone: body.phone,
        };
        let elder = service::update(&self.state, caller, id.0, edit).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// Approve a self-registration: the record becomes active and the registrant's account
    /// becomes the elder's own (role `elder`).
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders/:id/approve", method = "post")]
    async fn approve(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let elder = service::approve(&self.state, caller, id.0).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// Reject a self-registration with a reason the registrant sees. They may correct it and
    /// register again.
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders/:id/reject", method = "post")]
    async fn reject(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<Rejection>,
    ) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let reason = rules::check_reason(&body.reason)?;
        let elder = service::reject(&self.state, caller, id.0, reason).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// Record an eligibility category on an elder (who and when are kept).
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders/:id/categories", method = "post")]
    async fn add_category(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<CategoryRequest>,
    ) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let elder = service::set_category(&self.state, caller, id.0, body.0.category, true).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// Remove an eligibility category; the record of it (who recorded and who removed it, and
    /// when) stays in the history.
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders/:id/categories/:category", method = "delete")]
    async fn remove_category(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        category: Path<ElderCategory>,
    ) -> AppResult<Json<ElderView>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let elder = service::set_category(&self.state, caller, id.0, category.0, false).await?;
        Ok(Json(self.elder_view(elder)))
    }

    /// Every category ever recorded on the elder, removed ones included, oldest first.
    ///
    /// Roles: district_clerk, city_admin.
    #[oai(path = "/elders/:id/category-history", method = "get")]
    async fn category_history(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> AppResult<Json<Vec<CategoryHistoryView>>> {
        let caller = auth.allow(&[Role::DistrictClerk, Role::CityAdmin])?;
        let rows = service::category_history(&self.state, caller, id.0).await?;
        Ok(Json(
            rows.into_iter()
                .map(|row| {
                    let category = row.category;
                    CategoryHistoryView {
                        category,
                        label: category.label_zh().to_string(),
                        recorded_by: row.recorded_by,
                        recorded_at: row.recorded_at,
                        removed_by: row.removed_by,
                        removed_at: row.removed_at,
                    }
                })
                .collect(),
        ))
    }

    /// The elders the signed-in account may act for: its own record (any status, so a
    /// self-registrant sees the review result) and the elders it is an approved family member of.
    ///
    /// Roles: elder, family.
    #[oai(path = "/me/elders", method = "get")]
    async fn my_elders(&self, auth: BearerAuth) -> AppResult<Json<Vec<MyElderView>>> {
        let caller = auth.allow(&[Role::Elder, Role::Family])?;
        let pairs = service::elders_of_account(&self.state, caller).await?;
        let today = self.state.clock.today();
        Ok(Json(
            pairs
                .into_iter()
                .map(|(elder, link)| MyElderView {
                    relation: if link.is_some() {
                        ElderRelation::Family
                    } else {
                        ElderRelation::Own
                    },
                    link_id: link.as_ref().map(|l| l.id),
                    relationship: link.and_then(|l| l.relationship),
                    elder: elder_view(elder, today),
                })
                .collect(),
        ))
    }
}

impl EldersApi {
    fn elder_view(&self, record: ElderRecord) -> ElderView {
        elder_view(record, self.state.clock.today())
    }
}

fn elder_view(record: ElderRecord, today: NaiveDate) -> ElderView {
    let ElderRecord { elder, categories } = record;
    ElderView {
        id: elder.id,
        age: rules::age_on(elder.birth_date, today),
        name: elder.name,
        id_card_masked: elder.id_card_masked,
        birth_year: elder.birth_date.year(),
        sex: elder.sex,
        hukou_district_code: elder.hukou_district_code,
        residence_district_code: elder.residence_district_code,
        residence_street_id: elder.residence_street_id,
        address: elder.address,
        phone: elder.phone,
        status: elder.status,
        review_note: elder.review_note,
        has_own_account: elder.account_id.is_some(),
        categories: categories
            .iter()
            .map(|row| {
                let category = row.category;
                CategoryView {
                    category,
                    label: category.label_zh().to_string(),
                    recorded_by: row.recorded_by,
                    recorded_at: row.recorded_at,
                }
            })
            .collect(),
        created_at: elder.created_at,
    }
}

// ---------------------------------------------------------------------------------------------
// Family links
// ---------------------------------------------------------------------------------------------

#[OpenApi(tag = "ApiTags::Families")]
impl FamiliesApi {
    /// Ask to link to an elder as a family member (家属), naming the elder by ID-card number and
    /// name exactly as on the card.
    ///
    /// A number and name that do not match a registered elder get 404 `FAMILY_LINK_NO_MATCH`,
    /// whether the number is unknown or the name is wrong: the answer never tells which. The
    /// link waits for the elder (from their own account) or a clerk of the elder's district.
    ///
    /// Roles: family, elder.
    #[oai(path = "/family-links", method = "post")]
    async fn request(
        &self,
        auth: BearerAuth,
        body: Json<LinkRequest>,
    ) -> AppResult<Json<LinkView>> {
        let caller = auth.allow(&[Role::Family, Role::Elder])?;
        let body = body.0;
        let ask = service::LinkAsk {
            id_card: body.id_card.parse(self.state.clock.today())?,
            name: &rules::check_name("name", &body.name)?,
            relationship: rules::check_relationship(body.relationship.as_deref())?,
        };
        let link = service::request_link(&self.state, caller, ask).await?;
        Ok(Json(link_view(link)))
    }

    /// Family links the caller is a party to, newest first: a family member's own requests, the
    /// links to an elder's own record, the links of elders in a clerk's districts, or all for the
    /// city admin. `status=pending` is the queue to approve.
    ///
    /// Roles: family, elder, district_clerk, city_admin.
    #[oai(path = "/family-links", method = "get")]
    async fn list(
        &self,
        auth: BearerAuth,
        elder_id: Query<Option<i64>>,
        status: Query<Option<LinkStatus>>,
        page: Query<Option<u64>>,
        page_size: Query<Option<u64>>,
    ) -> AppResult<Json<LinkPage>> {
        let caller = auth.allow(&[
            Role::Family,
            Role::Elder,
            Role::DistrictClerk,
            Role::CityAdmin,
        ])?;
        let request = PageRequest::new(page.0, page_size.0)?;
        let filter = LinkFilter {
            elder_id: elder_id.0,
            status: status.0,
        };
        let (links, total) = service::list_links(&self.state, caller, &filter, request).await?;
        Ok(Json(LinkPage {
            items: links.into_iter().map(link_view).collect(),
            total,
            page: request.page,
            page_size: request.page_size,
        }))
    }

    /// Approve a pending link: from then on the family member may act for the elder.
    ///
    /// Roles: elder, district_clerk, city_admin (the elder from their own account, or a clerk of
    /// the elder's hukou or residence district).
    #[oai(path = "/family-links/:id/approve", method = "post")]
    async fn approve(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<LinkView>> {
        let caller = auth.allow(&[Role::Elder, Role::DistrictClerk, Role::CityAdmin])?;
        let link =
            service::decide_link(&self.state, caller, id.0, LinkStatus::Approved, None).await?;
        Ok(Json(link_view(link)))
    }

    /// Reject a pending link, with a reason the family member sees.
    ///
    /// Roles: elder, district_clerk, city_admin.
    #[oai(path = "/family-links/:id/reject", method = "post")]
    async fn reject(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<Rejection>,
    ) -> AppResult<Json<LinkView>> {
        let caller = auth.allow(&[Role::Elder, Role::DistrictClerk, Role::CityAdmin])?;
        let reason = rules::check_reason(&body.reason)?;
        let link = service::decide_link(
            &self.state,
            caller,
            id.0,
            LinkStatus::Rejected,
            Some(reason),
        )
        .await?;
        Ok(Json(link_view(link)))
    }

    /// End a link (or withdraw a pending request), from either side: the family member, the
    /// elder, or a clerk of the elder's district. The link stays in the history as `unlinked`.
    ///
    /// Roles: family, elder, district_clerk, city_admin.
    #[oai(path = "/family-links/:id", method = "delete")]
    async fn unlink(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<LinkView>> {
        let caller = auth.allow(&[
            Role::Family,
            Role::Elder,
            Role::DistrictClerk,
            Role::CityAdmin,
        ])?;
        let link = service::unlink(&self.state, caller, id.0).await?;
        Ok(Json(link_view(link)))
    }
}

fn link_view(record: LinkRecord) -> LinkView {
    let LinkRecord {
        link,
        elder,
        family_display_name,
    } = record;
    LinkView {
        id: link.id,
        elder_id: link.elder_id,
        elder_name: elder.name,
        elder_id_card_masked: elder.id_card_masked,
        family_account_id: link.family_account_id,
        family_display_name,
        relationship: link.relationship,
        status: link.status,
        requested_at: link.requested_at,
        decided_at: link.decided_at,
        decision_note: link.decision_note,
        unlinked_at: link.unlinked_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RAW: &str = "11010519491231002X";

    #[test]
    fn an_id_card_in_a_request_never_prints() {
        let text = IdCardText(RAW.to_string());
        assert_eq!(format!("{text:?}"), "IdCardText(***)");
        assert_eq!(text.to_json(), Some(Value::String("***".into())));
        let err = IdCardText::parse_from_json(Some(serde_json::json!(110105194912310021u64)))
            .expect_err("a number is refused");
        assert!(
            !err.message().contains("110105194912310021"),
            "{}",
            err.message()
        );
    }

    #[test]
    fn a_bad_id_card_is_refused_naming_the_field_without_the_digits() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 23).unwrap();
        let err = IdCardText("110105194912310021".into())
            .parse(today)
            .unwrap_err();
        assert_eq!(err.field.as_deref(), Some("id_card"));
        assert_eq!(err.code, "ID_CARD_CHECKSUM");
        for text in [err.to_string(), format!("{err:?}")] {
            assert!(!text.contains("110105194912310021"), "{text}");
        }
        let ok = IdCardText(RAW.into()).parse(today).unwrap();
        assert_eq!(format!("{ok:?}"), "IdCardNumber(\"1101************2X\")");
    }
}
