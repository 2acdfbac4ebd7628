//! Who may do what with an elder record, and what a valid record looks like: plain functions
//! over plain inputs, unit-tested without a database.

use chrono::{Datelike, NaiveDate};
use vocabulary::ElderStatus;

use crate::{
    auth::{Caller, Role},
    throttle::Limit,
};

/// Why a field of an elder record or a family link is refused (each names its field).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ElderRuleError {
    /// The name (in `field`) is empty, too long or has control characters.
    #[error("name invalid")]
    NameInvalid { field: &'static str },
    #[error("phone invalid")]
    PhoneInvalid,
    #[error("address invalid")]
    AddressInvalid,
    #[error("reason invalid")]
    ReasonInvalid,
    #[error("relationship invalid")]
    RelationshipInvalid,
}

/// The facts of an elder record that decide who may reach it.
#[derive(Debug, Clone, Copy)]
pub struct ElderScope<'a> {
    /// The elder's own mini-program account, if they have one.
    pub own_account_id: Option<i64>,
    pub hukou_district: &'a str,
    pub residence_district: &'a str,
}

/// How a caller stands towards one elder record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Standing {
    /// May not even learn that the record exists (the API answers 404).
    Stranger,
    /// The elder, signed in to the mini program themselves.
    Own,
    /// A family member whose link the elder or a clerk approved.
    Family,
    /// A clerk of the elder's hukou or residence district (standing in for community staff), or
    /// the city admin.
    Staff,
}

impl Standing {
    /// Read the record and its quotes.
    pub fn may_see(self) -> bool {
        self != Standing::Stranger
    }

    /// Book, cancel and rate meals in the elder's name: the elder and approved family members.
    pub fn may_act_for(self) -> bool {
        matches!(self, Standing::Own | Standing::Family)
    }

    /// Edit the record, record categories, review self-registrations and family links.
    pub fn may_manage(self) -> bool {
        self == Standing::Staff
    }
}

/// The one access rule for elder records.
///
/// `approved_family` says whether the caller has an approved family link to this elder; only
/// consulted for mini-program roles. Staff standing comes from the role and district alone:
/// a clerk reaches elders whose hukou OR residence district is the clerk's (人户分离 elders are
/// reached from both sides), the city admin every elder, an operator none.
pub fn standing(caller: &Caller, elder: ElderScope<'_>, approved_family: bool) -> Standing {
    match caller.role {
        Role::CityAdmin => Standing::Staff,
        Role::DistrictClerk => {
            let ours = caller.district_code.as_deref().is_some_and(|district| {
                district == elder.hukou_district || district == elder.residence_district
            });
            if ours {
                Standing::Staff
            } else {
                Standing::Stranger
            }
        }
        Role::Operator | Role::Inspector => Standing::Stranger,
        Role::Elder | Role::Family => {
            if elder.own_account_id == Some(caller.account_id) {
                Standing::Own
            } else if approved_family {
                Standing::Family
            } else {
                Standing::Stranger
            }
        }
    }
}

/// Whether a clerk may put an elder with these districts on their books (create, or edit to).
/// A clerk's record must stay reachable by that clerk; moving an elder wholly to other districts
/// is the city's call.
pub fn clerk_may_place(caller: &Caller, hukou_district: &str, residence_district: &str) -> bool {
    match caller.role {
        Role::CityAdmin => true,
        Role::DistrictClerk => caller
            .district_code
            .as_deref()
            .is_some_and(|district| district == hukou_district || district == residence_district),
        _ => false,
    }
}

/// The hukou district decides who funds the district and street subsidy (the funding district of
/// settlement), so only the city moves it; a clerk of either district corrects everything else.
pub fn may_change_hukou(caller: &Caller) -> bool {
    caller.role == Role::CityAdmin
}

/// Family-link requests that named no registered elder, per asking account and Shanghai day: a
/// family member who mistypes a name or a number has ten tries a day; someone trying numbers or
/// names one after another gets no further.
pub const LINK_FAILURES_PER_ACCOUNT: Limit = Limit::per_day(10);

/// Family-link requests naming one ID-card number, from all accounts together, per day. The
/// sequence part of a number is three digits: given a name and a birth date, a thousand guesses
/// find it, so five a day is 200 days, however many WeChat accounts share the guessing. A real
/// family needs one or two; a number someone else spent the day's tries on waits until tomorrow
/// (or the community clerk links it).
pub const LINK_ATTEMPTS_PER_NUMBER: Limit = Limit::per_day(5);

/// A person's name as on the ID card: 1 to 32 characters after trimming, no control characters.
pub fn check_name(field: &'static str, name: &str) -> Result<String, ElderRuleError> {
    let name = name.trim();
    let length = name.chars().count();
    if !(1..=32).contains(&length) || name.chars().any(char::is_control) {
        return Err(ElderRuleError::NameInvalid { field });
    }
    Ok(name.to_string())
}

/// A mobile (11 digits, starting with 1) or a landline with area code (`0519-88881234`).
pub fn check_phone(phone: &str) -> Result<String, ElderRuleError> {
    let phone = phone.trim();
    let digits = phone.chars().filter(char::is_ascii_digit).count();
    let allowed = phone.chars().all(|c| c.is_ascii_digit() || c == '-');
    let mobile = digits == 11 && phone.len() == 11 && phone.starts_with('1');
    let landline = phone.starts_with('0') && (10..=12).contains(&digits) && phone.len() <= 20;
    if !allowed || !(mobile || landline) {
        return Err(ElderRuleError::PhoneInvalid);
    }
    Ok(phone.to_string())
}

/// Where the elder lives, as a clerk or a delivery rider would read it.
pub fn check_address(address: &str) -> Result<String, ElderRuleError> {
    let address = address.trim();
    let length = address.chars().count();
    if !(2..=128).contains(&length) || address.chars().any(char::is_control) {
        return Err(ElderRuleError::AddressInvalid);
    }
    Ok(address.to_string())
}

/// The reason a clerk gives when rejecting; shown to the person who asked.
pub fn check_reason(reason: &str) -> Result<String, ElderRuleError> {
    let reason = reason.trim();
    let length = reason.chars().count();
    if !(2..=200).contains(&length) {
        return Err(ElderRuleError::ReasonInvalid);
    }
    Ok(reason.to_string())
}

/// How a family member is related, in their own words (女儿, 儿子, 侄女 …); optional.
pub fn check_relationship(relationship: Option<&str>) -> Result<Option<String>, ElderRuleError> {
    let Some(relationship) = relationship.map(str::trim).filter(|r| !r.is_empty()) else {
        return Ok(None);
    };
    if relationship.chars().count() > 16 || relationship.chars().any(char::is_control) {
        return Err(ElderRuleError::RelationshipInvalid);
    }
    Ok(Some(relationship.to_string()))
}

/// Age in full years on `on`, from a stored birth date (the same reading as
/// [`IdCardNumber::age_on`](super::id_card::IdCardNumber::age_on): a 29 February birthday is
/// reached on 1 March in common years).
pub fn age_on(birth_date: NaiveDate, on: NaiveDate) -> u32 {
    let mut years = on.year() - birth_date.year();
    if (on.month(), on.day()) < (birth_date.month(), birth_date.day()) {
        years -= 1;
    }
    u32::try_from(years).unwrap_or(0)
}

/// Who a caller is to a family link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkParty {
    /// Not a party: may not learn the link exists.
    Outsider,
    /// The family member who asked.
    Requester,
    /// The elder, from their own account.
    Elder,
    /// A clerk of the elder's hukou or residence district, or the city admin.
    Staff,
}

impl LinkParty {
    /// Approve or reject a pending request: the elder or staff, never the requester.
    pub fn may_decide(self) -> bool {
        matches!(self, LinkParty::Elder | LinkParty::Staff)
    }

    /// End the link: any party.
    pub fn may_unlink(self) -> bool {
        self != LinkParty::Outsider
    }
}

pub fn link_party(caller: &Caller, family_account_id: i64, elder: ElderScope<'_>) -> LinkParty {
    match caller.role {
        Role::CityAdmin | Role::DistrictClerk | Role::Operator | Role::Inspector => {
            if standing(caller, elder, false) == Standing::Staff {
                LinkParty::Staff
            } else {
                LinkParty::Outsider
            }
        }
        Role::Elder | Role::Family => {
            if elder.own_account_id == Some(caller.account_id) {
                LinkParty::Elder
            } else if family_account_id == caller.account_id {
                LinkParty::Requester
            } else {
                LinkParty::Outsider
            }
        }
    }
}

/// A family link request must name the elder exactly as on the card: surrounding spaces are
/// forgiven, nothing else is.
pub fn names_match(on_record: &str, given: &str) -> bool {
    on_record.trim() == given.trim()
}

/// An elder record not (yet) in the programme: nobody books for it and no subsidy is worked out
/// for it until a clerk has approved it. One refusal for both, so the two never drift apart.
#[derive(Debug, thiserror::Error)]
#[error("elder record not active")]
pub struct ElderNotActive;

pub fn require_active(status: ElderStatus) -> Result<(), ElderNotActive> {
    match status {
        ElderStatus::Active => Ok(()),
        ElderStatus::PendingReview | ElderStatus::Rejected => Err(ElderNotActive),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::DomainError;

    const TIANNING: &str = "320402";
    const ZHONGLOU: &str = "320404";
    const WUJIN: &str = "320412";

    fn caller(account_id: i64, role: Role, district: Option<&str>) -> Caller {
        Caller {
            account_id,
            role,
            display_name: "测试".to_string(),
            district_code: district.map(str::to_string),
        }
    }

    /// A 天宁 hukou elder living in 钟楼 (人户分离) with their own account, id 7.
    fn elder() -> ElderScope<'static> {
        ElderScope {
            own_account_id: Some(7),
            hukou_district: TIANNING,
            residence_district: ZHONGLOU,
        }
    }

    #[test]
    fn the_access_table() {
        use Standing::*;
        let cases = [
            ("city admin", caller(1, Role::CityAdmin, None), false, Staff),
            (
                "hukou clerk",
                caller(2, Role::DistrictClerk, Some(TIANNING)),
                false,
                Staff,
            ),
            (
                "residence clerk",
                caller(3, Role::DistrictClerk, Some(ZHONGLOU)),
                false,
                Staff,
            ),
            (
                "clerk of an unrelated district",
                caller(4, Role::DistrictClerk, Some(WUJIN)),
                false,
                Stranger,
            ),
            (
                "clerk without a district",
                caller(4, Role::DistrictClerk, None),
                false,
                Stranger,
            ),
            ("operator", caller(5, Role::Operator, None), false, Stranger),
            (
                "operator, even with a link row",
                caller(5, Role::Operator, None),
                true,
                Stranger,
            ),
            ("the elder", caller(7, Role::Elder, None), false, Own),
            (
                "the elder, still a family account while under review",
                caller(7, Role::Family, None),
                false,
                Own,
            ),
            (
                "approved family",
                caller(8, Role::Family, None),
                true,
                Family,
            ),
            (
                "another elder who is also family",
                caller(9, Role::Elder, None),
                true,
                Family,
            ),
            (
                "family not linked (or pending)",
                caller(10, Role::Family, None),
                false,
                Stranger,
            ),
        ];
        for (who, caller, approved_family, expected) in cases {
            assert_eq!(
                standing(&caller, elder(), approved_family),
                expected,
                "{who}"
            );
        }
    }

    #[test]
    fn an_elder_without_an_account_is_nobody_s_own() {
        let scope = ElderScope {
            own_account_id: None,
            ..elder()
        };
        assert_eq!(
            standing(&caller(7, Role::Elder, None), scope, false),
            Standing::Stranger
        );
    }

    #[test]
    fn what_each_standing_allows() {
        use Standing::*;
        let table = [
            (Stranger, false, false, false),
            (Own, true, true, false),
            (Family, true, true, false),
            (Staff, true, false, true),
        ];
        for (standing, see, act, manage) in table {
            assert_eq!(standing.may_see(), see, "{standing:?}");
            assert_eq!(standing.may_act_for(), act, "{standing:?}");
            assert_eq!(standing.may_manage(), manage, "{standing:?}");
        }
    }

    #[test]
    fn only_the_city_moves_the_hukou_district() {
        assert!(may_change_hukou(&caller(1, Role::CityAdmin, None)));
        assert!(!may_change_hukou(&caller(
            2,
            Role::DistrictClerk,
            Some(TIANNING)
        )));
    }

    #[test]
    fn a_clerk_places_elders_only_within_reach() {
        let tianning = caller(2, Role::DistrictClerk, Some(TIANNING));
        assert!(clerk_may_place(&tianning, TIANNING, ZHONGLOU));
        assert!(clerk_may_place(&tianning, ZHONGLOU, TIANNING));
        assert!(!clerk_may_place(&tianning, ZHONGLOU, WUJIN));
        assert!(clerk_may_place(
            &caller(1, Role::CityAdmin, None),
            ZHONGLOU,
            WUJIN
        ));
        assert!(!clerk_may_place(
            &caller(5, Role::Operator, None),
            TIANNING,
            TIANNING
        ));
    }

    #[test]
    fn field_checks_name_their_field() {
        assert_eq!(check_name("name", "  王秀英 ").unwrap(), "王秀英");
        assert_eq!(
            check_name("name", "阿依古丽·买买提").unwrap(),
            "阿依古丽·买买提"
        );
        for bad in ["", "   ", "王\n秀英", &"长".repeat(33)] {
            let err = check_name("name", bad).unwrap_err();
            assert_eq!(err.field().as_deref(), Some("name"), "{bad:?}");
        }
        for good in ["13812345678", "0519-88881234", "051988881234"] {
            assert_eq!(check_phone(good).unwrap(), good);
        }
        for bad in ["1381234567", "23812345678", "138-1234-5678", "电话", "0519"] {
            assert_eq!(
                check_phone(bad).unwrap_err().field().as_deref(),
                Some("phone"),
                "{bad:?}"
            );
        }
        assert!(check_address("天宁区青龙街道龙锦路 12 号").is_ok());
        assert_eq!(
            check_address("x").unwrap_err().field().as_deref(),
            Some("address")
        );
        assert!(check_reason("无").is_err());
        assert!(check_reason("户籍信息与身份证不符").is_ok());
        assert_eq!(
            check_relationship(Some(" 女儿 ")).unwrap(),
            Some("女儿".into())
        );
        assert_eq!(check_relationship(Some("  ")).unwrap(), None);
        assert!(check_relationship(Some(&"亲".repeat(17))).is_err());
    }

    #[test]
    fn age_counts_full_years_on_the_given_day() {
        let birth = NaiveDate::from_ymd_opt(1946, 12, 1).unwrap();
        let on = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap();
        assert_eq!(age_on(birth, on(11, 30)), 79);
        assert_eq!(age_on(birth, on(12, 1)), 80);
        let leap = NaiveDate::from_ymd_opt(1944, 2, 29).unwrap();
        assert_eq!(
            age_on(leap, NaiveDate::from_ymd_opt(2025, 2, 28).unwrap()),
            80
        );
        assert_eq!(
            age_on(leap, NaiveDate::from_ymd_opt(2025, 3, 1).unwrap()),
            81
        );
        assert_eq!(
            age_on(on(1, 1), NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()),
            0
        );
    }

    #[test]
    fn who_is_who_on_a_family_link() {
        use LinkParty::*;
        // Link asked by account 8 for the elder of `elder()` (own account 7).
        let cases = [
            ("the requester", caller(8, Role::Family, None), Requester),
            ("the elder", caller(7, Role::Elder, None), Elder),
            (
                "another family member",
                caller(9, Role::Family, None),
                Outsider,
            ),
            (
                "residence clerk",
                caller(3, Role::DistrictClerk, Some(ZHONGLOU)),
                Staff,
            ),
            (
                "clerk elsewhere",
                caller(4, Role::DistrictClerk, Some(WUJIN)),
                Outsider,
            ),
            ("city admin", caller(1, Role::CityAdmin, None), Staff),
            ("operator", caller(5, Role::Operator, None), Outsider),
        ];
        for (who, caller, expected) in cases {
            assert_eq!(link_party(&caller, 8, elder()), expected, "{who}");
        }
        assert!(!Requester.may_decide() && Requester.may_unlink());
        assert!(Elder.may_decide() && Staff.may_decide());
        assert!(!Outsider.may_decide() && !Outsider.may_unlink());
    }

    #[test]
    fn names_must_match_exactly() {
        assert!(names_match("王秀英", " 王秀英 "));
        assert!(!names_match("王秀英", "王秀"));
        assert!(!names_match("王秀英", "王 秀英"));
    }
}
