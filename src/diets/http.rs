//! Diets and allergens over HTTP: an elder's profile, and how a meal point's dishes fit it.

use chrono::{DateTime, Utc};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{rules::Fit, service, store::Profile};
use crate::{
    auth::{BearerAuth, Role},
    error::AppResult,
    state::AppState,
    tags::ApiTags,
};
use vocabulary::{Allergen, Diet};

pub struct DietsApi {
    pub state: AppState,
}

/// Who may read and keep a profile: the elder, approved family, clerks of the elder's districts
/// and the city admin (each only elders they may see).
const KEEPERS: [Role; 4] = [
    Role::Elder,
    Role::Family,
    Role::DistrictClerk,
    Role::CityAdmin,
];

#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct DietLabel {
    pub code: Diet,
    pub label: String,
}

#[derive(Object, Debug, Clone, serde::Deserialize)]
pub struct AllergenLabel {
    pub code: Allergen,
    pub label: String,
}

fn diet_labels(diets: &[Diet]) -> Vec<DietLabel> {
    diets
        .iter()
        .map(|&code| DietLabel {
            code,
            label: code.label_zh().to_owned(),
        })
        .collect()
}

fn allergen_labels(allergens: &[Allergen]) -> Vec<AllergenLabel> {
    allergens
        .iter()
        .map(|&code| AllergenLabel {
            code,
            label: code.label_zh().to_owned(),
        })
        .collect()
}

/// An elder's diets and allergens (膳食与过敏).
#[derive(Object, Debug, serde::Deserialize)]
pub struct DietProfileView {
    pub elder_id: i64,
    pub diets: Vec<DietLabel>,
    pub allergens: Vec<AllergenLabel>,
    /// When it was last saved; absent when it never was.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub updated_at: Option<DateTime<Utc>>,
}

fn profile_view(elder_id: i64, profile: &Profile) -> DietProfileView {
    DietProfileView {
        elder_id,
        diets: diet_labels(&profile.diets),
        allergens: allergen_labels(&profile.allergens),
        updated_at: profile.updated_at,
    }
}

/// The whole profile, replacing what was kept (send empty lists to clear it). A value sent twice
/// is kept once.
#[derive(Object)]
pub struct DietProfileInput {
    pub diets: Vec<Diet>,
    pub allergens: Vec<Allergen>,
}

/// How one dish fits the elder.
#[derive(Object, Debug, serde::Deserialize)]
pub struct DishFitView {
    pub dish_id: i64,
    pub dish_name: String,
    /// Meets every diet on the profile (at least one) and contains none of its allergens.
    pub suitable: bool,
    /// The elder's diets the dish meets, and those it does not.
    pub met: Vec<DietLabel>,
    pub unmet: Vec<DietLabel>,
    /// The elder's allergens the dish contains: booking it needs `allergen_acknowledged`.
    pub allergens: Vec<AllergenLabel>,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct DishFitList {
    pub profile: DietProfileView,
    /// The meal point's dishes on sale: suitable first, dishes with a listed allergen last.
    pub dishes: Vec<DishFitView>,
}

fn fit_view(dish: &entity::dish::Model, fit: &Fit) -> DishFitView {
    DishFitView {
        dish_id: dish.id,
        dish_name: dish.name.clone(),
        suitable: fit.suitable(),
        met: diet_labels(&fit.met),
        unmet: diet_labels(&fit.unmet),
        allergens: allergen_labels(&fit.allergens),
    }
}

#[OpenApi(tag = "ApiTags::Elders")]
impl DietsApi {
    /// Diets (低盐, 低糖/糖尿病, 软烂, 清真, 素食) with their Chinese labels.
    ///
    /// Public.
    #[oai(path = "/diets", method = "get")]
    async fn diets(&self) -> Json<Vec<DietLabel>> {
        Json(diet_labels(Diet::ALL))
    }

    /// An elder's diets and allergens.
    ///
    /// Roles: elder, family, district_clerk, city_admin (only elders they may see; others 404).
    #[oai(path = "/elders/:id/diet", method = "get")]
    async fn profile(&self, auth: BearerAuth, id: Path<i64>) -> AppResult<Json<DietProfileView>> {
        let caller = auth.allow(&KEEPERS)?;
        let profile = service::profile(&self.state, caller, *id).await?;
        Ok(Json(profile_view(*id, &profile)))
    }

    /// Keep an elder's diets and allergens (the whole profile at once).
    ///
    /// Roles: elder, family, district_clerk, city_admin (only elders they may see; others 404).
    #[oai(path = "/elders/:id/diet", method = "put")]
    async fn keep(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<DietProfileInput>,
    ) -> AppResult<Json<DietProfileView>> {
        let caller = auth.allow(&KEEPERS)?;
        let body = body.0;
        let profile = service::keep(&self.state, caller, *id, body.diets, body.allergens).await?;
        Ok(Json(profile_view(*id, &profile)))
    }

    /// How a meal point's dishes on sale fit an elder's diets and allergens: suitable dishes
    /// first, dishes with a listed allergen last.
    ///
    /// Roles: elder, family, district_clerk, city_admin (only elders they may see; others 404).
    #[oai(path = "/elders/:id/dish-fit", method = "get")]
    async fn dish_fit(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        meal_point_id: Query<i64>,
    ) -> AppResult<Json<DishFitList>> {
        let caller = auth.allow(&KEEPERS)?;
        let (profile, fitted) = service::dish_fit(&self.state, caller, *id, *meal_point_id).await?;
        Ok(Json(DishFitList {
            profile: profile_view(*id, &profile),
            dishes: fitted.iter().map(|(d, f)| fit_view(d, f)).collect(),
        }))
    }
}
