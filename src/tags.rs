//! The groups the API document lists operations under. A leaf module: every domain's HTTP face
//! names its group, and `api` gathers the domains.

use poem_openapi::Tags;

#[derive(Tags)]
pub enum ApiTags {
    /// Sign-in, sign-out, staff accounts
    Auth,
    /// Districts and streets
    Places,
    /// Meal points (助餐点): directory, near search, profiles, operators, status
    MealPoints,
    /// Dishes, offerings and the menu of a meal point
    Menus,
    /// Elders: registration, review, eligibility categories
    Elders,
    /// Family members linked to elders
    Families,
    /// Subsidy policy versions and meal quotes
    Subsidy,
    /// Booking, cancelling, pickup, delivery, no-shows
    Orders,
    /// Paying the elder's share (自付) with WeChat Pay, refunds, meal points' payment methods
    Payments,
    /// WeChat subscribe messages (订阅消息): subscriptions reported by the mini program
    Notices,
    /// Ratings of served meals and complaints (评价与投诉)
    Feedback,
    /// The supervisor view, inspectors and their visits (督查)
    Supervision,
    /// Same-city subsidy settlement (同城共享结算): runs, statements, review, exports
    Settlement,
    /// The plan's targets and the dashboard's aggregates (监管看板)
    Dashboard,
}
