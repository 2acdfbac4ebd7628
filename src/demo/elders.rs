//! Demo elders, their families and the demo subsidy policy.
//!
//! 36 registered elders across all seven districts, aged 60 to 100 on the day the demo is seeded
//! (the table's birth dates are written for [`AGES_AS_OF`] and move with the seeding day, so ages,
//! subsidy bands and birthdays a few days ahead stay what the table says), with mixed categories; several live outside their hukou district (人户分离),
//! among them 天宁 elders living in 钟楼. Two elders sign in themselves (`demo-elder-1`,
//! `demo-elder-2`), five family members are linked (`demo-family-1` … `demo-family-5`, the last
//! one still waiting for approval), and `demo-applicant-1` has registered herself and waits for
//! the 天宁 clerk. ID-card numbers are made up but valid (region code of the hukou district, real
//! birth date, correct check character); 常州经开区 has no GB/T 2260 code of its own, so its
//! elders carry 武进's (320412), the district it was carved from.

use std::collections::HashMap;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use entity::family_link;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ConnectionTrait, EntityTrait};

use crate::{
    auth::{Role, store as accounts},
    elders::{
        ElderStatus, LinkStatus,
        id_card::IdCardNumber,
        store::{self as elder_store, NewElder},
        vault::IdCardVault,
    },
    error::{AppError, AppResult},
    places::store as place_store,
    subsidy::{Category, EXAMPLE_POLICY_TOML, parse_policy, store as policy_store},
};

const TIANNING: &str = "320402";
const ZHONGLOU: &str = "320404";
const XINBEI: &str = "320411";
const WUJIN: &str = "320412";
const JINTAN: &str = "320413";
const LIYANG: &str = "320481";
const ETDZ: &str = "CZ-ETDZ";

/// The mini-program users the demo creates; sign in through the fake WeChat with the code
/// `dev.<openid>.<anything>`.
pub const DEMO_WECHAT_USERS: &[(&str, &str)] = &[
    (
        "demo-elder-1",
        "杨德华, an elder (天宁, 82) who signs in himself",
    ),
    ("demo-elder-2", "吴国平, an elder (钟楼, 73, 低保)"),
    ("demo-family-1", "张丽, family of 王秀英 and 李建国"),
    (
        "demo-family-2",
        "刘洋, family of 刘志强 and 张桂兰 (天宁 hukou, living in 钟楼)",
    ),
    ("demo-family-3", "钱敏, family of 钱秀珍 and 秦月娥 (武进)"),
    (
        "demo-family-4",
        "杨帆, family of 杨德华 (approved by the elder himself)",
    ),
    (
        "demo-family-5",
        "周婷, asked to link to 周淑贞; waiting for approval",
    ),
    (
        "demo-applicant-1",
        "顾建英, registered herself; waiting for the 天宁 clerk",
    ),
];

/// The day the table's birth dates are written for.
pub const AGES_AS_OF: NaiveDate = match NaiveDate::from_ymd_opt(2026, 11, 23) {
    Some(date) => date,
    None => panic!("a valid date"),
};

pub struct DemoElder {
    pub name: &'static str,
    pub hukou: &'static str,
    pub residence: &'static str,
    /// The birth date as of [`AGES_AS_OF`]; see [`DemoElder::birth_date`].
    pub birth: (i32, u32, u32),
    pub female: bool,
    /// Which of the residence district's demo streets.
    pub street: usize,
    pub categories: &'static [Category],
    /// The elder's own mini-program account.
    pub own_openid: Option<&'static str>,
    pub status: ElderStatus,
}

const fn elder(
    name: &'static str,
    hukou: &'static str,
    residence: &'static str,
    birth: (i32, u32, u32),
    female: bool,
    street: usize,
    categories: &'static [Category],
) -> DemoElder {
    DemoElder {
        name,
        hukou,
        residence,
        birth,
        female,
        street,
        categories,
        own_openid: None,
        status: ElderStatus::Active,
    }
}

impl DemoElder {
    /// The birth date when the demo is seeded on `today`: the table's date moved by as many days
    /// as `today` is after [`AGES_AS_OF`], so each elder is as old on the seeding day as on that
    /// day, and a birthday a week ahead in the table is a week ahead of `today`.
    pub fn birth_date(&self, today: NaiveDate) -> NaiveDate {
        let (year, month, day) = self.birth;
        let as_of = NaiveDate::from_ymd_opt(year, month, day).unwrap_or(NaiveDate::MIN);
        as_of + (today - AGES_AS_OF)
    }
}

const fn with_account(mut elder: DemoElder, openid: &'static str) -> DemoElder {
    elder.own_openid = Some(openid);
    elder
}

const fn pending(mut elder: DemoElder, openid: &'static str) -> DemoElder {
    elder.own_openid = Some(openid);
    elder.status = ElderStatus::PendingReview;
    elder
}

use Category::*;

#[rustfmt::skip]
pub const DEMO_ELDERS: &[DemoElder] = &[
    // 天宁区, three of them living in 钟楼 and one in 新北
    elder("王秀英", TIANNING, TIANNING, (1941, 3, 12), true, 0, &[]),
    elder("李建国", TIANNING, TIANNING, (1953, 8, 20), false, 1, &[Dibao]),
    elder("张桂兰", TIANNING, ZHONGLOU, (1938, 5, 6), true, 0, &[LivingAlone]),
    elder("刘志强", TIANNING, ZHONGLOU, (1950, 11, 2), false, 2, &[]),
    // Turns 80 eight days after the demo's day.
    elder("陈玉珍", TIANNING, ZHONGLOU, (1946, 12, 1), true, 3, &[TekunDispersed]),
    with_account(elder("杨德华", TIANNING, TIANNING, (1944, 7, 18), false, 2, &[DisabledLowIncome, LivingAlone]), "demo-elder-1"),
    elder("赵凤英", TIANNING, TIANNING, (1934, 1, 25), true, 4, &[SpecialFamily]),
    elder("孙德明", TIANNING, XINBEI, (1958, 9, 9), false, 0, &[DibaoEdge]),
    // 钟楼区
    elder("周淑贞", ZHONGLOU, ZHONGLOU, (1945, 4, 4), true, 0, &[]),
    with_account(elder("吴国平", ZHONGLOU, ZHONGLOU, (1953, 2, 14), false, 1, &[Dibao]), "demo-elder-2"),
    elder("郑秀兰", ZHONGLOU, ZHONGLOU, (1930, 10, 10), true, 2, &[TekunCentralized]),
    elder("冯建华", ZHONGLOU, TIANNING, (1949, 6, 30), false, 1, &[]),
    elder("何翠英", ZHONGLOU, ZHONGLOU, (1962, 12, 24), true, 4, &[SevereDisability]),
    elder("许永福", ZHONGLOU, ZHONGLOU, (1939, 8, 8), false, 5, &[KeyEntitled]),
    elder("曹美华", ZHONGLOU, WUJIN, (1955, 3, 3), true, 0, &[LivingAlone]),
    // 新北区
    elder("邹春生", XINBEI, XINBEI, (1948, 2, 11), false, 0, &[]),
    elder("彭桂芳", XINBEI, XINBEI, (1936, 9, 19), true, 1, &[Dibao, LivingAlone]),
    elder("蒋志远", XINBEI, XINBEI, (1960, 5, 27), false, 2, &[]),
    elder("沈玉梅", XINBEI, ZHONGLOU, (1943, 11, 30), true, 1, &[DisabledLowIncome]),
    elder("韩金宝", XINBEI, XINBEI, (1951, 7, 7), false, 3, &[SpecialFamily]),
    // 武进区
    elder("钱秀珍", WUJIN, WUJIN, (1940, 1, 15), true, 0, &[]),
    elder("朱保国", WUJIN, WUJIN, (1957, 10, 1), false, 1, &[TekunDispersed]),
    elder("秦月娥", WUJIN, WUJIN, (1926, 3, 15), true, 2, &[]),
    elder("尤德胜", WUJIN, TIANNING, (1947, 4, 22), false, 2, &[]),
    elder("施凤兰", WUJIN, WUJIN, (1952, 8, 16), true, 3, &[DibaoEdge]),
    elder("张福根", WUJIN, WUJIN, (1966, 5, 1), false, 4, &[]),
    // 金坛区
    elder("汤金凤", JINTAN, JINTAN, (1942, 6, 6), true, 0, &[]),
    elder("陆根宝", JINTAN, JINTAN, (1954, 12, 12), false, 1, &[Dibao]),
    elder("姚小妹", JINTAN, JINTAN, (1937, 2, 28), true, 2, &[LivingAlone]),
    elder("宋炳炎", JINTAN, ZHONGLOU, (1949, 9, 29), false, 2, &[]),
    // 溧阳市
    elder("史桂珍", LIYANG, LIYANG, (1944, 3, 8), true, 0, &[SpecialFamily]),
    elder("狄洪兴", LIYANG, LIYANG, (1959, 11, 11), false, 1, &[]),
    elder("缪凤仙", LIYANG, LIYANG, (1932, 7, 27), true, 2, &[TekunDispersed, LivingAlone]),
    // 常州经开区
    elder("潘阿大", ETDZ, ETDZ, (1945, 10, 18), false, 0, &[]),
    elder("葛彩英", ETDZ, ETDZ, (1950, 1, 9), true, 1, &[DisabledLowIncome]),
    elder("吕宝林", ETDZ, TIANNING, (1956, 6, 18), false, 3, &[]),
    // A self-registration waiting for review.
    pending(elder("顾建英", TIANNING, TIANNING, (1961, 4, 16), true, 5, &[]), "demo-applicant-1"),
];

/// A family member the demo links to elders.
struct DemoFamily {
    openid: &'static str,
    display_name: &'static str,
    /// (elder's name, relationship)
    elders: &'static [(&'static str, &'static str)],
    approved: bool,
}

const fn family(
    openid: &'static str,
    display_name: &'static str,
    elders: &'static [(&'static str, &'static str)],
    approved: bool,
) -> DemoFamily {
    DemoFamily {
        openid,
        display_name,
        elders,
        approved,
    }
}

#[rustfmt::skip]
const DEMO_FAMILIES: &[DemoFamily] = &[
    family("demo-family-1", "张丽", &[("王秀英", "女儿"), ("李建国", "侄女")], true),
    family("demo-family-2", "刘洋", &[("刘志强", "儿子"), ("张桂兰", "外孙")], true),
    family("demo-family-3", "钱敏", &[("钱秀珍", "女儿"), ("秦月娥", "孙女")], true),
    family("demo-family-4", "杨帆", &[("杨德华", "儿子")], true),
    family("demo-family-5", "周婷", &[("周淑贞", "女儿")], false),
];

/// The demo ID-card number of the elder at `index` in [`DEMO_ELDERS`]: region code of the hukou
/// district, the birth date, an order code whose last digit is odd for men and even for women,
/// and the GB 11643 check character.
pub fn demo_id_number(index: usize, elder: &DemoElder, today: NaiveDate) -> String {
    let region = if elder.hukou == ETDZ {
        WUJIN
    } else {
        elder.hukou
    };
    let birth = elder.birth_date(today);
    let (year, month, day) = (birth.year(), birth.month(), birth.day());
    let sex_digit = (index % 5) * 2 + usize::from(!elder.female);
    let first17 = format!(
        "{region}{year:04}{month:02}{day:02}{:02}{sex_digit}",
        (index * 37 + 11) % 100
    );
    let check = check_char(&first17);
    format!("{first17}{check}")
}

/// ISO 7064 MOD 11-2, as GB 11643 defines the 18th character.
fn check_char(first17: &str) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17
        .chars()
        .zip(WEIGHTS)
        .map(|(digit, weight)| digit.to_digit(10).unwrap_or(0) * weight)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// Seeds the demo policy, the demo mini-program accounts, elders, categories and family links.
/// Run inside the seeding transaction.
pub async fn seed(
    db: &impl ConnectionTrait,
    vault: &IdCardVault,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    let staff = staff_ids(db).await?;
    let admin = *staff
        .get("admin")
        .ok_or_else(|| demo_error("the demo admin account is missing"))?;

    seed_policy(db, admin, now, today).await?;

    let mut accounts_by_openid: HashMap<&str, i64> = HashMap::new();
    for elder in DEMO_ELDERS {
        if let Some(openid) = elder.own_openid {
            let role = match elder.status {
                ElderStatus::Active => Role::Elder,
                _ => Role::Family,
            };
            let account = accounts::new_account(role, elder.name, now)
                .wechat(openid)
                .insert(db)
                .await?;
            accounts_by_openid.insert(openid, account.id);
        }
    }
    for family in DEMO_FAMILIES {
        let account = accounts::new_account(Role::Family, family.display_name, now)
            .wechat(family.openid)
            .insert(db)
            .await?;
        accounts_by_openid.insert(family.openid, account.id);
    }

    let mut streets: HashMap<String, Vec<(i64, String)>> = HashMap::new();
    for district in place_store::list_districts(db).await? {
        let of_district = place_store::list_streets(db, &district.code).await?;
        streets.insert(
            district.code,
            of_district.into_iter().map(|s| (s.id, s.name)).collect(),
        );
    }
    let mut elder_ids: HashMap<&str, (i64, Option<i64>, i64)> = HashMap::new();
    let mut categories_by_recorder: HashMap<i64, Vec<(i64, Vec<Category>)>> = HashMap::new();
    for (index, demo) in DEMO_ELDERS.iter().enumerate() {
        let id_card = IdCardNumber::parse_on(&demo_id_number(index, demo, today), today)
            .map_err(|e| demo_error(&format!("demo ID number {index}: {e}")))?;
        let own_account = demo
            .own_openid
            .and_then(|o| accounts_by_openid.get(o).copied());
        let clerk = clerk_of(&staff, demo.residence)
            .or_else(|| clerk_of(&staff, demo.hukou))
            .unwrap_or(admin);
        let created_by = match demo.status {
            ElderStatus::Active => clerk,
            _ => own_account.unwrap_or(clerk),
        };
        let street = streets
            .get(demo.residence)
            .and_then(|of_district| of_district.get(demo.street % of_district.len().max(1)));
        let community = street
            .and_then(|(_, name)| super::changzhou::STREETS.iter().find(|s| s.name == name))
            .and_then(|s| s.communities.get(index % s.communities.len().max(1)))
            .copied()
            .unwrap_or_default();
        let address = match street {
            Some((_, name)) => format!("{name}{community}{}号", 10 + index * 3),
            None => format!("{}号", 10 + index * 3),
        };
        let new = NewElder {
            name: demo.name.to_string(),
            id_card,
            hukou_district_code: demo.hukou.to_string(),
            residence_district_code: demo.residence.to_string(),
            residence_street_id: street.map(|(id, _)| *id),
            address,
            phone: format!("1391234{:04}", 1000 + index * 17),
            status: demo.status,
            account_id: own_account,
            created_by,
        };
        let row = new.into_active_model(vault, now).insert(db).await?;
        elder_ids.insert(demo.name, (row.id, own_account, clerk));
        if !demo.categories.is_empty() {
            categories_by_recorder
                .entry(clerk)
                .or_default()
                .push((row.id, demo.categories.to_vec()));
        }
    }
    for (recorder, per_elder) in &categories_by_recorder {
        elder_store::insert_categories(db, per_elder, *recorder, now).await?;
    }

    let mut links = Vec::new();
    for demo_family in DEMO_FAMILIES {
        let approved = &demo_family.approved;
        let family = accounts_by_openid[demo_family.openid];
        for (name, relationship) in demo_family.elders {
            let (elder_id, own_account, clerk) = *elder_ids
                .get(name)
                .ok_or_else(|| demo_error(&format!("demo family names unknown elder {name}")))?;
            // An elder with an account approves their own family; otherwise the clerk does.
            let decided_by = own_account.unwrap_or(clerk);
            links.push(family_link::ActiveModel {
                elder_id: Set(elder_id),
                family_account_id: Set(family),
                status: Set(if *approved {
                    LinkStatus::Approved
                } else {
                    LinkStatus::Pending
                }
                .as_str()
                .to_string()),
                relationship: Set(Some(relationship.to_string())),
                requested_at: Set(now),
                decided_by: Set(approved.then_some(decided_by)),
                decided_at: Set(approved.then_some(now)),
                decision_note: Set(None),
                unlinked_by: Set(None),
                unlinked_at: Set(None),
                ..Default::default()
            });
        }
    }
    family_link::Entity::insert_many(links).exec(db).await?;
    Ok(())
}

/// The example policy, effective from its own date, or from today if that is still ahead (so a
/// demo started before 2026 has a policy in force too).
async fn seed_policy(
    db: &impl ConnectionTrait,
    admin: i64,
    now: DateTime<Utc>,
    today: NaiveDate,
) -> AppResult<()> {
    let mut policy = parse_policy(EXAMPLE_POLICY_TOML)
        .map_err(|errors| demo_error(&format!("the example policy is invalid: {errors:?}")))?;
    policy.effective_from = policy.effective_from.min(today);
    policy_store::insert_policy(db, &policy, EXAMPLE_POLICY_TOML, admin, now).await?;
    Ok(())
}

async fn staff_ids(db: &impl ConnectionTrait) -> AppResult<HashMap<String, i64>> {
    let mut ids = HashMap::new();
    for account in accounts::list_staff(db).await? {
        if let Some(username) = account.username {
            ids.insert(username, account.id);
        }
    }
    Ok(ids)
}

fn clerk_of(staff: &HashMap<String, i64>, district: &str) -> Option<i64> {
    super::DEMO_ACCOUNTS
        .iter()
        .find(|a| a.role == Role::DistrictClerk && a.district_code == Some(district))
        .and_then(|a| staff.get(a.username).copied())
}

fn demo_error(message: &str) -> AppError {
    AppError::internal(std::io::Error::other(message.to_string()))
}

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use chrono::Duration;

    use super::*;
    use crate::elders::{id_card::Sex, rules::age_on};

    #[test]
    fn demo_id_numbers_are_valid_unique_and_agree_with_the_table() {
        // On the table's own day and on a day years later (a leap day, for good measure).
        let later = NaiveDate::from_ymd_opt(2032, 2, 29).unwrap();
        for today in [AGES_AS_OF, later] {
            let mut seen = HashSet::new();
            for (index, elder) in DEMO_ELDERS.iter().enumerate() {
                let number = demo_id_number(index, elder, today);
                let id = IdCardNumber::parse_on(&number, today)
                    .unwrap_or_else(|e| panic!("{}: {e}", elder.name));
                assert!(seen.insert(number), "{} duplicates a number", elder.name);
                assert_eq!(id.birth_date(), elder.birth_date(today));
                let sex = if elder.female { Sex::Female } else { Sex::Male };
                assert_eq!(id.sex(), sex, "{}", elder.name);
            }
        }
    }

    #[test]
    fn demo_elders_are_as_old_on_any_seeding_day_as_the_table_says() {
        let later = NaiveDate::from_ymd_opt(2031, 7, 9).unwrap();
        for elder in DEMO_ELDERS {
            assert_eq!(
                age_on(elder.birth_date(later), later),
                age_on(elder.birth_date(AGES_AS_OF), AGES_AS_OF),
                "{}",
                elder.name
            );
        }
        let chen = DEMO_ELDERS.iter().find(|e| e.name == "陈玉珍").unwrap();
        assert_eq!(
            age_on(chen.birth_date(later), later + Duration::days(7)),
            79
        );
        assert_eq!(
            age_on(chen.birth_date(later), later + Duration::days(8)),
            80
        );
    }

    #[test]
    fn the_demo_city_has_what_the_issue_asks_for() {
        let districts: HashSet<&str> = DEMO_ELDERS.iter().map(|e| e.hukou).collect();
        assert_eq!(districts.len(), 7, "elders in every district");
        let ages: Vec<u32> = DEMO_ELDERS
            .iter()
            .map(|e| age_on(e.birth_date(AGES_AS_OF), AGES_AS_OF))
            .collect();
        assert!(ages.iter().all(|age| (60..=100).contains(age)), "{ages:?}");
        assert!(ages.contains(&60) && ages.contains(&100));
        assert!(
            DEMO_ELDERS
                .iter()
                .any(|e| e.hukou == TIANNING && e.residence == ZHONGLOU),
            "天宁 hukou living in 钟楼"
        );
        let apart = DEMO_ELDERS
            .iter()
            .filter(|e| e.hukou != e.residence)
            .count();
        assert!(apart >= 5, "人户分离: {apart}");
        for family in DEMO_FAMILIES {
            for (name, _) in family.elders {
                assert!(DEMO_ELDERS.iter().any(|e| e.name == *name), "{name}");
            }
        }
    }
}
