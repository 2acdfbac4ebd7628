//! An order's life and, beside it (never mixed into it), its payment.

use crate::word;

word! {
    /// Where an order is in its life (DESIGN.md, "Orders"). Payment is [`PaymentState`], kept
    /// beside this.
    pub enum OrderState {
        /// 已预订: portions and the elder's slot are held.
        Booked = "booked" => "已预订",
        /// 配送中: a delivery on its way.
        OutForDelivery = "out_for_delivery" => "配送中",
        /// 已用餐: picked up, eaten in or signed for; the only state that counts for subsidy.
        Served = "served" => "已用餐",
        /// 已取消: by the elder or family before the cutoff, or by the meal point with a reason.
        Cancelled = "cancelled" => "已取消",
        /// 未取餐: the slot ended (plus grace) without the meal being served.
        NoShow = "no_show" => "未取餐",
    }
}

impl OrderState {
    /// The states an order may move to from this one. Everything else is refused, whoever asks.
    pub const fn next(self) -> &'static [OrderState] {
        use OrderState::*;
        match self {
            Booked => &[OutForDelivery, Served, Cancelled, NoShow],
            OutForDelivery => &[Served, NoShow],
            Served | Cancelled | NoShow => &[],
        }
    }

    /// Whether the state machine allows `self → to`.
    pub fn can_become(self, to: OrderState) -> bool {
        self.next().contains(&to)
    }

    /// Still holding portions and the elder's slot quota.
    pub const fn is_live(self) -> bool {
        match self {
            OrderState::Booked | OrderState::OutForDelivery => true,
            OrderState::Served | OrderState::Cancelled | OrderState::NoShow => false,
        }
    }

    /// The meal was (or is being) cooked for this order: the kitchen counts its portions.
    pub const fn is_cooked_for(self) -> bool {
        match self {
            OrderState::Booked | OrderState::OutForDelivery | OrderState::Served => true,
            OrderState::Cancelled | OrderState::NoShow => false,
        }
    }

    /// The live states, for queries.
    pub const LIVE: [OrderState; 2] = [OrderState::Booked, OrderState::OutForDelivery];
}

word! {
    /// Where the payment of the elder's share (自付) stands, beside the order's state.
    ///
    /// Orders have been written `unpaid` (to be paid at the counter) since the start and the demo
    /// history `paid_at_counter`; online payment (WeChat Pay) adds the other states.
    pub enum PaymentState {
        /// 无需支付: the elder's share is 0.00.
        NotRequired = "not_required" => "无需支付",
        /// 待付款（到店付）: to be paid at the counter when the meal is collected.
        Unpaid = "unpaid" => "到店付款",
        /// 待支付: online payment started, waiting for WeChat Pay's notification.
        Pending = "pending" => "待支付",
        /// 已付款（到店）: the operator recorded cash or a scan at the counter.
        PaidAtCounter = "paid_at_counter" => "已到店付款",
        /// 已支付（微信）: WeChat Pay confirmed the payment.
        PaidOnline = "paid_wechat" => "已支付",
        /// 退款中: a refund was asked of WeChat Pay, not yet confirmed.
        RefundPending = "refund_pending" => "退款中",
        /// 已退款: the whole share went back.
        Refunded = "refunded" => "已退款",
        /// 部分退款: part of the share went back (an operator's partial refund with a reason).
        PartiallyRefunded = "partially_refunded" => "部分退款",
        /// 已关闭: online payment was due and never made; the trade was closed and the booking
        /// cancelled.
        Closed = "closed" => "已关闭",
    }
}

impl PaymentState {
    /// The payment states this one may move to.
    pub const fn next(self) -> &'static [PaymentState] {
        use PaymentState::*;
        match self {
            NotRequired => &[],
            // A meal point taking both: paid online without ever being due online.
            Unpaid => &[PaidAtCounter, Pending, PaidOnline],
            Pending => &[PaidOnline, Unpaid, Closed],
            PaidAtCounter => &[],
            PaidOnline => &[RefundPending],
            // Back to paid when WeChat Pay could not make the refund.
            RefundPending => &[Refunded, PartiallyRefunded, PaidOnline],
            PartiallyRefunded => &[RefundPending],
            // Money that arrived after the trade lapsed (it is refunded at once).
            Closed => &[PaidOnline],
            Refunded => &[],
        }
    }

    pub fn can_become(self, to: PaymentState) -> bool {
        self.next().contains(&to)
    }

    /// Money has reached the meal point (and not all of it gone back).
    pub const fn is_paid(self) -> bool {
        match self {
            PaymentState::PaidAtCounter
            | PaymentState::PaidOnline
            | PaymentState::RefundPending
            | PaymentState::PartiallyRefunded => true,
            PaymentState::NotRequired
            | PaymentState::Unpaid
            | PaymentState::Pending
            | PaymentState::Refunded
            | PaymentState::Closed => false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use OrderState::*;

    #[test]
    fn the_order_state_machine_allows_only_its_moves() {
        let allowed = [
            (Booked, Served),
            (Booked, Cancelled),
            (Booked, NoShow),
            (Booked, OutForDelivery),
            (OutForDelivery, Served),
            (OutForDelivery, NoShow),
        ];
        for &from in OrderState::ALL {
            for &to in OrderState::ALL {
                assert_eq!(
                    from.can_become(to),
                    allowed.contains(&(from, to)),
                    "{from:?} -> {to:?}"
                );
            }
        }
        assert!(Booked.is_live() && OutForDelivery.is_live());
        assert!(!Served.is_live() && !Cancelled.is_live() && !NoShow.is_live());
        assert_eq!(
            OrderState::LIVE.to_vec(),
            OrderState::ALL
                .iter()
                .copied()
                .filter(|s| s.is_live())
                .collect::<Vec<_>>()
        );
    }

    #[test]
    fn payments_never_leave_a_final_state() {
        for &state in PaymentState::ALL {
            assert!(!state.can_become(state), "{state:?} to itself");
        }
        for state in [
            PaymentState::NotRequired,
            PaymentState::Refunded,
            PaymentState::PaidAtCounter,
        ] {
            assert!(state.next().is_empty(), "{state:?}");
        }
        assert!(PaymentState::PaidOnline.can_become(PaymentState::RefundPending));
        assert!(!PaymentState::Unpaid.can_become(PaymentState::Refunded));
        assert!(PaymentState::PartiallyRefunded.is_paid());
        assert!(!PaymentState::Refunded.is_paid());
    }
}
