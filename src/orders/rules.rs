//! Order rules as plain functions: the state machine, what a booking may contain, pickup codes,
//! and the time windows for cancelling, verifying and marking no-shows.

use std::collections::HashSet;

use chrono::{DateTime, Duration, NaiveDate, NaiveTime, Utc};
use rand::Rng;

use crate::clock::shanghai_to_utc;

pub use vocabulary::OrderState;
use vocabulary::Slot;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OrderRuleError {
    #[error("no items")]
    NoItems,
    #[error("too many items")]
    TooManyItems,
    #[error("quantity out of range")]
    QuantityOutOfRange { offering_id: i64 },
    #[error("offering listed twice")]
    DuplicateOffering { offering_id: i64 },
    #[error("client key")]
    ClientKeyInvalid,
    #[error("state {from:?} cannot become {to:?}")]
    IllegalTransition { from: OrderState, to: OrderState },
    #[error("cutoff passed")]
    CancelCutoffPassed,
    #[error("reason required")]
    ReasonRequired,
    #[error("not the day")]
    NotServiceDay,
    #[error("slot not started")]
    SlotNotOpenForPickup,
    #[error("slot not over")]
    SlotNotOver,
    #[error("signature required")]
    SignatureRequired,
    #[error("delivery address too long")]
    DeliveryAddressTooLong,
    #[error("delivery address required")]
    DeliveryAddressRequired,
    #[error("reason too long")]
    ReasonTooLong,
}

pub const MAX_LINES: usize = 10;
pub const MAX_QUANTITY: i32 = 5;

/// A booking's lines: at least one, at most [`MAX_LINES`], each offering once, 1 to
/// [`MAX_QUANTITY`] portions. An elder's lunch is a few dishes, not a banquet; the bounds also
/// keep one request from emptying an offering by mistake.
pub fn validate_lines(lines: &[(i64, i32)]) -> Result<(), OrderRuleError> {
    if lines.is_empty() {
        return Err(OrderRuleError::NoItems);
    }
    if lines.len() > MAX_LINES {
        return Err(OrderRuleError::TooManyItems);
    }
    let mut seen = HashSet::new();
    for &(offering_id, quantity) in lines {
        if !(1..=MAX_QUANTITY).contains(&quantity) {
            return Err(OrderRuleError::QuantityOutOfRange { offering_id });
        }
        if !seen.insert(offering_id) {
            return Err(OrderRuleError::DuplicateOffering { offering_id });
        }
    }
    Ok(())
}

/// Client idempotency keys: a UUID or similar, 8 to 128 characters of `[A-Za-z0-9_-]`.
pub fn validate_client_key(key: &str) -> Result<(), OrderRuleError> {
    let ok = (8..=128).contains(&key.len())
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(OrderRuleError::ClientKeyInvalid)
    }
}

/// A pickup code: six digits, easy to read aloud to an operator, random so it cannot be guessed
/// from another order's (the verify endpoint is also rate-limited).
pub fn new_pickup_code(rng: &mut impl Rng) -> String {
    format!("{:06}", rng.random_range(0..1_000_000u32))
}

/// Whether an input looks like a pickup code at all (the scanner may send a QR payload; see
/// [`pickup_code_from_scan`]).
pub fn is_pickup_code(code: &str) -> bool {
    code.len() == 6 && code.chars().all(|c| c.is_ascii_digit())
}

/// The QR code in the mini program carries `ZC1:<order id>:<pickup code>`; a typed code is just
/// the six digits. Both come out as the code.
pub fn pickup_code_from_scan(input: &str) -> &str {
    let input = input.trim();
    match input.strip_prefix("ZC1:") {
        Some(rest) => rest.rsplit(':').next().unwrap_or_default(),
        None => input,
    }
}

pub fn qr_payload(order_id: &str, pickup_code: &str) -> String {
    format!("ZC1:{order_id}:{pickup_code}")
}

/// Elders and families cancel until the offering's order cutoff; after it the kitchen has
/// cooked. Operators may cancel later, with a reason (the kitchen closed, say).
pub fn check_cancel(
    state: OrderState,
    by_operator: bool,
    reason: Option<&str>,
    cutoff_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> Result<(), OrderRuleError> {
    if !state.can_become(OrderState::Cancelled) {
        return Err(OrderRuleError::IllegalTransition {
            from: state,
            to: OrderState::Cancelled,
        });
    }
    if by_operator {
        if reason.is_none_or(|r| r.trim().is_empty()) {
            return Err(OrderRuleError::ReasonRequired);
        }
        return Ok(());
    }
    if now >= cutoff_at {
        return Err(OrderRuleError::CancelCutoffPassed);
    }
    Ok(())
}

/// How long before a slot opens an operator may already hand out meals (they are packed early).
pub const PICKUP_EARLY: Duration = Duration::minutes(60);

/// Pickup verification happens on the meal's date, from shortly before the slot opens until the
/// slot closes plus the grace period.
pub fn check_pickup_window(
    date: NaiveDate,
    slot_opens: NaiveTime,
    slot_closes: NaiveTime,
    grace: Duration,
    now: DateTime<Utc>,
) -> Result<(), OrderRuleError> {
    let opens = shanghai_to_utc(date.and_time(slot_opens)) - PICKUP_EARLY;
    let ends = shanghai_to_utc(date.and_time(slot_closes)) + grace;
    if crate::clock::shanghai_today(now) != date || now > ends {
        return Err(OrderRuleError::NotServiceDay);
    }
    if now < opens {
        return Err(OrderRuleError::SlotNotOpenForPickup);
    }
    Ok(())
}

/// A live order becomes a no-show once its slot has closed and the grace period has passed.
pub fn no_show_due(
    date: NaiveDate,
    slot_closes: NaiveTime,
    grace: Duration,
    now: DateTime<Utc>,
) -> bool {
    now >= shanghai_to_utc(date.and_time(slot_closes)) + grace
}

/// The longest delivery address kept (the column's size; a real one is far shorter).
pub const DELIVERY_ADDRESS_MAX_CHARS: usize = 200;

/// A delivery address given with a booking: trimmed, `None` when blank (the elder's own address
/// is used then), at most [`DELIVERY_ADDRESS_MAX_CHARS`] characters.
pub fn check_delivery_address(raw: Option<&str>) -> Result<Option<String>, OrderRuleError> {
    let Some(address) = raw.map(str::trim).filter(|a| !a.is_empty()) else {
        return Ok(None);
    };
    if address.chars().count() > DELIVERY_ADDRESS_MAX_CHARS {
        return Err(OrderRuleError::DeliveryAddressTooLong);
    }
    Ok(Some(address.to_owned()))
}

/// The longest reason kept for a cancellation.
pub const REASON_MAX_CHARS: usize = 200;

/// A cancellation's reason: trimmed, `None` when blank, at most [`REASON_MAX_CHARS`] characters.
pub fn check_reason(raw: Option<&str>) -> Result<Option<&str>, OrderRuleError> {
    let reason = raw.map(str::trim).filter(|r| !r.is_empty());
    if reason.is_some_and(|r| r.chars().count() > REASON_MAX_CHARS) {
        return Err(OrderRuleError::ReasonTooLong);
    }
    Ok(reason)
}

/// Delivery is signed for by name (泰州: 核对姓名、菜品及数量，确定无误后签收).
pub fn check_signature(signed_by: &str) -> Result<&str, OrderRuleError> {
    let name = signed_by.trim();
    if name.is_empty() || name.chars().count() > 32 {
        return Err(OrderRuleError::SignatureRequired);
    }
    Ok(name)
}

/// An order as the operator's day view counts it.
pub struct DayOrder<'a> {
    pub id: &'a str,
    pub slot: Slot,
    pub state: OrderState,
}

/// A line of an order, as the day view adds portions up.
pub struct DayLine<'a> {
    pub order_id: &'a str,
    pub dish_name: &'a str,
    pub quantity: i32,
}

/// One slot of the operator's day: what to cook and where the orders stand.
#[derive(Debug, PartialEq, Eq)]
pub struct SlotDay {
    pub slot: Slot,
    /// Portions to cook per dish, by dish name: the lines of the orders still cooked for.
    pub dishes: Vec<(String, i64)>,
    states: Vec<OrderState>,
}

impl SlotDay {
    /// How many of the slot's orders are in this state.
    pub fn count(&self, state: OrderState) -> u32 {
        let n = self.states.iter().filter(|s| **s == state).count();
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// The day per slot, in slot order: every slot the meal point serves (`served`), and any other
/// slot that has orders all the same (hours changed after booking).
pub fn day_slots(orders: &[DayOrder<'_>], lines: &[DayLine<'_>], served: &[Slot]) -> Vec<SlotDay> {
    let mut slots = Vec::new();
    for &slot in Slot::ALL {
        let in_slot: Vec<&DayOrder<'_>> = orders.iter().filter(|o| o.slot == slot).collect();
        if in_slot.is_empty() && !served.contains(&slot) {
            continue;
        }
        let mut dishes: std::collections::BTreeMap<String, i64> = Default::default();
        for order in in_slot.iter().filter(|o| o.state.is_cooked_for()) {
            for line in lines.iter().filter(|l| l.order_id == order.id) {
                *dishes.entry(line.dish_name.to_string()).or_default() += i64::from(line.quantity);
            }
        }
        slots.push(SlotDay {
            slot,
            dishes: dishes.into_iter().collect(),
            states: in_slot.iter().map(|o| o.state).collect(),
        });
    }
    slots
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderState::*;

    fn at(local: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(&format!("{local}+08:00"))
            .unwrap()
            .with_timezone(&Utc)
    }

    fn date(s: &str) -> NaiveDate {
        s.parse().unwrap()
    }

    fn time(s: &str) -> NaiveTime {
        NaiveTime::parse_from_str(s, "%H:%M").unwrap()
    }

    #[test]
    fn booking_lines() {
        assert_eq!(validate_lines(&[]), Err(OrderRuleError::NoItems));
        assert!(validate_lines(&[(1, 1), (2, 5)]).is_ok());
        assert_eq!(
            validate_lines(&[(1, 0)]),
            Err(OrderRuleError::QuantityOutOfRange { offering_id: 1 })
        );
        assert_eq!(
            validate_lines(&[(1, 6)]),
            Err(OrderRuleError::QuantityOutOfRange { offering_id: 1 })
        );
        assert_eq!(
            validate_lines(&[(1, 1), (1, 2)]),
            Err(OrderRuleError::DuplicateOffering { offering_id: 1 })
        );
        let many: Vec<(i64, i32)> = (0..11).map(|i| (i, 1)).collect();
        assert_eq!(validate_lines(&many), Err(OrderRuleError::TooManyItems));
    }

    #[test]
    fn client_keys() {
        assert!(validate_client_key("0190f3c4-aaaa-7bbb-8ccc-123456789abc").is_ok());
        assert!(validate_client_key("short").is_err());
        assert!(validate_client_key("has spaces in it").is_err());
        assert!(validate_client_key(&"x".repeat(129)).is_err());
    }

    #[test]
    fn pickup_codes_are_six_digits_and_scans_are_read() {
        let mut rng = rand::rng();
        for _ in 0..100 {
            let code = new_pickup_code(&mut rng);
            assert!(is_pickup_code(&code), "{code}");
        }
        assert_eq!(pickup_code_from_scan("ZC1:0190-abc:004213"), "004213");
        assert_eq!(pickup_code_from_scan(" 004213 "), "004213");
        assert_eq!(qr_payload("o1", "004213"), "ZC1:o1:004213");
        assert!(!is_pickup_code("12345"));
        assert!(!is_pickup_code("12345a"));
    }

    #[test]
    fn cancelling_before_and_after_cutoff() {
        let cutoff = at("2026-11-23T09:30:00");
        assert!(check_cancel(Booked, false, None, cutoff, at("2026-11-23T09:29:59")).is_ok());
        assert_eq!(
            check_cancel(Booked, false, None, cutoff, at("2026-11-23T09:30:00")),
            Err(OrderRuleError::CancelCutoffPassed)
        );
        // The operator may cancel after the cutoff, but must say why.
        assert_eq!(
            check_cancel(Booked, true, Some("  "), cutoff, at("2026-11-23T10:00:00")),
            Err(OrderRuleError::ReasonRequired)
        );
        assert!(
            check_cancel(
                Booked,
                true,
                Some("厨房停电"),
                cutoff,
                at("2026-11-23T10:00:00")
            )
            .is_ok()
        );
        assert!(matches!(
            check_cancel(Served, true, Some("x"), cutoff, at("2026-11-23T08:00:00")),
            Err(OrderRuleError::IllegalTransition { .. })
        ));
    }

    #[test]
    fn pickup_window() {
        let grace = Duration::minutes(30);
        let (opens, closes) = (time("11:00"), time("12:30"));
        let day = date("2026-11-23");
        assert!(check_pickup_window(day, opens, closes, grace, at("2026-11-23T11:15:00")).is_ok());
        assert!(check_pickup_window(day, opens, closes, grace, at("2026-11-23T10:00:00")).is_ok());
        assert_eq!(
            check_pickup_window(day, opens, closes, grace, at("2026-11-23T09:59:00")),
            Err(OrderRuleError::SlotNotOpenForPickup)
        );
        assert_eq!(
            check_pickup_window(day, opens, closes, grace, at("2026-11-23T13:01:00")),
            Err(OrderRuleError::NotServiceDay)
        );
        assert_eq!(
            check_pickup_window(day, opens, closes, grace, at("2026-11-24T11:15:00")),
            Err(OrderRuleError::NotServiceDay)
        );
    }

    #[test]
    fn no_shows_after_the_slot_and_grace() {
        let grace = Duration::minutes(30);
        let day = date("2026-11-23");
        assert!(!no_show_due(
            day,
            time("12:30"),
            grace,
            at("2026-11-23T12:59:59")
        ));
        assert!(no_show_due(
            day,
            time("12:30"),
            grace,
            at("2026-11-23T13:00:00")
        ));
    }

    #[test]
    fn delivery_addresses_and_reasons_are_bounded() {
        assert_eq!(check_delivery_address(None), Ok(None));
        assert_eq!(check_delivery_address(Some("  ")), Ok(None));
        assert_eq!(
            check_delivery_address(Some(" 南大街1号 ")),
            Ok(Some("南大街1号".into()))
        );
        let longest = "路".repeat(DELIVERY_ADDRESS_MAX_CHARS);
        assert!(check_delivery_address(Some(&longest)).is_ok());
        assert_eq!(
            check_delivery_address(Some(&format!("{longest}路"))),
            Err(OrderRuleError::DeliveryAddressTooLong)
        );
        assert_eq!(check_reason(Some(" 厨房停电 ")), Ok(Some("厨房停电")));
        assert_eq!(
            check_reason(Some(&"因".repeat(201))),
            Err(OrderRuleError::ReasonTooLong)
        );
    }

    #[test]
    fn signatures() {
        assert_eq!(check_signature(" 王秀英 "), Ok("王秀英"));
        assert_eq!(check_signature(""), Err(OrderRuleError::SignatureRequired));
    }

    #[test]
    fn the_day_counts_portions_of_meals_still_cooked_for_and_orders_by_state() {
        let order = |id, slot, state| DayOrder { id, slot, state };
        let line = |order_id, dish_name, quantity| DayLine {
            order_id,
            dish_name,
            quantity,
        };
        let orders = [
            order("a", Slot::Lunch, Booked),
            order("b", Slot::Lunch, Cancelled),
            order("c", Slot::Lunch, Served),
            order("d", Slot::Breakfast, NoShow),
        ];
        let lines = [
            line("a", "红烧肉", 2),
            line("b", "红烧肉", 5),
            line("c", "红烧肉", 1),
            line("c", "青菜", 1),
            line("d", "粥", 1),
        ];
        // Lunch and dinner served; breakfast has an order although its hours were taken away.
        let day = day_slots(&orders, &lines, &[Slot::Lunch, Slot::Dinner]);
        let slots: Vec<Slot> = day.iter().map(|d| d.slot).collect();
        assert_eq!(slots, [Slot::Breakfast, Slot::Lunch, Slot::Dinner]);
        let lunch = &day[1];
        assert_eq!(
            lunch.dishes,
            [("红烧肉".to_string(), 3), ("青菜".to_string(), 1)]
        );
        assert_eq!(
            [Booked, Served, Cancelled, NoShow].map(|s| lunch.count(s)),
            [1, 1, 1, 0]
        );
        // Neither a cancelled order's nor a no-show's portions are cooked.
        assert!(day[0].dishes.is_empty());
        assert_eq!(day[0].count(NoShow), 1);
        assert!(day[2].dishes.is_empty());
        assert_eq!(day[2].count(Booked), 0);
    }
}
