//! Subscriptions over HTTP: which templates the mini program asks for where, and its report of
//! what `wx.requestSubscribeMessage` answered.

use std::collections::BTreeMap;

use poem_openapi::{Object, OpenApi, payload::Json};

use super::service;
use crate::{
    auth::{BearerAuth, Caller, Role},
    error::AppResult,
    state::AppState,
    tags::ApiTags,
};
use vocabulary::{NoticeKind, SubscribeAnswer};

pub struct NoticesApi {
    pub state: AppState,
}

/// Those who sign in with WeChat and get messages.
const SUBSCRIBERS: [Role; 2] = [Role::Elder, Role::Family];

#[derive(Object)]
struct Subscriptions {
    /// Every template, with how many more messages of it this account accepted.
    templates: Vec<TemplateQuota>,
    /// Ask for these on the booking screen (at most 3, as WeChat allows per request).
    booking_screen: Vec<String>,
    /// Ask for these on the complaint screen.
    complaint_screen: Vec<String>,
}

#[derive(Object)]
struct TemplateQuota {
    kind: NoticeKind,
    kind_label: String,
    template_id: String,
    /// One-time subscriptions left: each accepted request allows one message.
    remaining: i32,
}

#[derive(Object)]
struct SubscribeReport {
    /// What `wx.requestSubscribeMessage` answered, per template id (1 to 3).
    #[oai(validator(min_items = 1, max_items = 3))]
    answers: Vec<TemplateAnswer>,
}

#[derive(Object)]
struct TemplateAnswer {
    #[oai(validator(min_length = 1, max_length = 64))]
    template_id: String,
    answer: SubscribeAnswer,
}

#[OpenApi(tag = "ApiTags::Notices")]
impl NoticesApi {
    /// My subscriptions to WeChat messages, and the templates to ask for on each screen.
    ///
    /// Roles: elder, family.
    #[oai(path = "/me/notice-subscriptions", method = "get")]
    async fn mine(&self, auth: BearerAuth) -> AppResult<Json<Subscriptions>> {
        let caller = auth.allow(&SUBSCRIBERS)?;
        let quotas = service::quotas(&self.state, caller.account_id).await?;
        Ok(Json(self.subscriptions(caller, &quotas)))
    }

    /// Report what `wx.requestSubscribeMessage` answered: each accepted template allows one
    /// more message. Unknown template ids refuse the whole report.
    ///
    /// Roles: elder, family.
    #[oai(path = "/me/notice-subscriptions", method = "post")]
    async fn report(
        &self,
        auth: BearerAuth,
        body: Json<SubscribeReport>,
    ) -> AppResult<Json<Subscriptions>> {
        let caller = auth.allow(&SUBSCRIBERS)?;
        let answers: Vec<(String, SubscribeAnswer)> = body
            .0
            .answers
            .into_iter()
            .map(|a| (a.template_id, a.answer))
            .collect();
        let quotas = service::report(&self.state, caller.account_id, &answers).await?;
        Ok(Json(self.subscriptions(caller, &quotas)))
    }
}

impl NoticesApi {
    /// The templates with the account's quotas, and which to ask for on each screen.
    fn subscriptions(&self, caller: &Caller, quotas: &BTreeMap<String, i32>) -> Subscriptions {
        let templates = &self.state.config.notices.templates;
        let id_of = |kind: NoticeKind| templates.get(&kind).cloned().unwrap_or_default();
        let booking = match caller.role {
            // The family hears of the elder's missed lunch; the elder of the reminder.
            Role::Family => [
                NoticeKind::BookingConfirmed,
                NoticeKind::NoShowAlert,
                NoticeKind::ClosureCancelled,
            ],
            _ => [
                NoticeKind::BookingConfirmed,
                NoticeKind::SlotReminder,
                NoticeKind::ClosureCancelled,
            ],
        };
        Subscriptions {
            templates: templates
                .iter()
                .map(|(&kind, id)| TemplateQuota {
                    kind,
                    kind_label: kind.label_zh().to_string(),
                    template_id: id.clone(),
                    remaining: quotas.get(id).copied().unwrap_or(0),
                })
                .collect(),
            booking_screen: booking.into_iter().map(id_of).collect(),
            complaint_screen: vec![
                id_of(NoticeKind::ComplaintStep),
                id_of(NoticeKind::RatingReply),
            ],
        }
    }
}
