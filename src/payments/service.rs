//! Paying the elder's share through WeChat Pay, and giving it back: starting a payment, reading
//! WeChat Pay's notifications, the sweep that closes lapsed payments (and asks about late
//! notifications), and refunds.
//!
//! Races are settled by guarded updates on the order's `payment_state`: a notification moves it
//! from pending (or unpaid, or closed) to paid; the sweep cancels the booking only while it is
//! still pending (in the same update that cancels the order); a refund starts only from paid.
//! Whichever update moves the row wins, the others find it moved and stand down.

use std::time::Duration as StdDuration;

use chrono::{DateTime, Utc};
use entity::{counter_payment, meal_order, meal_point_payment, payment, payment_refund};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};
use vocabulary::{
    CounterMethod, NoticeKind, OrderState, PayEventKind, PaymentMethods, PaymentState, RefundState,
};

use super::{error::PaymentError, rules, store};
use crate::{
    auth::{Caller, Role},
    error::{AppError, AppResult},
    orders::{self, error::OrderError},
    state::AppState,
    wechat::pay::{
        Exchange, JsapiOrder, NoticeError, PayError, RefundOrder, RequestPayment, Transaction,
    },
};

/// The reason a lapsed booking is cancelled with (shown to the elder).
pub const LAPSED_REASON: &str = "超时未支付，订单已自动取消";

/// How a meal point takes the share (`None`: at the counter), through the hot cache.
pub async fn methods_of(
    state: &AppState,
    meal_point_id: i64,
) -> AppResult<Option<meal_point_payment::Model>> {
    state
        .caches
        .payment_methods
        .get_or_load(meal_point_id, || {
            store::methods_of(&state.db, meal_point_id)
        })
        .await
}

/// How a meal point that exists takes the share (at the counter unless it says otherwise).
pub async fn payment_methods(
    state: &AppState,
    meal_point_id: i64,
) -> Result<PaymentMethods, PaymentError> {
    crate::meal_points::access::require_meal_point(&state.db, meal_point_id).await?;
    Ok(methods_of(state, meal_point_id)
        .await?
        .map(|m| m.methods)
        .unwrap_or(PaymentMethods::Counter))
}

/// The payment state a new order starts in.
pub async fn initial_state(
    state: &AppState,
    meal_point_id: i64,
    elder_share_fen: i64,
) -> AppResult<PaymentState> {
    if elder_share_fen <= 0 {
        return Ok(PaymentState::NotRequired);
    }
    let methods = methods_of(state, meal_point_id).await?;
    Ok(rules::initial_state(
        methods.map(|m| m.methods),
        elder_share_fen,
    ))
}

/// Sets how a meal point takes the share (city admin: the sub-merchant is a contract matter).
pub async fn set_methods(
    state: &AppState,
    meal_point_id: i64,
    methods: PaymentMethods,
    sub_mchid: Option<String>,
) -> Result<meal_point_payment::Model, PaymentError> {
    crate::meal_points::access::require_meal_point(&state.db, meal_point_id).await?;
    if methods.takes_online() && sub_mchid.is_none() {
        return Err(PaymentError::NotOnline);
    }
    let row = meal_point_payment::Model {
        meal_point_id,
        methods,
        sub_mchid,
        updated_at: state.clock.now(),
    };
    store::set_methods(&state.db, row.clone()).await?;
    state.caches.payment_methods.remove(&meal_point_id);
    Ok(row)
}

/// The deadline of an order's online payment.
async fn deadline_of(state: &AppState, order: &meal_order::Model) -> AppResult<DateTime<Utc>> {
    let cutoff = store::cutoff_of(&state.db, &order.id)
        .await?
        .unwrap_or(order.created_at);
    Ok(match order.payment_state {
        PaymentState::Pending => rules::payment_deadline(
            order.created_at,
            state.config.wechat_pay.payment_window,
            cutoff,
        ),
        // A meal point that also takes the counter: online until the cutoff.
        _ => cutoff,
    })
}

/// What the mini program needs to pay: `wx.requestPayment`'s parameters, and in demo mode the
/// fake's confirm page for the H5 page (a browser has no WeChat cashier).
pub struct Launch {
    pub order: meal_order::Model,
    pub expires_at: DateTime<Utc>,
    pub request_payment: RequestPayment,
    pub confirm_url: Option<String>,
}

/// Starts (or resumes) paying an order's share: the elder or a linked family member, in WeChat.
pub async fn start(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
) -> Result<Launch, PaymentError> {
    if !matches!(caller.role, Role::Elder | Role::Family) {
        return Err(PaymentError::PayerRoleForbidden);
    }
    let order = orders::service::visible_order(&state.db, caller, order_id)
        .await
        .map_err(AppError::from)?;
    if order.state != OrderState::Booked {
        return Err(PaymentError::OrderNotBooked);
    }
    let methods = methods_of(state, order.meal_point_id).await?;
    let Some((methods, Some(sub_mchid))) = methods.map(|m| (m.methods, m.sub_mchid)) else {
        return Err(PaymentError::NotOnline);
    };
    let now = state.clock.now();
    let deadline = deadline_of(state, &order).await?;
    rules::check_may_pay(order.payment_state, methods, deadline, now)?;
    let openid = entity::account::Entity::find_by_id(caller.account_id)
        .one(&state.db)
        .await?
        .and_then(|account| account.wechat_openid)
        .ok_or(PaymentError::PayerWithoutWeChat)?;

    let trade = store::insert_trade(
        &state.db,
        payment::Model {
            out_trade_no: rules::out_trade_no(&order.id),
            order_id: order.id.clone(),
            sub_mchid,
            amount_fen: order.elder_share_fen,
            payer_openid: openid,
            prepay_id: None,
            transaction_id: None,
            expires_at: deadline,
            paid_at: None,
            created_at: now,
            updated_at: now,
        },
    )
    .await?;
    let prepay_id = match &trade.prepay_id {
        Some(id) => id.clone(),
        None => {
            let description = format!("助餐自付 {} {}", order.date, order.slot.label_zh());
            let (exchange, outcome) = state
                .pay
                .prepay(&JsapiOrder {
                    sub_mchid: &trade.sub_mchid,
                    description: &description,
                    out_trade_no: &trade.out_trade_no,
                    expires_at: trade.expires_at,
                    amount_fen: trade.amount_fen,
                    payer_openid: &trade.payer_openid,
                })
                .await;
            keep(
                state,
                Some(&order.id),
                &trade.out_trade_no,
                PayEventKind::Prepay,
                None,
                &exchange,
            )
            .await;
            let prepay_id = outcome?;
            store::set_prepay_id(&state.db, &trade.out_trade_no, &prepay_id, now).await?;
            prepay_id
        }
    };
    let confirm_url = (state.config.wechat_pay.api_base.is_none()).then(|| {
        format!(
            "{}/fake/pay/confirm?prepay_id={prepay_id}",
            state.pay.api_base()
        )
    });
    Ok(Launch {
        request_payment: state.pay.request_payment(&prepay_id, now),
        expires_at: trade.expires_at,
        order,
        confirm_url,
    })
}

/// An exchange is kept even when keeping fails the rest of nothing: a lost log line is a
/// warning, never a reason to undo a payment.
async fn keep(
    state: &AppState,
    order_id: Option<&str>,
    out_trade_no: &str,
    kind: PayEventKind,
    notice_id: Option<&str>,
    exchange: &Exchange,
) {
    if let Err(err) = store::record(
        &state.db,
        order_id,
        out_trade_no,
        kind,
        notice_id,
        exchange,
        state.clock.now(),
    )
    .await
    {
        tracing::warn!(%err, out_trade_no, ?kind, "WeChat Pay exchange not kept");
    }
}

/// The money of a trade arrived (a notification or a query said so): the order's payment becomes
/// paid, once. A cancelled order (money that came after it lapsed, or while it was being
/// cancelled) is refunded in full at once.
async fn apply_paid(
    state: &AppState,
    trade: &payment::Model,
    transaction: &Transaction,
) -> Result<(), PaymentError> {
    let paid_fen = transaction.amount.as_ref().map(|a| a.total);
    if paid_fen != Some(trade.amount_fen) {
        // Never taken as paid: the reconciliation lists it; WeChat Pay is told we read it.
        tracing::error!(
            out_trade_no = %trade.out_trade_no,
            expected = trade.amount_fen,
            got = ?paid_fen,
            "WeChat Pay reported another amount than the trade's"
        );
        return Ok(());
    }
    let now = state.clock.now();
    let paid_at = transaction
        .success_time
        .map(|t| t.with_timezone(&Utc))
        .unwrap_or(now);
    store::set_paid(
        &state.db,
        &trade.out_trade_no,
        transaction.transaction_id.as_deref(),
        paid_at,
    )
    .await?;
    let moved = store::move_payment(
        &state.db,
        &trade.order_id,
        &[
            PaymentState::Pending,
            PaymentState::Unpaid,
            PaymentState::Closed,
        ],
        PaymentState::PaidOnline,
        now,
    )
    .await?;
    if moved {
        let order = orders::store::require_order(&state.db, &trade.order_id)
            .await
            .map_err(AppError::from)?;
        if order.state == OrderState::Cancelled {
            refund_remaining(
                state,
                &order,
                None,
                rules::FULL_REFUND_KEY,
                "订单已取消，全额退款",
            )
            .await?;
        }
    }
    Ok(())
}

/// Why a notification was not taken (WeChat Pay will send it again, or it was not WeChat Pay's).
#[derive(Debug, thiserror::Error)]
pub enum NoticeRejection {
    #[error(transparent)]
    Unverified(#[from] NoticeError),
    #[error("notification resource unreadable: {0}")]
    Unreadable(String),
    #[error(transparent)]
    Failed(#[from] PaymentError),
}

/// A payment notification (`TRANSACTION.SUCCESS`), raw: verified, decrypted, kept, applied once.
/// A repeat, or one arriving after the order moved on, is answered as taken and changes nothing.
pub async fn pay_notice(
    state: &AppState,
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<(), NoticeRejection> {
    let notice = state.pay.read_notice(header, body, state.clock.now())?;
    let transaction: Transaction = serde_json::from_str(&notice.plaintext)
        .map_err(|e| NoticeRejection::Unreadable(e.to_string()))?;
    let trade = store::trade(&state.db, &transaction.out_trade_no)
        .await
        .map_err(PaymentError::from)?;
    keep(
        state,
        trade.as_ref().map(|t| t.order_id.as_str()),
        &transaction.out_trade_no,
        PayEventKind::PayNotice,
        Some(&notice.id),
        &Exchange {
            request: None,
            status: None,
            response: notice.plaintext.clone(),
        },
    )
    .await;
    let Some(trade) = trade else {
        tracing::error!(out_trade_no = %transaction.out_trade_no, "notification of a trade we never made");
        return Ok(());
    };
    if transaction
        .sub_mchid
        .as_deref()
        .is_some_and(|s| s != trade.sub_mchid)
    {
        tracing::error!(out_trade_no = %trade.out_trade_no, "notification names another sub-merchant");
        return Ok(());
    }
    if transaction.is_paid() {
        apply_paid(state, &trade, &transaction).await?;
    }
    Ok(())
}

#[derive(serde::Deserialize)]
struct RefundNoticeResource {
    out_refund_no: String,
    #[serde(default)]
    refund_id: Option<String>,
    refund_status: String,
    #[serde(default)]
    out_trade_no: String,
}

/// A refund notification (`REFUND.SUCCESS`, `REFUND.ABNORMAL`, `REFUND.CLOSED`): the refund is
/// settled once, and the order's payment shows what has come back.
pub async fn refund_notice(
    state: &AppState,
    header: impl Fn(&str) -> Option<String>,
    body: &[u8],
) -> Result<(), NoticeRejection> {
    let notice = state.pay.read_notice(header, body, state.clock.now())?;
    let resource: RefundNoticeResource = serde_json::from_str(&notice.plaintext)
        .map_err(|e| NoticeRejection::Unreadable(e.to_string()))?;
    let refund = store::refund(&state.db, &resource.out_refund_no)
        .await
        .map_err(PaymentError::from)?;
    keep(
        state,
        refund.as_ref().map(|r| r.order_id.as_str()),
        &resource.out_trade_no,
        PayEventKind::RefundNotice,
        Some(&notice.id),
        &Exchange {
            request: None,
            status: None,
            response: notice.plaintext.clone(),
        },
    )
    .await;
    let Some(refund) = refund else {
        tracing::error!(out_refund_no = %resource.out_refund_no, "notification of a refund we never asked for");
        return Ok(());
    };
    let to = match resource.refund_status.as_str() {
        "SUCCESS" => RefundState::Succeeded,
        "PROCESSING" => return Ok(()),
        _ => RefundState::Failed,
    };
    settle_refund(state, &refund, to, resource.refund_id.as_deref()).await?;
    Ok(())
}

/// A refund's outcome reaches the order's payment (once: only the update that settles the refund
/// moves the order).
async fn settle_refund(
    state: &AppState,
    refund: &payment_refund::Model,
    to: RefundState,
    refund_id: Option<&str>,
) -> Result<(), PaymentError> {
    let now = state.clock.now();
    // The refund-made notice is written with the refund's settling, or not at all.
    let txn = sea_orm::TransactionTrait::begin(&state.db).await?;
    if !store::settle_refund(&txn, &refund.out_refund_no, to, refund_id, now).await? {
        return Ok(());
    }
    if to == RefundState::Succeeded {
        let amount = format!("¥{}", crate::money::Yuan::from_fen(refund.amount_fen));
        let notice = crate::notices::store::NewNotice::about_order(
            vocabulary::NoticeKind::RefundMade,
            &refund.order_id,
            now,
        )
        .with_detail(amount);
        crate::notices::store::enqueue(&txn, vec![notice], now).await?;
    }
    txn.commit().await?;
    let Some(trade) = store::trade(&state.db, &refund.out_trade_no).await? else {
        return Ok(());
    };
    let refunded = store::refunded_fen(&state.db, &refund.order_id, true).await?;
    let after = rules::after_refunds(trade.amount_fen, refunded);
    store::move_payment(
        &state.db,
        &refund.order_id,
        &[PaymentState::RefundPending],
        after,
        now,
    )
    .await?;
    Ok(())
}

/// Refunds what is left of an order's online payment (a cancelled order), once however often asked.
pub async fn refund_remaining(
    state: &AppState,
    order: &meal_order::Model,
    actor: Option<i64>,
    key: &str,
    reason: &str,
) -> Result<(), PaymentError> {
    let Some(trade) = store::trade_of_order(&state.db, &order.id).await? else {
        return Ok(());
    };
    let refunded = store::refunded_fen(&state.db, &order.id, false).await?;
    let left = trade.amount_fen - refunded;
    if left <= 0 {
        return Ok(());
    }
    refund(state, order, &trade, actor, key, left, reason)
        .await
        .map(|_| ())
}

/// One refund: the order's payment moves to refunding (only from paid: of two refunds at once, one
/// goes), the refund is written before WeChat Pay is asked (a failed call is asked again by the
/// sweep, with the same number), then WeChat Pay is asked.
async fn refund(
    state: &AppState,
    order: &meal_order::Model,
    trade: &payment::Model,
    actor: Option<i64>,
    key: &str,
    amount_fen: i64,
    reason: &str,
) -> Result<payment_refund::Model, PaymentError> {
    let now = state.clock.now();
    let out_refund_no = rules::out_refund_no(&order.id, key);
    if let Some(existing) = store::refund(&state.db, &out_refund_no).await? {
        return Ok(existing);
    }
    let refunded = store::refunded_fen(&state.db, &order.id, false).await?;
    let current = orders::store::require_order(&state.db, &order.id)
        .await
        .map_err(AppError::from)?
        .payment_state;
    rules::check_refund(current, trade.amount_fen, refunded, amount_fen, reason)?;
    let row = payment_refund::Model {
        out_refund_no: out_refund_no.clone(),
        order_id: order.id.clone(),
        out_trade_no: trade.out_trade_no.clone(),
        amount_fen,
        reason: reason.trim().to_string(),
        state: RefundState::Processing,
        requested_by: actor,
        refund_id: None,
        created_at: now,
        updated_at: now,
    };
    {
        use sea_orm::TransactionTrait;
        let txn = state.db.begin().await?;
        let moved = store::move_payment(
            &txn,
            &order.id,
            &[PaymentState::PaidOnline, PaymentState::PartiallyRefunded],
            PaymentState::RefundPending,
            now,
        )
        .await?;
        if !moved {
            return Err(rules::PaymentRuleError::RefundInProgress.into());
        }
        store::insert_refund(&txn, row.clone()).await?;
        txn.commit().await?;
    }
    ask_refund(state, &row, trade).await;
    Ok(store::refund(&state.db, &out_refund_no)
        .await?
        .unwrap_or(row))
}

/// Asks WeChat Pay for a written refund; a failure is left for the sweep to ask again.
async fn ask_refund(state: &AppState, refund: &payment_refund::Model, trade: &payment::Model) {
    let (exchange, outcome) = state
        .pay
        .refund(&RefundOrder {
            sub_mchid: &trade.sub_mchid,
            out_trade_no: &trade.out_trade_no,
            out_refund_no: &refund.out_refund_no,
            reason: &refund.reason,
            refund_fen: refund.amount_fen,
            total_fen: trade.amount_fen,
        })
        .await;
    keep(
        state,
        Some(&refund.order_id),
        &trade.out_trade_no,
        PayEventKind::Refund,
        None,
        &exchange,
    )
    .await;
    let now = state.clock.now();
    match outcome {
        Ok(answer) => {
            if let Some(id) = &answer.refund_id
                && let Err(err) =
                    store::set_refund_id(&state.db, &refund.out_refund_no, id, now).await
            {
                tracing::warn!(%err, "refund id not kept");
            }
            if answer.status == "SUCCESS"
                && let Err(err) = settle_refund(
                    state,
                    refund,
                    RefundState::Succeeded,
                    answer.refund_id.as_deref(),
                )
                .await
            {
                tracing::warn!(%err, "refund not settled");
            }
        }
        // Refused for good (not enough balance, a bad request): the refund failed and the payment
        // is back to what it was.
        Err(PayError::Refused { status, .. }) if status < 500 && status != 429 => {
            if let Err(err) = settle_refund(state, refund, RefundState::Failed, None).await {
                tracing::warn!(%err, "failed refund not settled");
            }
        }
        Err(err) => {
            tracing::warn!(%err, out_refund_no = %refund.out_refund_no, "refund not acknowledged; the sweep asks again")
        }
    }
}

/// An operator's partial (or full) refund with a reason; `client_key` makes a retry refund once.
pub async fn refund_by_operator(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
    amount_fen: i64,
    reason: &str,
    client_key: &str,
) -> Result<payment_refund::Model, PaymentError> {
    if caller.role != Role::Operator {
        return Err(PaymentError::RefundRoleForbidden);
    }
    let order = orders::service::visible_order(&state.db, caller, order_id)
        .await
        .map_err(AppError::from)?;
    orders::rules::validate_client_key(client_key).map_err(AppError::from)?;
    let Some(trade) = store::trade_of_order(&state.db, &order.id).await? else {
        return Err(rules::PaymentRuleError::NothingToRefund(order.payment_state).into());
    };
    refund(
        state,
        &order,
        &trade,
        Some(caller.account_id),
        client_key,
        amount_fen,
        reason,
    )
    .await
}

/// An order was cancelled: its open trade is closed (a pending payment becomes closed), or what it
/// paid online goes back in full.
pub async fn order_cancelled(
    state: &AppState,
    order: &meal_order::Model,
) -> Result<(), PaymentError> {
    match order.payment_state {
        PaymentState::Pending | PaymentState::Unpaid => {
            if let Some(trade) = store::trade_of_order(&state.db, &order.id).await?
                && close_or_collect(state, &trade).await?
            {
                // Paid after all: `apply_paid` refunded it.
                return Ok(());
            }
            if order.payment_state == PaymentState::Pending {
                store::move_payment(
                    &state.db,
                    &order.id,
                    &[PaymentState::Pending],
                    PaymentState::Closed,
                    state.clock.now(),
                )
                .await?;
            }
            Ok(())
        }
        PaymentState::PaidOnline | PaymentState::PartiallyRefunded => {
            refund_remaining(
                state,
                order,
                None,
                rules::FULL_REFUND_KEY,
                "订单已取消，全额退款",
            )
            .await
        }
        PaymentState::NotRequired
        | PaymentState::PaidAtCounter
        | PaymentState::RefundPending
        | PaymentState::Refunded
        | PaymentState::Closed => Ok(()),
    }
}

/// Closes a trade at WeChat Pay so nobody can pay it any more; if it turns out paid, the payment
/// is taken (true). The query comes first: a late notification is caught here.
async fn close_or_collect(state: &AppState, trade: &payment::Model) -> Result<bool, PaymentError> {
    if trade.prepay_id.is_none() {
        return Ok(false);
    }
    if collect_if_paid(state, trade).await? {
        return Ok(true);
    }
    let (exchange, outcome) = state.pay.close(&trade.sub_mchid, &trade.out_trade_no).await;
    keep(
        state,
        Some(&trade.order_id),
        &trade.out_trade_no,
        PayEventKind::Close,
        None,
        &exchange,
    )
    .await;
    match outcome {
        Ok(()) => Ok(false),
        Err(err) if err.code() == Some("ORDER_NOT_EXIST") => Ok(false),
        // Paid between the query and the close.
        Err(err) if err.code() == Some("ORDERPAID") => collect_if_paid(state, trade).await,
        Err(err) => Err(err.into()),
    }
}

/// Asks WeChat Pay how a trade stands (a notification may be late or lost) and takes a payment it
/// reports. True if paid.
async fn collect_if_paid(state: &AppState, trade: &payment::Model) -> Result<bool, PaymentError> {
    let (exchange, outcome) = state.pay.query(&trade.sub_mchid, &trade.out_trade_no).await;
    keep(
        state,
        Some(&trade.order_id),
        &trade.out_trade_no,
        PayEventKind::Query,
        None,
        &exchange,
    )
    .await;
    match outcome {
        Ok(transaction) if transaction.is_paid() => {
            apply_paid(state, trade, &transaction).await?;
            Ok(true)
        }
        Ok(_) => Ok(false),
        Err(err) if err.code() == Some("ORDER_NOT_EXIST") => Ok(false),
        Err(err) => Err(err.into()),
    }
}

/// What one sweep did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    /// Bookings cancelled because their payment lapsed.
    pub lapsed: u32,
    /// Payments found made by asking WeChat Pay (their notification was late).
    pub collected: u32,
    /// Refunds asked again because WeChat Pay never acknowledged them.
    pub refunds_asked_again: u32,
}

/// One pass: every booking whose payment time is up is asked about (paid after all: taken),
/// its trade closed, and the booking cancelled with [`LAPSED_REASON`], portions and quota given
/// back; unacknowledged refunds are asked again. Safe to run on several instances at once: each
/// outcome is a guarded update that only one of them makes.
pub async fn sweep(state: &AppState) -> AppResult<Swept> {
    let now = state.clock.now();
    let mut swept = Swept::default();
    for order in store::pending_orders(&state.db).await? {
        let deadline = deadline_of(state, &order).await?;
        let trade = store::trade_of_order(&state.db, &order.id).await?;
        if now < deadline {
            // A notification later than a minute: ask.
            if let Some(trade) = trade.filter(|t| {
                t.prepay_id.is_some() && now - t.created_at > chrono::Duration::minutes(1)
            }) {
                match collect_if_paid(state, &trade).await {
                    Ok(true) => swept.collected += 1,
                    Ok(false) => {}
                    Err(err) => tracing::warn!(%err, order = %order.id, "payment query failed"),
                }
            }
            continue;
        }
        match lapse(state, &order, trade.as_ref()).await {
            Ok(Lapse::Cancelled) => swept.lapsed += 1,
            Ok(Lapse::PaidAfterAll) => swept.collected += 1,
            Ok(Lapse::MovedOn) => {}
            Err(err) => {
                tracing::warn!(%err, order = %order.id, "lapsed payment not settled; next sweep tries again")
            }
        }
    }
    for refund in
        store::unacknowledged_refunds(&state.db, now - chrono::Duration::minutes(1)).await?
    {
        if let Some(trade) = store::trade(&state.db, &refund.out_trade_no).await? {
            ask_refund(state, &refund, &trade).await;
            swept.refunds_asked_again += 1;
        }
    }
    Ok(swept)
}

enum Lapse {
    Cancelled,
    PaidAfterAll,
    /// Paid, cancelled or lapsed by someone else meanwhile.
    MovedOn,
}

async fn lapse(
    state: &AppState,
    order: &meal_order::Model,
    trade: Option<&payment::Model>,
) -> Result<Lapse, PaymentError> {
    if let Some(trade) = trade
        && close_or_collect(state, trade).await?
    {
        return Ok(Lapse::PaidAfterAll);
    }
    let lines = orders::store::lines_of(&state.db, &order.id).await?;
    // The elder (or the family of an elder without WeChat) is told, with the reason, by a notice
    // written in the cancelling transaction: sent if and only if this sweep cancelled it.
    let cancelled = orders::service::cancel_guarded(
        state,
        None,
        order,
        &lines,
        LAPSED_REASON,
        state.clock.now(),
        Some(NoticeKind::ClosureCancelled),
        |update| {
            update
                .col_expr(
                    meal_order::Column::PaymentState,
                    Expr::value(PaymentState::Closed),
                )
                .filter(meal_order::Column::PaymentState.eq(PaymentState::Pending))
        },
    )
    .await;
    match cancelled {
        Ok(_) => Ok(Lapse::Cancelled),
        Err(OrderError::Rule(orders::rules::OrderRuleError::IllegalTransition { .. })) => {
            Ok(Lapse::MovedOn)
        }
        Err(err) => Err(AppError::from(err).into()),
    }
}

/// Runs [`sweep`] for the life of the process, every `ZHUCAN_PAYMENT_SWEEP_SECONDS`.
pub fn spawn_sweeper(state: AppState) {
    tokio::spawn(async move {
        let every = state.config.wechat_pay.sweep_every;
        let mut tick = tokio::time::interval(every.max(StdDuration::from_secs(1)));
        loop {
            tick.tick().await;
            if let Err(err) = sweep(&state).await {
                tracing::warn!(%err, "payment sweep failed");
            }
        }
    });
}

/// The order's money as the elder, family, the meal point's operators or the city see it; the
/// raw exchanges only for staff.
pub struct PaymentTrace {
    pub order: meal_order::Model,
    pub trade: Option<payment::Model>,
    /// The share paid at the counter: how, how much, who took it, when.
    pub counter: Option<counter_payment::Model>,
    pub refunds: Vec<payment_refund::Model>,
    pub events: Vec<entity::payment_event::Model>,
}

pub async fn trace(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
) -> Result<PaymentTrace, PaymentError> {
    let order = orders::service::visible_order(&state.db, caller, order_id)
        .await
        .map_err(AppError::from)?;
    trace_of(state, caller, order).await
}

async fn trace_of(
    state: &AppState,
    caller: &Caller,
    order: meal_order::Model,
) -> Result<PaymentTrace, PaymentError> {
    let trade = store::trade_of_order(&state.db, &order.id).await?;
    let counter = store::counter_payment_of(&state.db, &order.id).await?;
    let refunds = store::refunds_of(&state.db, &order.id).await?;
    let events = if matches!(
        caller.role,
        Role::Operator | Role::CityAdmin | Role::DistrictClerk
    ) {
        store::events_of(&state.db, &order.id).await?
    } else {
        Vec::new()
    };
    Ok(PaymentTrace {
        order,
        trade,
        counter,
        refunds,
        events,
    })
}

/// The operator records the elder's share paid at the counter (cash or a scan) for a served
/// order of their meal point: the order's payment becomes `paid_at_counter` and a record of the
/// method, the amount, the operator and the time is written with it, in one transaction. Asked
/// again, it answers the first record (`false`) and writes nothing. An online trade the elder
/// had started (a meal point taking both) is closed at WeChat Pay first, so the share is never
/// taken twice; found paid after all, the counter is refused as paid online.
pub async fn record_at_counter(
    state: &AppState,
    caller: &Caller,
    order_id: &str,
    method: CounterMethod,
) -> Result<(bool, PaymentTrace), PaymentError> {
    if caller.role != Role::Operator {
        return Err(
            AppError::forbidden("ROLE_FORBIDDEN", "只有助餐点运营方可以登记到店收款").into(),
        );
    }
    let order = orders::service::visible_order(&state.db, caller, order_id)
        .await
        .map_err(AppError::from)?;
    let methods = methods_of(state, order.meal_point_id)
        .await?
        .map(|m| m.methods)
        .unwrap_or(PaymentMethods::Counter);
    let due = rules::check_counter_payment(
        order.state,
        order.payment_state,
        order.elder_share_fen,
        methods,
    )?;
    if due == rules::CounterDue::Recorded {
        return recorded(state, caller, order).await;
    }
    if let Some(trade) = store::trade_of_order(&state.db, &order.id).await?
        && close_or_collect(state, &trade).await?
    {
        let now_paid = orders::store::require_order(&state.db, &order.id)
            .await
            .map_err(AppError::from)?;
        return Err(rules::PaymentRuleError::PaidOnline(now_paid.payment_state).into());
    }
    let now = state.clock.now();
    let moved = {
        use sea_orm::TransactionTrait;
        let txn = state.db.begin().await?;
        let moved = store::move_payment(
            &txn,
            &order.id,
            &[PaymentState::Unpaid],
            PaymentState::PaidAtCounter,
            now,
        )
        .await?;
        if moved {
            store::insert_counter_payment(
                &txn,
                counter_payment::Model {
                    order_id: order.id.clone(),
                    meal_point_id: order.meal_point_id,
                    method,
                    amount_fen: order.elder_share_fen,
                    recorded_by: caller.account_id,
                    recorded_at: now,
                },
            )
            .await?;
        }
        txn.commit().await?;
        moved
    };
    let current = orders::store::require_order(&state.db, &order.id)
        .await
        .map_err(AppError::from)?;
    if moved {
        return Ok((true, trace_of(state, caller, current).await?));
    }
    // Another request (or WeChat Pay) moved it meanwhile: answer as things stand now.
    match rules::check_counter_payment(
        current.state,
        current.payment_state,
        current.elder_share_fen,
        methods,
    )? {
        rules::CounterDue::Recorded => recorded(state, caller, current).await,
        rules::CounterDue::Record => {
            Err(rules::PaymentRuleError::NotDue(current.payment_state).into())
        }
    }
}

/// The answer to recording a share already recorded: the first record. A share marked paid at the
/// counter with no record (orders from before records were kept) is refused as paid.
async fn recorded(
    state: &AppState,
    caller: &Caller,
    order: meal_order::Model,
) -> Result<(bool, PaymentTrace), PaymentError> {
    let trace = trace_of(state, caller, order).await?;
    if trace.counter.is_none() {
        return Err(rules::PaymentRuleError::PaidAtCounterUnrecorded.into());
    }
    Ok((false, trace))
}
