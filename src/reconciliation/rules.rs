//! Matching a day's trade bill against the service's own records, to the fen. Pure: the store
//! gathers the facts, this decides what differs.
//!
//! Two sets of checks run for each sub-merchant's day:
//! - the bill against the trades and refunds: every payment and refund row must be one the
//!   service made, for the amount it recorded, once; every payment and refund the service saw
//!   completed that day must be in the bill;
//! - the meals of that day against their money: a cancelled or uncollected meal must not keep
//!   the elder's money, and a served meal whose share is paid online must have been paid.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use chrono::NaiveDate;
use vocabulary::{Discrepancy, OrderState, PaymentState};

use crate::wechat::pay::bill::{Bill, yuan_text};

/// A trade as the service recorded it.
#[derive(Debug, Clone)]
pub struct TradeFacts {
    pub out_trade_no: String,
    pub order_id: String,
    pub meal_point_id: i64,
    pub amount_fen: i64,
    /// The Shanghai day the payment was recorded on, if it was.
    pub paid_on: Option<NaiveDate>,
}

/// A refund as the service recorded it.
#[derive(Debug, Clone)]
pub struct RefundFacts {
    pub out_refund_no: String,
    pub out_trade_no: String,
    pub amount_fen: i64,
    /// The Shanghai day WeChat Pay confirmed it, if it did.
    pub succeeded_on: Option<NaiveDate>,
}

/// A meal of the bill's day and where its money stands.
#[derive(Debug, Clone)]
pub struct MealFacts {
    pub order_id: String,
    pub meal_point_id: i64,
    pub state: OrderState,
    pub payment_state: PaymentState,
    pub elder_share_fen: i64,
    /// Paid online and not (being) refunded.
    pub kept_online_fen: i64,
    /// The meal point takes the share only online: an unpaid served meal was never paid.
    pub online_only: bool,
}

/// One difference, before it is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    pub kind: Discrepancy,
    pub meal_point_id: i64,
    pub order_id: Option<String>,
    pub out_trade_no: Option<String>,
    pub out_refund_no: Option<String>,
    pub ours_fen: Option<i64>,
    pub billed_fen: Option<i64>,
    pub note: String,
}

/// Everything the match reads for one sub-merchant's day.
pub struct DayFacts<'a> {
    pub date: NaiveDate,
    /// The meal point the bill's sub-merchant number belongs to (for rows the service does not
    /// know).
    pub meal_point_id: i64,
    pub sub_mchid: &'a str,
    pub bill: &'a Bill,
    /// Every trade the bill names or that was paid on the day, and every refund of them.
    pub trades: &'a [TradeFacts],
    pub refunds: &'a [RefundFacts],
    pub meals: &'a [MealFacts],
}

pub fn reconcile(facts: &DayFacts<'_>) -> Vec<Finding> {
    let trades: HashMap<&str, &TradeFacts> = facts
        .trades
        .iter()
        .map(|t| (t.out_trade_no.as_str(), t))
        .collect();
    let refunds: HashMap<&str, &RefundFacts> = facts
        .refunds
        .iter()
        .map(|r| (r.out_refund_no.as_str(), r))
        .collect();
    let mut findings = Vec::new();
    let finding = |kind, trade: Option<&TradeFacts>, out_trade_no: &str, note: String| Finding {
        kind,
        meal_point_id: trade.map_or(facts.meal_point_id, |t| t.meal_point_id),
        order_id: trade.map(|t| t.order_id.clone()),
        out_trade_no: Some(out_trade_no.to_string()),
        out_refund_no: None,
        ours_fen: None,
        billed_fen: None,
        note,
    };

    // Payments in the bill.
    let mut billed_payments: BTreeSet<&str> = BTreeSet::new();
    for row in facts.bill.rows.iter().filter(|r| r.refund.is_none()) {
        let no = row.out_trade_no.as_str();
        let trade = trades
            .get(no)
            .copied()
            .filter(|_| row.sub_mchid == facts.sub_mchid);
        if !billed_payments.insert(no) {
            findings.push(Finding {
                billed_fen: Some(row.amount_fen),
                ..finding(
                    Discrepancy::AmountDiffers,
                    trade,
                    no,
                    "账单中同一订单付款出现两次".into(),
                )
            });
            continue;
        }
        match trade {
            None => findings.push(Finding {
                billed_fen: Some(row.amount_fen),
                ..finding(
                    Discrepancy::UnknownInBill,
                    None,
                    no,
                    "账单中的付款不是本系统下的单".into(),
                )
            }),
            Some(t) if t.paid_on.is_none() => findings.push(Finding {
                ours_fen: Some(t.amount_fen),
                billed_fen: Some(row.amount_fen),
                ..finding(
                    Discrepancy::UnknownInBill,
                    Some(t),
                    no,
                    "微信支付已收款，本系统未记录付款".into(),
                )
            }),
            Some(t) if t.amount_fen != row.amount_fen => findings.push(Finding {
                ours_fen: Some(t.amount_fen),
                billed_fen: Some(row.amount_fen),
                ..finding(
                    Discrepancy::AmountDiffers,
                    Some(t),
                    no,
                    format!(
                        "本系统 {} 元，账单 {} 元",
                        yuan_text(t.amount_fen),
                        yuan_text(row.amount_fen)
                    ),
                )
            }),
            Some(_) => {}
        }
    }
    for trade in facts
        .trades
        .iter()
        .filter(|t| t.paid_on == Some(facts.date))
    {
        if !billed_payments.contains(trade.out_trade_no.as_str()) {
            findings.push(Finding {
                ours_fen: Some(trade.amount_fen),
                ..finding(
                    Discrepancy::MissingFromBill,
                    Some(trade),
                    &trade.out_trade_no,
                    "本系统记录当日已付款，账单中没有".into(),
                )
            });
        }
    }

    // Refunds in the bill, per trade.
    let mut by_trade: BTreeMap<&str, Vec<&crate::wechat::pay::bill::BillRefund>> = BTreeMap::new();
    for row in &facts.bill.rows {
        if let Some(refund) = &row.refund {
            by_trade
                .entry(row.out_trade_no.as_str())
                .or_default()
                .push(refund);
        }
    }
    let mut billed_refunds: BTreeSet<&str> = BTreeSet::new();
    for (&no, rows) in &by_trade {
        let trade = trades.get(no).copied();
        let ours: Vec<&RefundFacts> = facts
            .refunds
            .iter()
            .filter(|r| r.out_trade_no == *no)
            .collect();
        let mut twice = false;
        let mut strangers = 0;
        for refund in rows {
            if !billed_refunds.insert(refund.out_refund_no.as_str()) {
                twice = true;
                continue;
            }
            match refunds.get(refund.out_refund_no.as_str()) {
                Some(known) if known.amount_fen != refund.amount_fen => findings.push(Finding {
                    out_refund_no: Some(refund.out_refund_no.clone()),
                    ours_fen: Some(known.amount_fen),
                    billed_fen: Some(refund.amount_fen),
                    ..finding(
                        Discrepancy::AmountDiffers,
                        trade,
                        no,
                        format!(
                            "退款：本系统 {} 元，账单 {} 元",
                            yuan_text(known.amount_fen),
                            yuan_text(refund.amount_fen)
                        ),
                    )
                }),
                Some(_) => {}
                None => strangers += 1,
            }
        }
        let billed_total: i64 = rows.iter().map(|r| r.amount_fen).sum();
        let other_days: i64 = ours
            .iter()
            .filter(|r| r.succeeded_on.is_some_and(|d| d != facts.date))
            .map(|r| r.amount_fen)
            .sum();
        let over_paid = trade.is_some_and(|t| billed_total + other_days > t.amount_fen);
        // A refund the service never asked for, on a trade it had refunded itself.
        let beside_ours = strangers > 0 && !ours.is_empty();
        match trade {
            Some(t) if twice || over_paid || beside_ours => findings.push(Finding {
                ours_fen: Some(
                    ours.iter()
                        .filter(|r| r.succeeded_on.is_some())
                        .map(|r| r.amount_fen)
                        .sum(),
                ),
                billed_fen: Some(billed_total + other_days),
                ..finding(
                    Discrepancy::RefundedTwice,
                    Some(t),
                    no,
                    format!(
                        "该笔付款 {} 元，已退 {} 元（账单 {} 笔退款）",
                        yuan_text(t.amount_fen),
                        yuan_text(billed_total + other_days),
                        rows.len()
                    ),
                )
            }),
            _ if strangers > 0 => findings.push(Finding {
                billed_fen: Some(billed_total),
                ..finding(
                    Discrepancy::UnknownInBill,
                    trade,
                    no,
                    "账单中的退款不是本系统发起的".into(),
                )
            }),
            _ => {}
        }
    }
    for refund in facts
        .refunds
        .iter()
        .filter(|r| r.succeeded_on == Some(facts.date))
    {
        if !billed_refunds.contains(refund.out_refund_no.as_str()) {
            let trade = trades.get(refund.out_trade_no.as_str()).copied();
            findings.push(Finding {
                out_refund_no: Some(refund.out_refund_no.clone()),
                ours_fen: Some(refund.amount_fen),
                ..finding(
                    Discrepancy::MissingFromBill,
                    trade,
                    &refund.out_trade_no,
                    "本系统记录当日已退款，账单中没有".into(),
                )
            });
        }
    }

    // The day's meals against their money.
    for meal in facts.meals {
        let out_trade_no = facts
            .trades
            .iter()
            .find(|t| t.order_id == meal.order_id)
            .map(|t| t.out_trade_no.clone());
        let base = Finding {
            kind: Discrepancy::PaidNotServed,
            meal_point_id: meal.meal_point_id,
            order_id: Some(meal.order_id.clone()),
            out_trade_no,
            out_refund_no: None,
            ours_fen: None,
            billed_fen: None,
            note: String::new(),
        };
        match meal.state {
            OrderState::Cancelled | OrderState::NoShow if meal.kept_online_fen > 0 => findings
                .push(Finding {
                    ours_fen: Some(meal.kept_online_fen),
                    note: format!(
                        "订单{}，自付 {} 元未退",
                        meal.state.label_zh(),
                        yuan_text(meal.kept_online_fen)
                    ),
                    ..base
                }),
            OrderState::Served if meal.elder_share_fen > 0 && never_paid(meal) => {
                findings.push(Finding {
                    kind: Discrepancy::ServedNotPaid,
                    ours_fen: Some(meal.elder_share_fen),
                    note: format!(
                        "已用餐，自付 {} 元{}",
                        yuan_text(meal.elder_share_fen),
                        meal.payment_state.label_zh()
                    ),
                    ..base
                })
            }
            _ => {}
        }
    }
    findings
}

/// Whether a served meal's share is known not to have been paid. Counter payments are not
/// recorded by the service, so an `unpaid` share counts only where the meal point takes none.
fn never_paid(meal: &MealFacts) -> bool {
    match meal.payment_state {
        PaymentState::Pending | PaymentState::Closed | PaymentState::Refunded => true,
        PaymentState::Unpaid => meal.online_only,
        PaymentState::NotRequired
        | PaymentState::PaidAtCounter
        | PaymentState::PaidOnline
        | PaymentState::RefundPending
        | PaymentState::PartiallyRefunded => false,
    }
}

/// Why a day cannot be reconciled (yet).
#[derive(Debug, Clone, thiserror::Error, PartialEq, Eq)]
pub enum ReconciliationRuleError {
    /// WeChat Pay makes a day's bill the next morning.
    #[error("the day has not ended")]
    DayNotOver,
}

/// A day's bill can be asked for once the day has ended in Shanghai.
pub fn check_day_over(date: NaiveDate, today: NaiveDate) -> Result<(), ReconciliationRuleError> {
    if date >= today {
        return Err(ReconciliationRuleError::DayNotOver);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::wechat::pay::bill::{BillRefund, BillRow};

    fn day() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap()
    }

    fn row(no: &str, fen: i64, refund: Option<(&str, i64)>) -> BillRow {
        BillRow {
            at: day().and_hms_opt(9, 0, 0).unwrap(),
            sub_mchid: "1900000201".into(),
            transaction_id: "4200".into(),
            out_trade_no: no.into(),
            refund: refund.map(|(r, f)| BillRefund {
                refund_id: "5030".into(),
                out_refund_no: r.into(),
                amount_fen: f,
            }),
            amount_fen: fen,
        }
    }

    fn trade(no: &str, fen: i64) -> TradeFacts {
        TradeFacts {
            out_trade_no: no.into(),
            order_id: format!("order-{no}"),
            meal_point_id: 1,
            amount_fen: fen,
            paid_on: Some(day()),
        }
    }

    fn run(
        bill_rows: Vec<BillRow>,
        trades: &[TradeFacts],
        refunds: &[RefundFacts],
    ) -> Vec<Discrepancy> {
        let bill = Bill {
            rows: bill_rows,
            ..Default::default()
        };
        reconcile(&DayFacts {
            date: day(),
            meal_point_id: 1,
            sub_mchid: "1900000201",
            bill: &bill,
            trades,
            refunds,
            meals: &[],
        })
        .into_iter()
        .map(|f| f.kind)
        .collect()
    }

    #[test]
    fn a_bill_that_agrees_finds_nothing() {
        let refund = RefundFacts {
            out_refund_no: "R1".into(),
            out_trade_no: "A".into(),
            amount_fen: 200,
            succeeded_on: Some(day()),
        };
        let found = run(
            vec![row("A", 1250, None), row("A", 1250, Some(("R1", 200)))],
            &[trade("A", 1250)],
            &[refund],
        );
        assert!(found.is_empty(), "{found:?}");
    }

    #[test]
    fn each_difference_is_named() {
        assert_eq!(
            run(vec![row("A", 1249, None)], &[trade("A", 1250)], &[]),
            [Discrepancy::AmountDiffers]
        );
        assert_eq!(
            run(vec![row("X", 100, None)], &[], &[]),
            [Discrepancy::UnknownInBill]
        );
        assert_eq!(
            run(vec![], &[trade("A", 1250)], &[]),
            [Discrepancy::MissingFromBill]
        );
        let ours = RefundFacts {
            out_refund_no: "R1".into(),
            out_trade_no: "A".into(),
            amount_fen: 1250,
            succeeded_on: Some(day()),
        };
        assert_eq!(
            run(
                vec![
                    row("A", 1250, None),
                    row("A", 1250, Some(("R1", 1250))),
                    row("A", 1250, Some(("R2", 1250)))
                ],
                &[trade("A", 1250)],
                &[ours],
            ),
            [Discrepancy::RefundedTwice]
        );
        // Two partial refunds the service asked for are not a double refund.
        let partial = |no: &str| RefundFacts {
            out_refund_no: no.into(),
            out_trade_no: "A".into(),
            amount_fen: 300,
            succeeded_on: Some(day()),
        };
        assert!(
            run(
                vec![
                    row("A", 1250, None),
                    row("A", 1250, Some(("R1", 300))),
                    row("A", 1250, Some(("R2", 300)))
                ],
                &[trade("A", 1250)],
                &[partial("R1"), partial("R2")],
            )
            .is_empty()
        );
    }

    #[test]
    fn meals_keep_no_money_they_did_not_serve_and_serve_none_unpaid() {
        let meal = |state, payment_state, kept| MealFacts {
            order_id: "o".into(),
            meal_point_id: 1,
            state,
            payment_state,
            elder_share_fen: 500,
            kept_online_fen: kept,
            online_only: false,
        };
        let bill = Bill::default();
        let kinds = |meals: &[MealFacts]| -> Vec<Discrepancy> {
            reconcile(&DayFacts {
                date: day(),
                meal_point_id: 1,
                sub_mchid: "1900000201",
                bill: &bill,
                trades: &[],
                refunds: &[],
                meals,
            })
            .into_iter()
            .map(|f| f.kind)
            .collect()
        };
        assert_eq!(
            kinds(&[meal(OrderState::NoShow, PaymentState::PaidOnline, 500)]),
            [Discrepancy::PaidNotServed]
        );
        assert!(kinds(&[meal(OrderState::Cancelled, PaymentState::Refunded, 0)]).is_empty());
        assert_eq!(
            kinds(&[meal(OrderState::Served, PaymentState::Pending, 0)]),
            [Discrepancy::ServedNotPaid]
        );
        assert!(
            kinds(&[meal(OrderState::Served, PaymentState::Unpaid, 0)]).is_empty(),
            "paid at a counter the service does not see"
        );
        assert!(kinds(&[meal(OrderState::Served, PaymentState::PaidOnline, 500)]).is_empty());
    }
}
