//! Paying the elder's share over HTTP: start a payment (the mini program's `wx.requestPayment`
//! parameters), read an order's money, an operator's refund, the share paid at the counter, a
//! meal point's payment methods.

use chrono::{DateTime, Utc};
use poem_openapi::{ApiResponse, Object, OpenApi, param::Path, payload::Json};
use vocabulary::{CounterMethod, PayEventKind, PaymentMethods, PaymentState, RefundState};

use super::{error::PaymentError, service};
use crate::{
    auth::{BearerAuth, Role},
    error::{AppError, AppResult},
    money::Yuan,
    state::AppState,
    tags::ApiTags,
};

pub struct PaymentsApi {
    pub state: AppState,
}

/// What `wx.requestPayment` takes, as WeChat names it.
#[derive(Object, Debug, serde::Deserialize)]
pub struct RequestPaymentView {
    #[oai(rename = "appId")]
    #[serde(rename = "appId")]
    pub app_id: String,
    #[oai(rename = "timeStamp")]
    #[serde(rename = "timeStamp")]
    pub time_stamp: String,
    #[oai(rename = "nonceStr")]
    #[serde(rename = "nonceStr")]
    pub nonce_str: String,
    /// `prepay_id=…`
    pub package: String,
    /// `RSA`
    #[oai(rename = "signType")]
    #[serde(rename = "signType")]
    pub sign_type: String,
    /// RSA-SHA256 over `appId\ntimeStamp\nnonceStr\npackage\n`, base64.
    #[oai(rename = "paySign")]
    #[serde(rename = "paySign")]
    pub pay_sign: String,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct PaymentLaunchView {
    pub order_id: String,
    /// 自付金额
    pub amount: Yuan,
    /// Unpaid by then, an online-only booking is cancelled.
    pub expires_at: DateTime<Utc>,
    pub request_payment: RequestPaymentView,
    /// Demo mode only: the fake WeChat Pay's cashier page, for the H5 page in a browser.
    #[oai(skip_serializing_if_is_none)]
    pub confirm_url: Option<String>,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct RefundView {
    pub out_refund_no: String,
    pub amount: Yuan,
    pub reason: String,
    pub state: RefundState,
    pub state_label: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct PaymentEventView {
    pub kind: PayEventKind,
    pub kind_label: String,
    #[oai(skip_serializing_if_is_none)]
    pub http_status: Option<i32>,
    #[oai(skip_serializing_if_is_none)]
    pub request: Option<String>,
    /// As received; a notification's decrypted, verified resource.
    pub response: String,
    pub at: DateTime<Utc>,
}

/// The share paid at the counter, as the operator recorded it.
#[derive(Object, Debug, serde::Deserialize)]
pub struct CounterPaymentView {
    pub method: CounterMethod,
    /// 现金 or 扫码.
    pub method_label: String,
    /// 自付金额 taken.
    pub amount: Yuan,
    /// The operator's account.
    pub recorded_by: i64,
    pub recorded_at: DateTime<Utc>,
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct PaymentView {
    pub order_id: String,
    pub payment_state: PaymentState,
    pub payment_state_label: String,
    /// 自付金额
    pub amount: Yuan,
    #[oai(skip_serializing_if_is_none)]
    pub out_trade_no: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub transaction_id: Option<String>,
    #[oai(skip_serializing_if_is_none)]
    pub paid_at: Option<DateTime<Utc>>,
    #[oai(skip_serializing_if_is_none)]
    pub expires_at: Option<DateTime<Utc>>,
    pub refunds: Vec<RefundView>,
    /// Paid at the counter: how, how much, who took it and when.
    #[oai(skip_serializing_if_is_none)]
    #[serde(default)]
    pub counter_payment: Option<CounterPaymentView>,
    /// Every call to and notification from WeChat Pay (staff only: empty for elders and families).
    #[serde(default)]
    pub events: Vec<PaymentEventView>,
}

#[derive(Object)]
struct RefundRequest {
    /// In yuan, at most two decimals, not beyond what is left to refund.
    amount: Yuan,
    /// At most 80 characters; shown to the elder.
    reason: String,
    /// Made once per refund and sent again on retries: a repeat refunds once.
    client_key: String,
}

#[derive(Object)]
struct CounterPaymentRequest {
    /// `cash` (现金) or `scan` (扫码).
    method: CounterMethod,
}

#[derive(ApiResponse)]
enum CounterPaymentReply {
    /// Recorded: the order's share is paid at the counter.
    #[oai(status = 201)]
    Created(Json<PaymentView>),
    /// Recorded before: the first record, unchanged (nothing written).
    #[oai(status = 200)]
    Repeated(Json<PaymentView>),
}

#[derive(Object, Debug, serde::Deserialize)]
pub struct PaymentMethodsView {
    pub meal_point_id: i64,
    pub methods: PaymentMethods,
    pub methods_label: String,
}

#[derive(Object)]
struct PaymentMethodsChange {
    methods: PaymentMethods,
    /// 子商户号: required for online payment (the money goes to the meal point).
    sub_mchid: Option<String>,
}

#[derive(ApiResponse)]
enum RefundReply {
    /// Asked of WeChat Pay; the refund notification settles it.
    #[oai(status = 202)]
    Accepted(Json<RefundView>),
}

fn refund_view(refund: entity::payment_refund::Model) -> RefundView {
    RefundView {
        out_refund_no: refund.out_refund_no,
        amount: Yuan::from_fen(refund.amount_fen),
        reason: refund.reason,
        state_label: refund.state.label_zh().to_string(),
        state: refund.state,
        created_at: refund.created_at,
    }
}

fn payment_view(trace: service::PaymentTrace) -> PaymentView {
    PaymentView {
        order_id: trace.order.id,
        payment_state_label: trace.order.payment_state.label_zh().to_string(),
        payment_state: trace.order.payment_state,
        amount: Yuan::from_fen(trace.order.elder_share_fen),
        out_trade_no: trace.trade.as_ref().map(|t| t.out_trade_no.clone()),
        transaction_id: trace.trade.as_ref().and_then(|t| t.transaction_id.clone()),
        paid_at: trace
            .trade
            .as_ref()
            .and_then(|t| t.paid_at)
            .or(trace.counter.as_ref().map(|c| c.recorded_at)),
        expires_at: trace.trade.as_ref().map(|t| t.expires_at),
        refunds: trace.refunds.into_iter().map(refund_view).collect(),
        counter_payment: trace.counter.map(|c| CounterPaymentView {
            method_label: c.method.label_zh().to_string(),
            method: c.method,
            amount: Yuan::from_fen(c.amount_fen),
            recorded_by: c.recorded_by,
            recorded_at: c.recorded_at,
        }),
        events: trace
            .events
            .into_iter()
            .map(|e| PaymentEventView {
                kind_label: e.kind.label_zh().to_string(),
                kind: e.kind,
                http_status: e.http_status,
                request: e.request,
                response: e.response,
                at: e.at,
            })
            .collect(),
    }
}

fn refused(err: PaymentError) -> AppError {
    err.into()
}

#[OpenApi(tag = "ApiTags::Payments")]
impl PaymentsApi {
    /// Start paying an order's share (自付) with WeChat Pay.
    ///
    /// Answers the parameters of `wx.requestPayment`, signed; asking again before the payment
    /// time is up answers the same trade. 409 `PAYMENT_NOT_DUE` when nothing is to be paid online,
    /// `PAYMENT_EXPIRED` when the time is up, `ONLINE_PAYMENT_NOT_OFFERED` at a counter-only meal
    /// point; 502 when WeChat Pay cannot be reached (nothing changed).
    ///
    /// Roles: elder, family (only orders they may see).
    #[oai(path = "/orders/:id/payment", method = "post")]
    async fn start(
        &self,
        auth: BearerAuth,
        id: Path<String>,
    ) -> AppResult<Json<PaymentLaunchView>> {
        let caller = auth.allow(&[Role::Elder, Role::Family])?;
        let launch = service::start(&self.state, caller, &id)
            .await
            .map_err(refused)?;
        let params = launch.request_payment;
        Ok(Json(PaymentLaunchView {
            order_id: launch.order.id,
            amount: Yuan::from_fen(launch.order.elder_share_fen),
            expires_at: launch.expires_at,
            request_payment: RequestPaymentView {
                app_id: params.app_id,
                time_stamp: params.time_stamp,
                nonce_str: params.nonce_str,
                package: params.package,
                sign_type: params.sign_type,
                pay_sign: params.pay_sign,
            },
            confirm_url: launch.confirm_url,
        }))
    }

    /// An order's money: how its share stands, its trade, its refunds, and for staff every
    /// exchange with WeChat Pay as it went.
    ///
    /// Roles: elder, family, operator, district_clerk, city_admin (each only the orders they may see).
    #[oai(path = "/orders/:id/payment", method = "get")]
    async fn trace(&self, auth: BearerAuth, id: Path<String>) -> AppResult<Json<PaymentView>> {
        let caller = auth.any_role();
        let trace = service::trace(&self.state, caller, &id)
            .await
            .map_err(refused)?;
        Ok(Json(payment_view(trace)))
    }

    /// Record the elder's share paid at the counter: cash (现金) or a scan (扫码).
    ///
    /// The counter's order of work: verify the pickup (`POST /meal-points/{id}/pickups`, or sign
    /// a delivery), whose answer shows the share still to take (`payment_state` `unpaid`,
    /// 到店付款, with `price.elder_share`); take the money; record it here. Pickup never waits for
    /// the money (the board shows such an order as 待收款 until it is recorded). The order's
    /// `payment_state` becomes `paid_at_counter` and a record of the method, the amount, the
    /// operator and the time is kept (`counter_payment` in `GET /orders/{id}/payment`). Recording
    /// again answers 200 with the first record and writes nothing. An online payment the elder
    /// had started is closed at WeChat Pay first (502 if WeChat Pay cannot be reached; nothing
    /// changed). 409 `PAYMENT_NOT_REQUIRED` (share 0.00), `ALREADY_PAID_ONLINE`,
    /// `COUNTER_PAYMENT_NOT_OFFERED` (the meal point takes the share online only),
    /// `ORDER_CANCELLED`, `ORDER_NOT_SERVED` (not yet verified, or a no-show); 404
    /// `ORDER_NOT_FOUND` for an order of another meal point.
    ///
    /// Roles: operator (of the order's meal point).
    #[oai(path = "/orders/:id/counter-payment", method = "post")]
    async fn counter_payment(
        &self,
        auth: BearerAuth,
        id: Path<String>,
        body: Json<CounterPaymentRequest>,
    ) -> AppResult<CounterPaymentReply> {
        let caller = auth.allow(&[Role::Operator])?;
        let (created, trace) = service::record_at_counter(&self.state, caller, &id, body.method)
            .await
            .map_err(refused)?;
        let view = Json(payment_view(trace));
        Ok(if created {
            CounterPaymentReply::Created(view)
        } else {
            CounterPaymentReply::Repeated(view)
        })
    }

    /// Refund (part of) an order's online payment, with a reason (e.g. a dish was missing).
    ///
    /// A cancelled order is refunded in full by itself; this is the operator's partial refund.
    /// 400 `REFUND_TOO_LARGE` beyond what is left, `REFUND_REASON_REQUIRED`; 409
    /// `NOTHING_TO_REFUND`, `REFUND_IN_PROGRESS`.
    ///
    /// Roles: operator (of the order's meal point).
    #[oai(path = "/orders/:id/refunds", method = "post")]
    async fn refund(
        &self,
        auth: BearerAuth,
        id: Path<String>,
        body: Json<RefundRequest>,
    ) -> AppResult<RefundReply> {
        let caller = auth.allow(&[Role::Operator])?;
        let body = body.0;
        if !body.amount.has_at_most_two_decimals() || body.amount.is_negative() {
            return Err(refused(
                super::rules::PaymentRuleError::RefundNotPositive.into(),
            ));
        }
        let refund = service::refund_by_operator(
            &self.state,
            caller,
            &id,
            body.amount.to_fen(),
            &body.reason,
            &body.client_key,
        )
        .await
        .map_err(refused)?;
        Ok(RefundReply::Accepted(Json(refund_view(refund))))
    }

    /// How a meal point takes the elder's share: online (WeChat Pay), at the counter, or both.
    ///
    /// Roles: anyone signed in.
    #[oai(path = "/meal-points/:id/payment-methods", method = "get")]
    async fn methods(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
    ) -> AppResult<Json<PaymentMethodsView>> {
        let _ = auth.any_role();
        let methods = service::payment_methods(&self.state, *id)
            .await
            .map_err(refused)?;
        Ok(Json(PaymentMethodsView {
            meal_point_id: *id,
            methods_label: methods.label_zh().to_string(),
            methods,
        }))
    }

    /// Set how a meal point takes the elder's share, with its WeChat Pay sub-merchant number
    /// (子商户号) for online payment. 409 `ONLINE_PAYMENT_NOT_OFFERED` for online without one.
    ///
    /// Roles: city_admin.
    #[oai(path = "/meal-points/:id/payment-methods", method = "put")]
    async fn set_methods(
        &self,
        auth: BearerAuth,
        id: Path<i64>,
        body: Json<PaymentMethodsChange>,
    ) -> AppResult<Json<PaymentMethodsView>> {
        auth.allow(&[Role::CityAdmin])?;
        let sub_mchid = body
            .0
            .sub_mchid
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty());
        if sub_mchid
            .as_deref()
            .is_some_and(|s| s.len() > 32 || !s.chars().all(|c| c.is_ascii_digit()))
        {
            return Err(AppError::invalid(
                "sub_mchid",
                "SUB_MCHID_INVALID",
                "子商户号应为不超过 32 位的数字",
            ));
        }
        let row = service::set_methods(&self.state, *id, body.0.methods, sub_mchid)
            .await
            .map_err(refused)?;
        Ok(Json(PaymentMethodsView {
            meal_point_id: row.meal_point_id,
            methods_label: row.methods.label_zh().to_string(),
            methods: row.methods,
        }))
    }
}
