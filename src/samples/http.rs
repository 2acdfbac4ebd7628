//! The 留样 log over HTTP.

use chrono::{DateTime, NaiveDate, Utc};
use poem_openapi::{
    Object, OpenApi,
    param::{Path, Query},
    payload::Json,
};

use super::{
    rules::{self, SampleEntry},
    service::{self, LogLine},
    store::SampleKey,
};
use crate::{
    auth::{BearerAuth, Role},
    error::AppResult,
    state::AppState,
    tags::ApiTags,
};
use vocabulary::Slot;

pub struct SamplesApi {
    pub state: AppState,
}

/// One dish of one slot of the day.
#[derive(Object, Debug, serde::Deserialize)]
pub struct SampleEntryView {
    pub slot: Slot,
    pub slot_label: String,
    pub dish_id: i64,
    pub dish_name: String,
    /// Whether the operator has written this dish's entry.
    pub recorded: bool,
    /// A sample was kept; absent until recorded.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub kept: Option<bool>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub kept_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub photo_url: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub discarded_at: Option<DateTime<Utc>>,
    /// The earliest a kept sample may be discarded (kept + 48 h).
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub discard_from: Option<DateTime<Utc>>,
}

fn entry_view(line: &LogLine) -> SampleEntryView {
    let sample = line.sample.as_ref();
    SampleEntryView {
        slot: line.slot,
        slot_label: line.slot.label_zh().to_owned(),
        dish_id: line.dish_id,
        dish_name: line.dish_name.clone(),
        recorded: sample.is_some(),
        kept: sample.map(|s| s.kept),
        kept_at: sample.and_then(|s| s.kept_at),
        photo_url: sample.and_then(|s| s.photo_url.clone()),
        discarded_at: sample.and_then(|s| s.discarded_at),
        discard_from: sample.and_then(|s| s.kept_at).map(rules::discard_from),
    }
}

/// The day's counts.
#[derive(Object, Debug, serde::Deserialize)]
pub struct SampleSummary {
    /// Dishes of the day (one per dish and slot).
    pub dishes: u32,
    pub recorded: u32,
    pub kept: u32,
    pub discarded: u32,
}

/// A meal point's 留样 log of one day.
#[derive(Object, Debug, serde::Deserialize)]
pub struct SampleLog {
    pub meal_point_id: i64,
    pub meal_point_name: String,
    pub date: NaiveDate,
    /// How long a sample must be kept before it may be discarded.
    pub retention_hours: i64,
    pub summary: SampleSummary,
    /// Slot by slot, dishes by name.
    pub entries: Vec<SampleEntryView>,
}

/// One dish's entry of a day.
#[derive(Object)]
pub struct SampleInput {
    pub date: NaiveDate,
    pub slot: Slot,
    /// A dish on that day's menu for that slot.
    pub dish_id: i64,
    pub kept: bool,
    /// Required when kept: on the meal's day, not in the future.
    pub kept_at: Option<DateTime<Utc>>,
    /// An `https://` (or `http://`) address of the photo, at most 500 characters.
    pub photo_url: Option<String>,
    /// When the sample was discarded: not before `kept_at` + 48 h (409
    /// `SAMPLE_DISCARD_TOO_EARLY`), not in the future. A discarded entry is final.
    pub discarded_at: Option<DateTime<Utc>>,
}

#[OpenApi(tag = "ApiTags::Supervision")]
impl SamplesApi {
    /// A meal point's 留样 log of one day (default today): every dish published that day, slot
    /// by slot, with what the operator recorded.
    ///
    /// Roles: operator (their meal points), inspector, district_clerk (their district),
    /// city_admin.
    #[oai(path = "/meal-points/:id/samples", method = "get")]
    async fn log(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        date: Query<Option<NaiveDate>>,
    ) -> AppResult<Json<SampleLog>> {
        let caller = auth.allow(&[
            Role::Operator,
            Role::Inspector,
            Role::DistrictClerk,
            Role::CityAdmin,
        ])?;
        let date = crate::clock::check_business_date(
            "date",
            date.0.unwrap_or_else(|| self.state.clock.today()),
        )?;
        let (meal_point, lines) = service::day_log(&self.state, caller, *id, date).await?;
        let entries: Vec<SampleEntryView> = lines.iter().map(entry_view).collect();
        let count =
            |f: fn(&SampleEntryView) -> bool| entries.iter().filter(|e| f(e)).count() as u32;
        let summary = SampleSummary {
            dishes: entries.len() as u32,
            recorded: count(|e| e.recorded),
            kept: count(|e| e.kept == Some(true)),
            discarded: count(|e| e.discarded_at.is_some()),
        };
        Ok(Json(SampleLog {
            meal_point_id: meal_point.id,
            meal_point_name: meal_point.name,
            date,
            retention_hours: rules::RETENTION.num_hours(),
            summary,
            entries,
        }))
    }

    /// Record one dish's 留样 of a day (today or the seven days before): kept or not, when, a
    /// photo, and later when it was discarded.
    ///
    /// Roles: operator (their meal points only).
    #[oai(path = "/meal-points/:id/samples", method = "put")]
    async fn write(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<SampleInput>,
    ) -> AppResult<Json<SampleEntryView>> {
        let caller = auth.allow(&[Role::Operator])?;
        let body = body.0;
        let date = crate::clock::check_business_date("date", body.date)?;
        let key = SampleKey {
            meal_point_id: *id,
            date,
            slot: body.slot,
            dish_id: body.dish_id,
        };
        let entry = SampleEntry {
            kept: body.kept,
            kept_at: body.kept_at,
            photo_url: body.photo_url,
            discarded_at: body.discarded_at,
        };
        let line = service::write(&self.state, caller, key, entry).await?;
        Ok(Json(entry_view(&line)))
    }
}
