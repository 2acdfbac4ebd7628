//! WeChat subscribe messages (订阅消息): what a notice is about and where its delivery stands.

use crate::word;

word! {
    /// What a notice tells; each kind has its own subscribe template.
    pub enum NoticeKind {
        /// 预订成功: the pickup code and the time.
        BookingConfirmed = "booking_confirmed" => "预订成功",
        /// 取餐提醒: before the slot (for lunch, the evening before).
        SlotReminder = "slot_reminder" => "取餐提醒",
        /// 订单取消, with the reason: the meal point closed or paused, or an online booking
        /// lapsed unpaid (超时未支付).
        ClosureCancelled = "closure_cancelled" => "订单取消",
        /// 未取餐提醒: to the linked family, the elder did not collect the meal.
        NoShowAlert = "no_show_alert" => "未取餐提醒",
        /// 退款成功.
        RefundMade = "refund_made" => "退款成功",
        /// 投诉进展: a complaint was acknowledged, resolved, escalated or closed.
        ComplaintStep = "complaint_step" => "投诉进展",
        /// 评价回复: the meal point replied to a rating.
        RatingReply = "rating_reply" => "评价回复",
    }
}

word! {
    /// Where one notice's delivery stands.
    pub enum NoticeState {
        /// 待发送: waiting for its time, or for a retry.
        Pending = "pending" => "待发送",
        /// 已发送: WeChat took it.
        Sent = "sent" => "已发送",
        /// 未订阅: the recipient had no subscription left for its template; nothing was sent.
        NoQuota = "no_quota" => "未订阅",
        /// 无人可达: neither the elder nor any linked family member uses WeChat.
        Unreachable = "unreachable" => "无人可达",
        /// 发送失败: every retry failed.
        Failed = "failed" => "发送失败",
        /// 已作废: no longer true when due (a reminder for an order cancelled since).
        Obsolete = "obsolete" => "已作废",
    }
}

impl NoticeState {
    /// Whether the sender still has work to do on it.
    pub const fn is_open(self) -> bool {
        match self {
            NoticeState::Pending => true,
            NoticeState::Sent
            | NoticeState::NoQuota
            | NoticeState::Unreachable
            | NoticeState::Failed
            | NoticeState::Obsolete => false,
        }
    }
}

word! {
    /// What the mini program's `wx.requestSubscribeMessage` answered for one template.
    pub enum SubscribeAnswer {
        /// 允许: one more message of this template may be sent.
        Accept = "accept" => "允许",
        /// 拒绝.
        Reject = "reject" => "拒绝",
        /// 已被后台封禁.
        Ban = "ban" => "已封禁",
        /// 标题同名被过滤.
        Filter = "filter" => "已过滤",
    }
}

word! {
    /// Whether anyone on an elder's side was told about an order, as the operator's board shows.
    pub enum NoticeReach {
        /// 已通知: a notice reached the elder or the family.
        Reached = "reached" => "已通知",
        /// 通知中: a notice is on its way.
        Pending = "pending" => "通知中",
        /// 未通知: nobody uses WeChat, no subscription was left, or sending failed.
        NotReached = "not_reached" => "未通知",
    }
}
