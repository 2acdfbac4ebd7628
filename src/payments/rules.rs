//! The rules of paying the elder's share, as pure functions.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use vocabulary::{OrderState, PaymentMethods, PaymentState};

/// WeChat Pay's limit on a refund reason.
pub const REFUND_REASON_MAX_CHARS: usize = 80;

/// Why a payment operation was refused by the rules.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaymentRuleError {
    #[error("the order has no payment due online ({0:?})")]
    NotDue(PaymentState),
    #[error("the payment time is up")]
    Expired,
    #[error("refund amount {asked} fen beyond the {refundable} fen left")]
    RefundTooLarge { asked: i64, refundable: i64 },
    #[error("refund amount must be positive, in fen")]
    RefundNotPositive,
    #[error("refund reason missing or too long")]
    RefundReason,
    #[error("nothing paid online to refund ({0:?})")]
    NothingToRefund(PaymentState),
    #[error("a refund is already on its way")]
    RefundInProgress,
    #[error("the elder's share is 0.00: nothing to pay")]
    NotRequired,
    #[error("the meal point takes no payment at the counter")]
    CounterNotOffered,
    #[error("the share was paid online ({0:?})")]
    PaidOnline(PaymentState),
    #[error("the share was paid at the counter before any record was kept")]
    PaidAtCounterUnrecorded,
    #[error("the order was cancelled")]
    OrderCancelled,
    #[error("the meal was not served ({0:?})")]
    NotServed(OrderState),
}

/// What recording the share paid at the counter comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CounterDue {
    /// Unpaid and served: record it now.
    Record,
    /// Recorded already: the first record is the answer (recording twice writes nothing).
    Recorded,
}

/// May the operator record the share of an order as paid at the counter? Only once the meal was
/// served (the verify, or the signed delivery, comes first; the money is taken as the meal is
/// handed over), only for an unpaid share above 0.00, only where the meal point takes the counter.
/// An order whose share is recorded already answers [`CounterDue::Recorded`] whatever else holds.
pub fn check_counter_payment(
    order_state: OrderState,
    payment_state: PaymentState,
    elder_share_fen: i64,
    methods: PaymentMethods,
) -> Result<CounterDue, PaymentRuleError> {
    use PaymentState::*;
    if payment_state == PaidAtCounter {
        return Ok(CounterDue::Recorded);
    }
    if elder_share_fen <= 0 || payment_state == NotRequired {
        return Err(PaymentRuleError::NotRequired);
    }
    if order_state == OrderState::Cancelled {
        return Err(PaymentRuleError::OrderCancelled);
    }
    if matches!(
        payment_state,
        PaidOnline | RefundPending | PartiallyRefunded | Refunded
    ) {
        return Err(PaymentRuleError::PaidOnline(payment_state));
    }
    if !methods.takes_counter() {
        return Err(PaymentRuleError::CounterNotOffered);
    }
    if order_state != OrderState::Served {
        return Err(PaymentRuleError::NotServed(order_state));
    }
    match payment_state {
        Unpaid => Ok(CounterDue::Record),
        other => Err(PaymentRuleError::NotDue(other)),
    }
}

/// The state a new order starts in: a share of 0.00 needs no payment; online-only meal points
/// hold the booking until paid; the others take the money at the counter (and, with both,
/// online if the elder likes).
pub fn initial_state(methods: Option<PaymentMethods>, elder_share_fen: i64) -> PaymentState {
    if elder_share_fen <= 0 {
        return PaymentState::NotRequired;
    }
    match methods {
        Some(methods) if methods.must_pay_online() => PaymentState::Pending,
        Some(_) | None => PaymentState::Unpaid,
    }
}

/// Until when a booking waits for its online payment: `window` after it was booked, never past
/// the booking's cutoff (the kitchen plans from the cutoff on).
pub fn payment_deadline(
    booked_at: DateTime<Utc>,
    window: Duration,
    cutoff: DateTime<Utc>,
) -> DateTime<Utc> {
    (booked_at + window).min(cutoff)
}

/// May the elder start (or resume) paying online now?
pub fn check_may_pay(
    payment_state: PaymentState,
    methods: PaymentMethods,
    deadline: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), PaymentRuleError> {
    let due = match payment_state {
        PaymentState::Pending => true,
        PaymentState::Unpaid => methods.takes_online(),
        _ => false,
    };
    if !due {
        return Err(PaymentRuleError::NotDue(payment_state));
    }
    if now >= deadline {
        return Err(PaymentRuleError::Expired);
    }
    Ok(())
}

/// `out_trade_no` of an order: its UUID without hyphens (32 characters, WeChat Pay's limit), so
/// the number is unique per order and the same on every retry.
pub fn out_trade_no(order_id: &str) -> String {
    order_id.replace('-', "")
}

/// `out_refund_no` of a refund: the same request (the order and the caller's key) gives the same
/// number, so a retried request refunds once.
pub fn out_refund_no(order_id: &str, key: &str) -> String {
    let digest = Sha256::digest(format!("{order_id}\n{key}").as_bytes());
    format!("RF{}", &hex::encode(digest)[..30])
}

/// The key of the full refund an order gets when it is cancelled.
pub const FULL_REFUND_KEY: &str = "cancelled";

/// A refund the rules allow: positive, not beyond what was paid and not yet refunded, with a
/// reason WeChat Pay takes.
pub fn check_refund(
    payment_state: PaymentState,
    paid_fen: i64,
    refunded_fen: i64,
    asked_fen: i64,
    reason: &str,
) -> Result<(), PaymentRuleError> {
    match payment_state {
        PaymentState::PaidOnline | PaymentState::PartiallyRefunded => {}
        PaymentState::RefundPending => return Err(PaymentRuleError::RefundInProgress),
        other => return Err(PaymentRuleError::NothingToRefund(other)),
    }
    let reason = reason.trim();
    if reason.is_empty() || reason.chars().count() > REFUND_REASON_MAX_CHARS {
        return Err(PaymentRuleError::RefundReason);
    }
    if asked_fen <= 0 {
        return Err(PaymentRuleError::RefundNotPositive);
    }
    let refundable = paid_fen - refunded_fen;
    if asked_fen > refundable {
        return Err(PaymentRuleError::RefundTooLarge {
            asked: asked_fen,
            refundable,
        });
    }
    Ok(())
}

/// Where the payment stands once `refunded_fen` of `paid_fen` has come back.
pub fn after_refunds(paid_fen: i64, refunded_fen: i64) -> PaymentState {
    if refunded_fen >= paid_fen {
        PaymentState::Refunded
    } else if refunded_fen > 0 {
        PaymentState::PartiallyRefunded
    } else {
        PaymentState::PaidOnline
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).unwrap()
    }

    #[test]
    fn nothing_to_pay_needs_no_payment_and_online_only_waits_for_it() {
        assert_eq!(
            initial_state(Some(PaymentMethods::Online), 0),
            PaymentState::NotRequired
        );
        assert_eq!(
            initial_state(Some(PaymentMethods::Online), 500),
            PaymentState::Pending
        );
        assert_eq!(
            initial_state(Some(PaymentMethods::Both), 500),
            PaymentState::Unpaid
        );
        assert_eq!(
            initial_state(Some(PaymentMethods::Counter), 500),
            PaymentState::Unpaid
        );
        assert_eq!(initial_state(None, 500), PaymentState::Unpaid);
    }

    #[test]
    fn the_deadline_is_the_window_but_never_past_the_cutoff() {
        let window = Duration::minutes(10);
        assert_eq!(payment_deadline(at(1, 0), window, at(2, 0)), at(1, 10));
        assert_eq!(payment_deadline(at(1, 55), window, at(2, 0)), at(2, 0));
    }

    #[test]
    fn paying_is_refused_when_not_due_or_late() {
        let deadline = at(1, 10);
        assert!(
            check_may_pay(
                PaymentState::Pending,
                PaymentMethods::Online,
                deadline,
                at(1, 9)
            )
            .is_ok()
        );
        assert_eq!(
            check_may_pay(
                PaymentState::Pending,
                PaymentMethods::Online,
                deadline,
                at(1, 10)
            ),
            Err(PaymentRuleError::Expired)
        );
        assert!(
            check_may_pay(
                PaymentState::Unpaid,
                PaymentMethods::Both,
                deadline,
                at(1, 0)
            )
            .is_ok()
        );
        assert!(
            check_may_pay(
                PaymentState::Unpaid,
                PaymentMethods::Counter,
                deadline,
                at(1, 0)
            )
            .is_err()
        );
        assert!(
            check_may_pay(
                PaymentState::PaidOnline,
                PaymentMethods::Online,
                deadline,
                at(1, 0)
            )
            .is_err()
        );
    }

    #[test]
    fn trade_and_refund_numbers_fit_wechat_pay_and_repeat_for_the_same_request() {
        let order = "0192f3a4-5b6c-7d8e-9f00-112233445566";
        assert_eq!(out_trade_no(order).len(), 32);
        assert_eq!(out_refund_no(order, "k1"), out_refund_no(order, "k1"));
        assert_ne!(out_refund_no(order, "k1"), out_refund_no(order, "k2"));
        assert!(out_refund_no(order, "k1").len() <= 64);
    }

    #[test]
    fn refunds_stay_within_what_was_paid() {
        use PaymentState::*;
        assert!(check_refund(PaidOnline, 800, 0, 800, "取消").is_ok());
        assert!(check_refund(PartiallyRefunded, 800, 300, 500, "少菜").is_ok());
        assert_eq!(
            check_refund(PartiallyRefunded, 800, 300, 501, "少菜"),
            Err(PaymentRuleError::RefundTooLarge {
                asked: 501,
                refundable: 500
            })
        );
        assert_eq!(
            check_refund(PaidOnline, 800, 0, 0, "x"),
            Err(PaymentRuleError::RefundNotPositive)
        );
        assert_eq!(
            check_refund(PaidOnline, 800, 0, 1, " "),
            Err(PaymentRuleError::RefundReason)
        );
        assert_eq!(
            check_refund(RefundPending, 800, 0, 1, "x"),
            Err(PaymentRuleError::RefundInProgress)
        );
        assert!(check_refund(Unpaid, 800, 0, 1, "x").is_err());
        assert_eq!(after_refunds(800, 800), Refunded);
        assert_eq!(after_refunds(800, 300), PartiallyRefunded);
    }

    #[test]
    fn the_counter_records_an_unpaid_served_share_once_and_refuses_the_rest() {
        use OrderState::{Booked, Cancelled, NoShow, Served};
        use PaymentMethods::{Both, Counter, Online};
        use PaymentState::*;
        let check = check_counter_payment;
        assert_eq!(check(Served, Unpaid, 500, Counter), Ok(CounterDue::Record));
        assert_eq!(check(Served, Unpaid, 500, Both), Ok(CounterDue::Record));
        assert_eq!(
            check(Served, PaidAtCounter, 500, Counter),
            Ok(CounterDue::Recorded)
        );
        assert_eq!(
            check(Served, NotRequired, 0, Counter),
            Err(PaymentRuleError::NotRequired)
        );
        assert_eq!(
            check(Served, Unpaid, 0, Counter),
            Err(PaymentRuleError::NotRequired)
        );
        assert_eq!(
            check(Cancelled, Unpaid, 500, Counter),
            Err(PaymentRuleError::OrderCancelled)
        );
        assert_eq!(
            check(Cancelled, Closed, 500, Online),
            Err(PaymentRuleError::OrderCancelled)
        );
        for paid in [PaidOnline, RefundPending, PartiallyRefunded, Refunded] {
            assert_eq!(
                check(Served, paid, 500, Both),
                Err(PaymentRuleError::PaidOnline(paid))
            );
        }
        assert_eq!(
            check(Booked, Pending, 500, Online),
            Err(PaymentRuleError::CounterNotOffered)
        );
        assert_eq!(
            check(Served, Unpaid, 500, Online),
            Err(PaymentRuleError::CounterNotOffered)
        );
        assert_eq!(
            check(Booked, Unpaid, 500, Counter),
            Err(PaymentRuleError::NotServed(Booked))
        );
        assert_eq!(
            check(NoShow, Unpaid, 500, Counter),
            Err(PaymentRuleError::NotServed(NoShow))
        );
    }
}
