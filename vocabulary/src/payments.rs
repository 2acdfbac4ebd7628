//! How the elder's share (自付) is paid, and what happens to a WeChat Pay trade and refund.

use crate::word;

word! {
    /// How a meal point takes the elder's share. A meal with nothing to pay (share 0.00) needs
    /// none of them.
    pub enum PaymentMethods {
        /// 线上支付: WeChat Pay in the mini program, before the meal; unpaid bookings lapse.
        Online = "online" => "线上支付",
        /// 到店付款: cash or a scan recorded by the operator at pickup.
        Counter = "counter" => "到店付款",
        /// 线上或到店: the elder chooses; an unpaid booking stays until the counter.
        Both = "both" => "线上或到店",
    }
}

impl PaymentMethods {
    /// An unpaid booking lapses when its payment time is up (only where the counter cannot take
    /// the money instead).
    pub const fn must_pay_online(self) -> bool {
        match self {
            PaymentMethods::Online => true,
            PaymentMethods::Counter | PaymentMethods::Both => false,
        }
    }

    pub const fn takes_online(self) -> bool {
        match self {
            PaymentMethods::Online | PaymentMethods::Both => true,
            PaymentMethods::Counter => false,
        }
    }

    /// The operator may record the share paid at the counter (cash or a scan).
    pub const fn takes_counter(self) -> bool {
        match self {
            PaymentMethods::Counter | PaymentMethods::Both => true,
            PaymentMethods::Online => false,
        }
    }
}

word! {
    /// How the elder paid the share at the counter, as the operator records it at pickup.
    pub enum CounterMethod {
        /// 现金.
        Cash = "cash" => "现金",
        /// 扫码: the elder scanned the meal point's own payment code (or the operator the elder's).
        Scan = "scan" => "扫码",
    }
}

word! {
    /// What a call to, or a message from, WeChat Pay was; every one is kept with its raw payload.
    pub enum PayEventKind {
        /// 下单: `POST /v3/pay/partner/transactions/jsapi`.
        Prepay = "prepay" => "下单",
        /// 查单: `GET /v3/pay/partner/transactions/out-trade-no/{no}`.
        Query = "query" => "查单",
        /// 关单: `POST …/out-trade-no/{no}/close`.
        Close = "close" => "关单",
        /// 退款申请: `POST /v3/refund/domestic/refunds`.
        Refund = "refund" => "退款申请",
        /// 支付通知 (verified and decrypted).
        PayNotice = "pay_notice" => "支付通知",
        /// 退款通知 (verified and decrypted).
        RefundNotice = "refund_notice" => "退款通知",
    }
}

word! {
    /// Where one refund stands at WeChat Pay.
    pub enum RefundState {
        /// 退款处理中: accepted by WeChat Pay, not yet confirmed.
        Processing = "processing" => "退款中",
        /// 退款成功.
        Succeeded = "succeeded" => "已退款",
        /// 退款异常/关闭: WeChat Pay could not return the money.
        Failed = "failed" => "退款失败",
    }
}

word! {
    /// What the daily reconciliation found when it set WeChat Pay's trade bill beside the orders.
    pub enum Discrepancy {
        /// 已付未用餐: the money was kept for a meal that was cancelled or not collected.
        PaidNotServed = "paid_not_served" => "已付款未用餐",
        /// 已用餐未付: a served meal whose share was never paid, online or at the counter.
        ServedNotPaid = "served_not_paid" => "已用餐未付款",
        /// 重复退款: more went back on a trade than one refund per request, or than was paid.
        RefundedTwice = "refunded_twice" => "重复退款",
        /// 金额不符: the bill's amount differs from ours, to the fen.
        AmountDiffers = "amount_differs" => "金额不符",
        /// 账单有、系统无: a trade or refund in the bill that the service never made or recorded.
        UnknownInBill = "unknown_in_bill" => "账单有系统无",
        /// 系统有、账单无: a payment or refund the service recorded that the bill does not list.
        MissingFromBill = "missing_from_bill" => "系统有账单无",
    }
}
