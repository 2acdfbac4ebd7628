//! When and how a meal is served.

use chrono::Weekday;

use crate::word;

word! {
    /// A meal slot of the day. Declared in serving order, so `Ord` is the order of the day
    /// (breakfast before lunch before dinner): menus, hours and day views sort by it.
    pub enum Slot {
        Breakfast = "breakfast" => "早餐",
        Lunch = "lunch" => "午餐",
        Dinner = "dinner" => "晚餐",
    }
}

word! {
    /// How the elder receives the meal. Declared in the order the mini program lists them.
    pub enum ServiceMode {
        /// 堂食: eaten at the meal point.
        DineIn = "dine_in" => "堂食",
        /// 自取: collected at the counter and taken home.
        Pickup = "pickup" => "自取",
        /// 送餐: delivered to the elder's door.
        Delivery = "delivery" => "送餐",
    }
}

/// 周一 … 周日: how screens name a weekday.
pub fn weekday_label_zh(weekday: Weekday) -> &'static str {
    match weekday {
        Weekday::Mon => "周一",
        Weekday::Tue => "周二",
        Weekday::Wed => "周三",
        Weekday::Thu => "周四",
        Weekday::Fri => "周五",
        Weekday::Sat => "周六",
        Weekday::Sun => "周日",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slots_sort_in_serving_order() {
        let mut slots = vec![Slot::Dinner, Slot::Breakfast, Slot::Lunch];
        slots.sort();
        assert_eq!(slots, [Slot::Breakfast, Slot::Lunch, Slot::Dinner]);
        assert_eq!(Slot::ALL, [Slot::Breakfast, Slot::Lunch, Slot::Dinner]);
    }

    #[test]
    fn weekdays_and_labels() {
        assert_eq!(weekday_label_zh(Weekday::Mon), "周一");
        assert_eq!(weekday_label_zh(Weekday::Sun), "周日");
        assert_eq!(Slot::Breakfast.label_zh(), "早餐");
        assert_eq!(ServiceMode::DineIn.as_str(), "dine_in");
        assert_eq!(ServiceMode::Delivery.label_zh(), "送餐");
    }
}
