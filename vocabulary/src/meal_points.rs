//! What a meal point is and whether it serves.

use crate::word;

word! {
    /// The kinds of meal point in Changzhou's plan: the city's classification.
    pub enum MealPointKind {
        /// 中央厨房: cooks for other meal points and may deliver.
        CentralKitchen = "central_kitchen" => "中央厨房",
        /// 社区食堂 / 长者食堂: cooks and serves on site.
        CommunityCanteen = "community_canteen" => "社区食堂",
        /// 助餐点: serves meals cooked elsewhere.
        NeighbourhoodPoint = "neighbourhood_point" => "助餐点",
        /// 商户挂牌: a restaurant listed to serve elders at the subsidised price.
        MerchantListed = "merchant_listed" => "商户挂牌",
        /// 农村睦邻点: a village mutual-aid point, often a household cooking for its neighbours.
        RuralMutualAid = "rural_mutual_aid" => "农村睦邻点",
    }
}

word! {
    /// A meal point's status as stored; with its reason and dates it becomes the meal points
    /// domain's `MealPointStatus`.
    pub enum MealPointStatusKind {
        /// 正常营业.
        Open = "open" => "正常营业",
        /// 暂停营业: for a while (a holiday, kitchen repairs, an inspection), expected to reopen.
        Paused = "paused" => "暂停营业",
        /// 停止营业: the meal point stops serving (operator gave up, licence withdrawn).
        Closed = "closed" => "停止营业",
    }
}
