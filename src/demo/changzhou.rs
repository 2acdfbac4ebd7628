//! Demo data for Changzhou (常州): its seven districts, their streets and towns (街道/镇) with
//! approximate centres and a few communities each, the plan's meal-point targets, a seeded
//! generator of the 165 planned meal points, and typical elder-friendly Jiangnan dishes.
//!
//! Street and town names are real; centres are approximate GCJ-02 positions inside the right
//! district; community names are real or real-looking. Phone and licence numbers are made up.
//! Nothing here is authoritative: it is for `cargo run` demos and tests.

use chrono::NaiveTime;
use rand::rngs::StdRng;
use rand::seq::{IndexedRandom, SliceRandom};
use rand::{Rng, SeedableRng};
use rust_decimal::Decimal;

use crate::meal_points::rules::{
    CityLabels, GeoPoint, MealPointKind, OpeningDays, ServiceHours, ServiceModes, SlotHours,
    StarGrade, destination,
};
use crate::menus::rules::{Allergen, DishTag};
use crate::subsidy::{ServiceMode, Slot};

// ---------------------------------------------------------------------------------------------
// Districts and streets
// ---------------------------------------------------------------------------------------------

/// A district as in `shared/data/changzhou-districts.csv`, with its meal-point target from
/// `changzhou-meal-point-targets.csv` (常有颐养 plan 2024–2026).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoDistrict {
    pub code: &'static str,
    pub name: &'static str,
    pub meal_point_target: usize,
}

pub const DISTRICTS: &[DemoDistrict] = &[
    DemoDistrict {
        code: "320402",
        name: "天宁区",
        meal_point_target: 15,
    },
    DemoDistrict {
        code: "320404",
        name: "钟楼区",
        meal_point_target: 10,
    },
    DemoDistrict {
        code: "320411",
        name: "新北区",
        meal_point_target: 5,
    },
    DemoDistrict {
        code: "320412",
        name: "武进区",
        meal_point_target: 60,
    },
    DemoDistrict {
        code: "320413",
        name: "金坛区",
        meal_point_target: 25,
    },
    DemoDistrict {
        code: "320481",
        name: "溧阳市",
        meal_point_target: 40,
    },
    // A management zone with no GB/T 2260 code of its own; the local code from the CSV.
    DemoDistrict {
        code: "CZ-ETDZ",
        name: "常州经开区",
        meal_point_target: 10,
    },
];

/// The plan's city-wide total of new or upgraded meal points.
pub const MEAL_POINT_TARGET_TOTAL: usize = 165;

/// A street (街道) or town (镇) with an approximate GCJ-02 centre and some of its communities
/// (社区 in town centres and cities, 村 in the countryside).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct DemoStreet {
    pub district_code: &'static str,
    pub name: &'static str,
    pub lat: f64,
    pub lng: f64,
    pub communities: &'static [&'static str],
}

impl DemoStreet {
    pub fn centre(&self) -> GeoPoint {
        GeoPoint::new(self.lat, self.lng).expect("demo street centres are in Changzhou")
    }

    /// A town (镇) rather than an urban street (街道): where villages and 睦邻点 are.
    pub fn is_town(&self) -> bool {
        self.name.ends_with('镇')
    }
}

const fn street(
    district_code: &'static str,
    name: &'static str,
    lat: f64,
    lng: f64,
    communities: &'static [&'static str],
) -> DemoStreet {
    DemoStreet {
        district_code,
        name,
        lat,
        lng,
        communities,
    }
}

/// Streets per district, the district's urban core first: the generator gives the first
/// streets any points left over after an even split, and the central kitchen goes to the first.
#[rustfmt::skip]
pub const STREETS: &[DemoStreet] = &[
    // 天宁区
    street("320402", "茶山街道", 31.7705, 120.0010, &["丽华新村社区", "翠竹新村社区", "朝阳新村社区", "锦绣社区", "茶山社区"]),
    street("320402", "青龙街道", 31.8130, 119.9880, &["龙锦社区", "青龙社区", "金龙社区", "飞龙社区"]),
    street("320402", "红梅街道", 31.7905, 119.9760, &["红梅新村社区", "红梅西村社区", "北环新村社区", "紫云社区"]),
    street("320402", "天宁街道", 31.7810, 119.9700, &["舍桥社区", "东仓社区", "浦前社区", "延陵社区"]),
    street("320402", "兰陵街道", 31.7620, 119.9780, &["兰园社区", "东坡社区", "宏业社区", "常胜社区"]),
    street("320402", "雕庄街道", 31.7945, 120.0080, &["采菱社区", "雕庄社区", "永宁社区", "中吴社区"]),
    street("320402", "郑陆镇", 31.8280, 120.0620, &["郑陆社区", "三河口村", "焦溪村", "舜山村", "查家村"]),
    // 钟楼区
    street("320404", "南大街街道", 31.7772, 119.9522, &["青果巷社区", "双桂坊社区", "西瀛里社区", "化龙巷社区"]),
    street("320404", "荷花池街道", 31.7825, 119.9515, &["荷花池社区", "广化社区", "北直街社区", "晋陵社区"]),
    street("320404", "西林街道", 31.7550, 119.9100, &["西林社区", "白云社区", "梅龙坝社区"]),
    street("320404", "五星街道", 31.7680, 119.9250, &["平岗村", "五星社区", "勤业新村社区"]),
    street("320404", "永红街道", 31.7600, 119.9450, &["清潭新村社区", "永红社区", "怀德苑社区"]),
    street("320404", "北港街道", 31.7850, 119.9050, &["北港社区", "星港社区", "富强社区"]),
    street("320404", "新闸街道", 31.7920, 119.9220, &["新闸社区", "龙城社区", "河苑社区"]),
    street("320404", "邹区镇", 31.7700, 119.8350, &["邹区社区", "邹区村", "卜弋村", "泰村村", "岳津村"]),
    // 新北区
    street("320411", "河海街道", 31.8150, 119.9600, &["河海社区", "华山社区", "汉江社区"]),
    street("320411", "三井街道", 31.8260, 119.9450, &["三井社区", "泰山社区", "黄河社区"]),
    street("320411", "龙虎塘街道", 31.8470, 119.9880, &["龙虎塘社区", "新龙社区", "通江社区"]),
    street("320411", "新桥街道", 31.8380, 119.9100, &["新桥社区", "辽河社区", "云河社区"]),
    street("320411", "春江街道", 31.9250, 119.9700, &["春江社区", "圩塘社区", "魏村社区"]),
    street("320411", "薛家镇", 31.8480, 119.8800, &["薛家社区", "顺园社区", "吕墅村"]),
    street("320411", "罗溪镇", 31.8850, 119.8830, &["罗溪社区", "王下村", "罗墅湾村"]),
    street("320411", "西夏墅镇", 31.8950, 119.8200, &["西夏墅社区", "浦河村", "梅林村"]),
    street("320411", "孟河镇", 31.9780, 119.8000, &["孟河社区", "小河村", "万绥村"]),
    street("320411", "奔牛镇", 31.8570, 119.7970, &["奔牛社区", "东桥村", "九里村"]),
    // 武进区
    street("320412", "湖塘镇", 31.7000, 119.9550, &["湖塘社区", "阳湖社区", "城中社区", "人民社区", "延政社区", "马杭社区", "周家巷村"]),
    street("320412", "牛塘镇", 31.7180, 119.9050, &["牛塘社区", "卢家巷村", "丫河村", "青云村", "白家村", "虹西村", "蒋家村"]),
    street("320412", "南夏墅街道", 31.6720, 119.9500, &["南夏墅社区", "武南社区", "新苑社区", "凤苑社区", "庙桥社区", "南田村", "奔鹿村"]),
    street("320412", "西湖街道", 31.6850, 119.8800, &["西湖社区", "塘洋村", "新山村", "浒庄村", "东庄村", "城西村"]),
    street("320412", "洛阳镇", 31.6650, 120.0600, &["洛阳社区", "戴溪村", "岑村村", "汤庄村", "永安村", "东杨村", "尚书村"]),
    street("320412", "前黄镇", 31.6120, 119.9750, &["前黄社区", "寨桥村", "杨桥村", "运村村", "蒋墅村", "南宅村", "坊前村"]),
    street("320412", "礼嘉镇", 31.6400, 120.0350, &["礼嘉社区", "坂上村", "政平村", "毛家村", "大坝头村", "陆家村", "蒋湾村"]),
    street("320412", "嘉泽镇", 31.6550, 119.8300, &["嘉泽社区", "成章村", "跃进村", "夏溪村", "西墅村", "新城村", "杨湾村"]),
    street("320412", "湟里镇", 31.6050, 119.7600, &["湟里社区", "村前村", "东安村", "塘东村", "新安村", "汤墅村", "高家村"]),
    street("320412", "雪堰镇", 31.5150, 120.0600, &["雪堰社区", "城湾村", "太滆村", "漕桥村", "潘家村", "周桥村", "雅浦村"]),
    // 金坛区
    street("320413", "东城街道", 31.7380, 119.6000, &["东门社区", "华城社区", "丹金社区", "愚池社区", "南洲社区"]),
    street("320413", "西城街道", 31.7350, 119.5600, &["西门社区", "河滨社区", "大南社区", "丰登社区"]),
    street("320413", "金城镇", 31.7000, 119.5800, &["金城社区", "后阳村", "河头村", "西岗村", "庄城村"]),
    street("320413", "尧塘街道", 31.7750, 119.6550, &["尧塘社区", "谈庄村", "花山村", "袁家村"]),
    street("320413", "儒林镇", 31.6300, 119.5250, &["儒林社区", "五叶村", "柚山村", "湖头村"]),
    street("320413", "直溪镇", 31.8350, 119.5450, &["直溪社区", "建昌村", "巨村村", "汀湖村"]),
    street("320413", "朱林镇", 31.7800, 119.4700, &["朱林社区", "唐王村", "东浦村", "下塘村"]),
    street("320413", "薛埠镇", 31.7250, 119.4100, &["薛埠社区", "上阮村", "方山村", "仙姑村"]),
    street("320413", "指前镇", 31.6250, 119.6400, &["指前社区", "建春村", "标里村", "大港村"]),
    // 溧阳市
    street("320481", "溧城街道", 31.4180, 119.4850, &["燕山社区", "平陵社区", "南门社区", "北门社区", "罗湾社区"]),
    street("320481", "古县街道", 31.4400, 119.5050, &["古县社区", "光华社区", "新昌村", "宋团城村", "八字桥村"]),
    street("320481", "昆仑街道", 31.4020, 119.4600, &["昆仑社区", "永平社区", "上河村", "濑江村", "周家山村"]),
    street("320481", "埭头镇", 31.4550, 119.5450, &["埭头社区", "后周村", "湖边村", "汤桥村", "前化村"]),
    street("320481", "上黄镇", 31.4700, 119.6200, &["上黄社区", "浒西村", "水母山村", "平桥村"]),
    street("320481", "戴埠镇", 31.2950, 119.4600, &["戴埠社区", "李家园村", "松岭村", "横涧村"]),
    street("320481", "天目湖镇", 31.3300, 119.4350, &["天目湖社区", "桂林村", "沙河村", "龙兴村"]),
    street("320481", "别桥镇", 31.5000, 119.4300, &["别桥社区", "塘马村", "黄金山村", "后六村"]),
    street("320481", "上兴镇", 31.5450, 119.2900, &["上兴社区", "牛马塘村", "余巷村", "曹山村"]),
    street("320481", "竹箦镇", 31.5050, 119.3600, &["竹箦社区", "陆笪村", "水西村", "前进村"]),
    street("320481", "南渡镇", 31.4500, 119.3400, &["南渡社区", "庆丰村", "旧县村", "强埠村"]),
    street("320481", "社渚镇", 31.3200, 119.2600, &["社渚社区", "河口村", "嵩里村", "周城村"]),
    // 常州经开区: the former 戚墅堰区 and four towns it manages for 武进区
    street("CZ-ETDZ", "戚墅堰街道", 31.7280, 120.0600, &["大明社区", "东方社区", "工人新村社区"]),
    street("CZ-ETDZ", "丁堰街道", 31.7480, 120.0300, &["丁堰社区", "丁南社区", "红星社区"]),
    street("CZ-ETDZ", "潞城街道", 31.7650, 120.0450, &["潞城社区", "富民社区", "五一村"]),
    street("CZ-ETDZ", "遥观镇", 31.7350, 120.0800, &["遥观社区", "剑湖村", "钱家塘村", "大圩村"]),
    street("CZ-ETDZ", "横林镇", 31.7000, 120.1350, &["横林社区", "崔桥村", "狄墅村", "江村村"]),
    street("CZ-ETDZ", "横山桥镇", 31.7850, 120.1300, &["横山桥社区", "芙蓉村", "西崦村", "东青村"]),
];

pub fn district(code: &str) -> Option<&'static DemoDistrict> {
    DISTRICTS.iter().find(|d| d.code == code)
}

pub fn streets_of(district_code: &str) -> impl Iterator<Item = &'static DemoStreet> {
    STREETS
        .iter()
        .filter(move |s| s.district_code == district_code)
}

// ---------------------------------------------------------------------------------------------
// Meal points
// ---------------------------------------------------------------------------------------------

/// One generated meal point, built from the same validated types the API accepts.
#[derive(Debug, Clone, PartialEq)]
pub struct DemoMealPoint {
    pub district_code: &'static str,
    pub street: &'static str,
    pub community: &'static str,
    pub name: String,
    pub kind: MealPointKind,
    pub location: GeoPoint,
    pub address: String,
    pub phone: String,
    pub food_licence_no: String,
    pub service_modes: ServiceModes,
    pub service_hours: ServiceHours,
    pub opening_days: OpeningDays,
    pub labels: CityLabels,
    pub live_video_url: Option<String>,
}

/// Districts big enough in the plan to run their own central kitchen.
const CENTRAL_KITCHEN_MIN_TARGET: usize = 15;

/// Where villages are numerous enough that a village's meal point is usually a 睦邻点 (溧阳's
/// 如意小食堂 policy targets 自然村 with over 200 elders; 金坛 and 武进 towns are similar).
const RURAL_DISTRICTS: [&str; 3] = ["320481", "320413", "320412"];

/// Old-town streets whose points are kept within 300 m of the centre instead of 1.2 km: the
/// blocks around 南大街 and 荷花池 are dense, and the demo's "near me" search in 钟楼 should find
/// several meal points within a kilometre.
const COMPACT_STREETS: [&str; 2] = ["南大街街道", "荷花池街道"];
const JITTER_M: f64 = 1200.0;
const COMPACT_JITTER_M: f64 = 300.0;

const MERCHANT_SHOPS: [&str; 8] = [
    "银丝面馆",
    "面馆",
    "家常菜馆",
    "小笼馆",
    "快餐店",
    "馄饨店",
    "饭店",
    "土菜馆",
];

/// Generates exactly each district's target of meal points (165 in all), spread over its
/// streets. The same seed gives the same points (for the same `rand` version).
pub fn demo_meal_points(seed: u64) -> Vec<DemoMealPoint> {
    let mut rng = StdRng::seed_from_u64(seed);
    let mut points: Vec<DemoMealPoint> = Vec::with_capacity(MEAL_POINT_TARGET_TOTAL);
    for district in DISTRICTS {
        let streets: Vec<&DemoStreet> = streets_of(district.code).collect();
        for (street_index, street) in streets.iter().enumerate() {
            let count = even_share(district.meal_point_target, streets.len(), street_index);
            let mut communities = street.communities.to_vec();
            communities.shuffle(&mut rng);
            let mut street_canteen_named = false;
            for (i, &community) in communities.iter().cycle().take(count).enumerate() {
                let kind = if street_index == 0
                    && i == 0
                    && district.meal_point_target >= CENTRAL_KITCHEN_MIN_TARGET
                {
                    MealPointKind::CentralKitchen
                } else {
                    pick_kind(&mut rng, district.code, community)
                };
                let name = point_name(
                    &mut rng,
                    district,
                    street,
                    community,
                    kind,
                    &mut street_canteen_named,
                );
                let serial = points.len();
                points.push(build_point(
                    &mut rng, district, street, community, kind, name, serial,
                ));
            }
        }
    }
    make_names_unique(&mut points);
    points
}

/// `total` split over `parts` as evenly as possible, the remainder going to the first parts.
fn even_share(total: usize, parts: usize, index: usize) -> usize {
    total / parts + usize::from(index < total % parts)
}

fn is_village(community: &str) -> bool {
    community.ends_with('村')
}

fn pick_kind(rng: &mut StdRng, district_code: &str, community: &str) -> MealPointKind {
    if is_village(community) {
        let rural_share = if RURAL_DISTRICTS.contains(&district_code) {
            0.7
        } else {
            0.3
        };
        if rng.random_bool(rural_share) {
            return MealPointKind::RuralMutualAid;
        }
    }
    match rng.random_range(0..100) {
        0..15 => MealPointKind::MerchantListed,
        15..50 => MealPointKind::CommunityCanteen,
        _ => MealPointKind::NeighbourhoodPoint,
    }
}

/// 丽华新村社区 → 丽华新村, 平岗村 → 平岗: the part a shop or a 睦邻点 is named after.
fn community_stem(community: &str) -> &str {
    community
        .strip_suffix("社区")
        .or_else(|| community.strip_suffix('村'))
        .unwrap_or(community)
}

fn point_name(
    rng: &mut StdRng,
    district: &DemoDistrict,
    street: &DemoStreet,
    community: &str,
    kind: MealPointKind,
    street_canteen_named: &mut bool,
) -> String {
    // 溧阳 brands its meal points 如意小食堂; elsewhere a canteen is a 长者食堂.
    let canteen = if district.code == "320481" {
        "如意小食堂"
    } else {
        "长者食堂"
    };
    match kind {
        MealPointKind::CentralKitchen => format!("{}中央厨房", street.name),
        // The first canteen of a street is known by the street's name, later ones by their
        // community's, as locals do.
        MealPointKind::CommunityCanteen if !*street_canteen_named => {
            *street_canteen_named = true;
            format!("{}{canteen}", street.name)
        }
        MealPointKind::CommunityCanteen => format!("{community}{canteen}"),
        MealPointKind::NeighbourhoodPoint if district.code == "320481" => {
            format!("{community}如意小食堂")
        }
        MealPointKind::NeighbourhoodPoint => format!("{}{community}助餐点", street.name),
        MealPointKind::MerchantListed => {
            let shop = MERCHANT_SHOPS.choose(rng).expect("shop list is not empty");
            format!("{}{shop}（助餐挂牌）", community_stem(community))
        }
        MealPointKind::RuralMutualAid => format!("{}村睦邻点", community_stem(community)),
    }
}

fn build_point(
    rng: &mut StdRng,
    district: &DemoDistrict,
    street: &'static DemoStreet,
    community: &'static str,
    kind: MealPointKind,
    name: String,
    serial: usize,
) -> DemoMealPoint {
    let jitter = if COMPACT_STREETS.contains(&street.name) {
        COMPACT_JITTER_M
    } else {
        JITTER_M
    };
    // sqrt spreads points evenly over the disc instead of bunching them at the centre.
    let offset_m = jitter * rng.random::<f64>().sqrt();
    let location = destination(street.centre(), rng.random_range(0.0..360.0), offset_m)
        .expect("a street centre plus 1.2 km is still in China");

    // 溧阳 and 经开区 are known by their own names; the other districts by 常州市 + district.
    let place = match district.code {
        "320481" | "CZ-ETDZ" => district.name.to_owned(),
        _ => format!("常州市{}", district.name),
    };
    let address = format!(
        "{place}{}{community}{}号",
        street.name,
        rng.random_range(1..=168)
    );
    let phone = format!("0519-8{:07}", rng.random_range(0..10_000_000));

    // JY + business type 2 (餐饮服务) + issuing region + serial + check digit. 经开区's towns
    // belong to 武进区 administratively, so their licences carry 武进's code.
    let region = if district.code == "CZ-ETDZ" {
        "320412"
    } else {
        district.code
    };
    let licence_serial = 1000 + serial * 37 + rng.random_range(0..37);
    let food_licence_no = format!("JY2{region}{licence_serial:06}{}", rng.random_range(0..10));

    let labels = city_labels(rng, kind);
    // Demonstration points are the ones the city asks to show their kitchens live (明厨亮灶).
    let live_video_url = labels
        .demonstration
        .then(|| format!("https://mclz.example.com/live/{food_licence_no}"));

    DemoMealPoint {
        district_code: district.code,
        street: street.name,
        community,
        name,
        kind,
        location,
        address,
        phone,
        food_licence_no,
        service_modes: service_modes(rng, kind),
        service_hours: service_hours(rng, kind),
        opening_days: opening_days(rng, kind),
        labels,
        live_video_url,
    }
}

fn service_modes(rng: &mut StdRng, kind: MealPointKind) -> ServiceModes {
    use ServiceMode::{Delivery, DineIn, Pickup};
    let delivery_share = match kind {
        MealPointKind::CentralKitchen => 1.0,
        MealPointKind::CommunityCanteen => 0.3,
        MealPointKind::NeighbourhoodPoint => 0.2,
        MealPointKind::RuralMutualAid => 0.15,
        MealPointKind::MerchantListed => 0.0,
    };
    let mut modes = vec![DineIn];
    // Villagers eat together at a 睦邻点; taking meals home is the exception there.
    if kind != MealPointKind::RuralMutualAid || rng.random_bool(0.3) {
        modes.push(Pickup);
    }
    let radius = rng.random_bool(delivery_share).then(|| {
        modes.push(Delivery);
        if kind == MealPointKind::CentralKitchen {
            3000
        } else {
            rng.random_range(15..=30) * 100
        }
    });
    ServiceModes::new(&modes, radius).expect("demo service modes follow the rules")
}

fn service_hours(rng: &mut StdRng, kind: MealPointKind) -> ServiceHours {
    let (breakfast_share, dinner_share) = match kind {
        MealPointKind::CentralKitchen => (1.0, 1.0),
        MealPointKind::CommunityCanteen => (0.4, 0.4),
        MealPointKind::NeighbourhoodPoint => (0.15, 0.25),
        MealPointKind::MerchantListed => (0.15, 0.5),
        MealPointKind::RuralMutualAid => (0.0, 0.1),
    };
    let hm = |h, m| NaiveTime::from_hms_opt(h, m, 0).expect("valid demo time");
    let mut hours = vec![SlotHours {
        slot: Slot::Lunch,
        opens: hm(11, 0),
        closes: hm(12, 30),
    }];
    if rng.random_bool(breakfast_share) {
        hours.push(SlotHours {
            slot: Slot::Breakfast,
            opens: hm(7, 0),
            closes: hm(8, 30),
        });
    }
    if rng.random_bool(dinner_share) {
        hours.push(SlotHours {
            slot: Slot::Dinner,
            opens: hm(17, 0),
            closes: hm(18, 30),
        });
    }
    ServiceHours::new(hours).expect("demo slot hours follow the rules")
}

fn opening_days(rng: &mut StdRng, kind: MealPointKind) -> OpeningDays {
    match kind {
        MealPointKind::CentralKitchen => OpeningDays::EVERY_DAY,
        MealPointKind::MerchantListed => *[OpeningDays::EVERY_DAY, OpeningDays::MON_TO_SAT]
            .choose(rng)
            .expect("not empty"),
        _ => match rng.random_range(0..10) {
            0..4 => OpeningDays::MON_TO_FRI,
            4..8 => OpeningDays::MON_TO_SAT,
            _ => OpeningDays::EVERY_DAY,
        },
    }
}

fn city_labels(rng: &mut StdRng, kind: MealPointKind) -> CityLabels {
    let grade = |stars| Some(StarGrade::new(stars).expect("1..=5"));
    if kind == MealPointKind::CentralKitchen {
        return CityLabels {
            demonstration: true,
            star_grade: grade(5),
        };
    }
    match rng.random_range(0..100) {
        0..8 => CityLabels {
            demonstration: true,
            star_grade: grade(rng.random_range(4..=5)),
        },
        8..35 => CityLabels {
            demonstration: false,
            star_grade: grade(rng.random_range(2..=4)),
        },
        _ => CityLabels::default(),
    }
}

/// Two merchants in different streets can draw the same name; the later one is then known by
/// its street too, as people would tell them apart.
fn make_names_unique(points: &mut [DemoMealPoint]) {
    let mut seen = std::collections::HashSet::new();
    for point in points.iter_mut() {
        if !seen.insert(point.name.clone()) {
            point.name = format!("{}{}", point.street, point.name);
            seen.insert(point.name.clone());
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Dishes
// ---------------------------------------------------------------------------------------------

/// A typical dish for demo menus. `price` is yuan with two decimals, parsed with
/// [`DemoDish::price`]; `slots` are the meals it usually appears at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoDish {
    pub name: &'static str,
    pub price: &'static str,
    pub tags: &'static [DishTag],
    pub allergens: &'static [Allergen],
    pub slots: &'static [Slot],
    /// A fixed combination sold as one item (套餐), the usual subsidised meal.
    pub set_meal: bool,
}

impl DemoDish {
    pub fn price(&self) -> Decimal {
        Decimal::from_str_exact(self.price).expect("demo prices are decimals")
    }
}

const fn dish(
    name: &'static str,
    price: &'static str,
    tags: &'static [DishTag],
    allergens: &'static [Allergen],
    slots: &'static [Slot],
) -> DemoDish {
    DemoDish {
        name,
        price,
        tags,
        allergens,
        slots,
        set_meal: false,
    }
}

const fn set_meal(
    name: &'static str,
    price: &'static str,
    tags: &'static [DishTag],
    allergens: &'static [Allergen],
) -> DemoDish {
    DemoDish {
        name,
        price,
        tags,
        allergens,
        slots: MAIN_MEALS,
        set_meal: true,
    }
}

const BREAKFAST: &[Slot] = &[Slot::Breakfast];
const MAIN_MEALS: &[Slot] = &[Slot::Lunch, Slot::Dinner];
const ANY_MEAL: &[Slot] = &[Slot::Breakfast, Slot::Lunch, Slot::Dinner];

#[rustfmt::skip]
pub const DEMO_DISHES: &[DemoDish] = {
    use Allergen::{Egg, Fish, Milk, Sesame, Shellfish, Soy, Wheat};
    use DishTag::{Boneless, DiabeticFriendly, Halal, LowOil, LowSalt, LowSugar, Soft, Vegetarian};
    &[
        // 荤菜
        dish("红烧狮子头", "12.00", &[Soft, Boneless], &[Egg, Soy, Wheat], MAIN_MEALS),
        dish("清炖蟹粉狮子头", "18.00", &[Soft, Boneless, LowOil], &[Egg, Shellfish, Soy], MAIN_MEALS),
        dish("清蒸鲈鱼", "16.00", &[LowOil, LowSalt], &[Fish], MAIN_MEALS),
        dish("鲫鱼豆腐汤", "9.00", &[LowOil, LowSalt], &[Fish, Soy], MAIN_MEALS),
        dish("肉末蒸蛋", "6.00", &[Soft, Boneless, LowOil], &[Egg], MAIN_MEALS),
        dish("番茄炒蛋", "6.00", &[Soft, Boneless], &[Egg], MAIN_MEALS),
        dish("虾仁炒蛋", "12.00", &[Soft, Boneless], &[Egg, Shellfish], MAIN_MEALS),
        dish("肉末茄子", "7.00", &[Soft, Boneless], &[Soy], MAIN_MEALS),
        dish("土豆烧肉", "10.00", &[Soft, Boneless], &[Soy], MAIN_MEALS),
        dish("冬瓜排骨汤", "8.00", &[LowOil, LowSalt], &[], MAIN_MEALS),
        dish("香菇蒸滑鸡", "10.00", &[LowOil], &[Soy], MAIN_MEALS),
        dish("清炖牛肉", "15.00", &[Halal, Soft, Boneless, LowOil], &[], MAIN_MEALS),
        dish("大煮干丝", "8.00", &[Soft, Boneless], &[Soy], MAIN_MEALS),
        // 素菜
        dish("清炒青菜", "3.00", &[Vegetarian, LowOil, LowSalt, Boneless, DiabeticFriendly], &[], MAIN_MEALS),
        dish("蒜蓉西兰花", "5.00", &[Vegetarian, LowOil, LowSalt, Boneless, DiabeticFriendly], &[], MAIN_MEALS),
        dish("清炒莴笋丝", "4.00", &[Vegetarian, LowOil, LowSalt, Boneless, DiabeticFriendly], &[], MAIN_MEALS),
        dish("红烧豆腐", "5.00", &[Vegetarian, Soft, Boneless], &[Soy], MAIN_MEALS),
        dish("芹菜炒香干", "5.00", &[Vegetarian, Boneless, DiabeticFriendly], &[Soy], MAIN_MEALS),
        dish("白菜炖粉丝", "4.00", &[Vegetarian, Soft, Boneless], &[], MAIN_MEALS),
        dish("蒸南瓜", "3.00", &[Vegetarian, Soft, Boneless, LowOil, LowSalt], &[], ANY_MEAL),
        dish("鸡毛菜豆腐汤", "4.00", &[Vegetarian, Soft, LowOil, LowSalt], &[Soy], MAIN_MEALS),
        // 主食、点心 (常州的银丝面、大麻糕、加蟹小笼)
        dish("常州银丝面", "8.00", &[Soft], &[Wheat, Egg], ANY_MEAL),
        dish("清真牛肉面", "12.00", &[Halal, Soft], &[Wheat], MAIN_MEALS),
        dish("荠菜肉馄饨", "6.00", &[Soft], &[Wheat, Soy], ANY_MEAL),
        dish("加蟹小笼包", "10.00", &[Soft], &[Wheat, Shellfish, Soy], BREAKFAST),
        dish("常州大麻糕", "4.00", &[], &[Wheat, Sesame], BREAKFAST),
        dish("青菜香菇包", "3.00", &[Vegetarian, Soft], &[Wheat], BREAKFAST),
        dish("小米粥", "3.00", &[Vegetarian, Soft, LowOil, LowSalt, LowSugar], &[], BREAKFAST),
        dish("杂粮粥（无糖）", "3.00", &[Vegetarian, Soft, LowSugar, DiabeticFriendly], &[], BREAKFAST),
        dish("无糖豆浆", "3.00", &[Vegetarian, LowSugar, DiabeticFriendly], &[Soy], BREAKFAST),
        dish("热牛奶", "4.00", &[Vegetarian, LowSalt], &[Milk], BREAKFAST),
        // 套餐
        set_meal("一荤两素套餐", "12.00", &[], &[Soy]),
        set_meal("两荤一素套餐", "15.00", &[], &[Soy, Egg]),
        set_meal("一荤一素一汤套餐", "10.00", &[Soft], &[Soy]),
        set_meal("低盐软烂套餐", "13.00", &[LowSalt, LowOil, Soft, Boneless], &[Egg, Soy]),
        set_meal("糖尿病友好套餐", "14.00", &[DiabeticFriendly, LowSugar, LowSalt], &[Soy]),
    ]
};

#[cfg(test)]
mod tests {
    use std::collections::{HashMap, HashSet};

    use super::*;
    use crate::meal_points::rules::{
        CHINA_LAT, CHINA_LNG, bounding_box, distance_m, normalize_food_licence_no,
        normalize_live_video_url, normalize_phone,
    };
    use crate::menus::rules::Dish;

    #[test]
    fn districts_are_the_citys_list() {
        let listed = crate::places::parse_districts_csv(crate::places::CHANGZHOU_DISTRICTS_CSV)
            .expect("the districts file parses");
        let listed: Vec<(&str, &str)> = listed
            .iter()
            .map(|d| (d.code.as_str(), d.name.as_str()))
            .collect();
        let ours: Vec<(&str, &str)> = DISTRICTS.iter().map(|d| (d.code, d.name)).collect();
        assert_eq!(ours, listed);
    }

    #[test]
    fn targets_add_up_to_the_plan() {
        let total: usize = DISTRICTS.iter().map(|d| d.meal_point_target).sum();
        assert_eq!(total, MEAL_POINT_TARGET_TOTAL);
    }

    #[test]
    fn generator_meets_every_district_target() {
        let points = demo_meal_points(1);
        assert_eq!(points.len(), 165);
        let mut per_district: HashMap<&str, usize> = HashMap::new();
        for point in &points {
            *per_district.entry(point.district_code).or_default() += 1;
        }
        for district in DISTRICTS {
            assert_eq!(
                per_district.get(district.code),
                Some(&district.meal_point_target),
                "{}",
                district.name
            );
        }
    }

    #[test]
    fn generator_is_deterministic_per_seed() {
        assert_eq!(demo_meal_points(42), demo_meal_points(42));
        assert_ne!(demo_meal_points(42), demo_meal_points(43));
    }

    #[test]
    fn names_are_unique_for_many_seeds() {
        for seed in 0..50 {
            let points = demo_meal_points(seed);
            let names: HashSet<&str> = points.iter().map(|p| p.name.as_str()).collect();
            assert_eq!(names.len(), points.len(), "seed {seed}");
        }
    }

    #[test]
    fn points_sit_near_their_street_inside_china() {
        for seed in 0..10 {
            for point in demo_meal_points(seed) {
                let (lat, lng) = (point.location.lat(), point.location.lng());
                assert!(
                    CHINA_LAT.contains(&lat) && CHINA_LNG.contains(&lng),
                    "{}",
                    point.name
                );
                let street = STREETS
                    .iter()
                    .find(|s| s.district_code == point.district_code && s.name == point.street)
                    .expect("point's street is a demo street");
                assert!(
                    distance_m(street.centre(), point.location) <= 1201,
                    "{}",
                    point.name
                );
                assert!(
                    point.address.contains(street.name) && point.address.contains(point.community)
                );
            }
        }
    }

    #[test]
    fn generated_points_pass_the_meal_point_rules() {
        for point in demo_meal_points(7) {
            assert_eq!(
                normalize_phone(&point.phone).as_deref(),
                Ok(point.phone.as_str())
            );
            assert_eq!(
                normalize_food_licence_no(&point.food_licence_no).as_deref(),
                Ok(point.food_licence_no.as_str())
            );
            assert_eq!(
                normalize_live_video_url(point.live_video_url.as_deref()),
                Ok(point.live_video_url.clone())
            );
            let lunch = point
                .service_hours
                .hours_for(Slot::Lunch)
                .expect("every point serves lunch");
            let hm = |t: NaiveTime| t.format("%H:%M").to_string();
            assert_eq!(
                (hm(lunch.opens), hm(lunch.closes)),
                ("11:00".into(), "12:30".into())
            );
            if let Some(radius) = point.service_modes.delivery_radius_m() {
                assert!((1500..=3000).contains(&radius), "{}: {radius}", point.name);
            }
        }
        let licences: HashSet<String> = demo_meal_points(7)
            .into_iter()
            .map(|p| p.food_licence_no)
            .collect();
        assert_eq!(licences.len(), 165, "licence numbers are unique");
    }

    #[test]
    fn kinds_are_plausibly_distributed() {
        for seed in 0..10 {
            let points = demo_meal_points(seed);
            let kitchens: Vec<&str> = points
                .iter()
                .filter(|p| p.kind == MealPointKind::CentralKitchen)
                .map(|p| p.district_code)
                .collect();
            assert_eq!(
                kitchens,
                ["320402", "320412", "320413", "320481"],
                "seed {seed}"
            );
            assert!(points.iter().any(|p| p.name == "湖塘镇中央厨房"));

            let rural: Vec<&DemoMealPoint> = points
                .iter()
                .filter(|p| p.kind == MealPointKind::RuralMutualAid)
                .collect();
            let in_rural_districts = rural
                .iter()
                .filter(|p| RURAL_DISTRICTS.contains(&p.district_code))
                .count();
            assert!(
                in_rural_districts * 10 >= rural.len() * 8,
                "seed {seed}: mostly in 溧阳/金坛/武进"
            );
            assert!(
                rural
                    .iter()
                    .all(|p| p.name.ends_with("村睦邻点") && is_village(p.community))
            );

            for &kind in MealPointKind::ALL {
                assert!(
                    points.iter().any(|p| p.kind == kind),
                    "seed {seed}: no {kind:?}"
                );
            }
            assert!(points.iter().any(|p| p.labels.demonstration));
            assert!(
                points
                    .iter()
                    .any(|p| p.service_modes.offers(ServiceMode::Delivery))
            );
        }
    }

    #[test]
    fn a_near_search_in_zhonglou_finds_several_points() {
        let nandajie = STREETS
            .iter()
            .find(|s| s.name == "南大街街道")
            .unwrap()
            .centre();
        let bbox = bounding_box(nandajie, 1000);
        for seed in 0..20 {
            let near = demo_meal_points(seed)
                .into_iter()
                .filter(|p| bbox.contains(p.location) && distance_m(nandajie, p.location) <= 1000)
                .count();
            assert!(
                near >= 3,
                "seed {seed}: {near} points within 1 km of 南大街"
            );
        }
    }

    #[test]
    fn streets_are_consistent() {
        let mut communities = HashSet::new();
        for street in STREETS {
            let district = district(street.district_code).expect("street's district is known");
            assert!(district.code == street.district_code);
            // Inside the rectangle around Changzhou, from 溧阳's southern hills to 孟河 on the
            // Yangtze and from 上兴 to 横林.
            assert!((31.15..=32.05).contains(&street.lat), "{}", street.name);
            assert!((119.13..=120.21).contains(&street.lng), "{}", street.name);
            assert!(
                street.name.ends_with("街道") || street.is_town(),
                "{}",
                street.name
            );
            for community in street.communities {
                assert!(
                    community.ends_with("社区") || is_village(community),
                    "{community}"
                );
                assert!(communities.insert(*community), "{community} listed twice");
            }
        }
        for district in DISTRICTS {
            let streets: Vec<&DemoStreet> = streets_of(district.code).collect();
            let names: HashSet<&str> = streets.iter().map(|s| s.name).collect();
            assert_eq!(
                names.len(),
                streets.len(),
                "{}: street listed twice",
                district.name
            );
            // Every point of a street gets its own community.
            for (i, street) in streets.iter().enumerate() {
                let share = even_share(district.meal_point_target, streets.len(), i);
                assert!(
                    street.communities.len() >= share,
                    "{} needs {share} communities",
                    street.name
                );
            }
        }
    }

    #[test]
    fn demo_dishes_pass_the_menu_rules() {
        let lowest = Decimal::new(300, 2);
        let highest = Decimal::new(1800, 2);
        let mut names = HashSet::new();
        assert!(DEMO_DISHES.iter().filter(|d| !d.set_meal).count() >= 30);
        for demo in DEMO_DISHES {
            let price = demo.price();
            assert_eq!(
                price.scale(),
                2,
                "{}: write prices with two decimals",
                demo.name
            );
            assert!(
                (lowest..=highest).contains(&price),
                "{}: {price}",
                demo.name
            );
            if demo.set_meal {
                assert!(
                    (Decimal::TEN..=Decimal::new(15, 0)).contains(&price),
                    "{}",
                    demo.name
                );
            }
            let dish = Dish::new(
                demo.name,
                price,
                demo.tags.to_vec(),
                demo.allergens.to_vec(),
            )
            .unwrap_or_else(|e| panic!("{}: {}", demo.name, e.message()));
            assert_eq!(
                dish.tags().len(),
                demo.tags.len(),
                "{}: repeated tag",
                demo.name
            );
            assert!(!demo.slots.is_empty());
            assert!(names.insert(demo.name), "{} listed twice", demo.name);
            // A vegetarian dish must not list fish or shellfish.
            if demo.tags.contains(&DishTag::Vegetarian) {
                assert!(
                    !demo
                        .allergens
                        .iter()
                        .any(|a| matches!(a, Allergen::Fish | Allergen::Shellfish))
                );
            }
        }
    }
}
