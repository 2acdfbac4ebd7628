//! TEMPORARY stand-in until the full Changzhou demo data lands (same shape).

pub struct DemoStreet {
    pub district_code: &'static str,
    pub name: &'static str,
    pub lat: f64,
    pub lng: f64,
    pub communities: &'static [&'static str],
}

pub const STREETS: &[DemoStreet] = &[
    DemoStreet {
        district_code: "320402",
        name: "茶山街道",
        lat: 31.776,
        lng: 119.998,
        communities: &["丽华新村社区"],
    },
    DemoStreet {
        district_code: "320404",
        name: "南大街街道",
        lat: 31.777,
        lng: 119.951,
        communities: &["广化社区"],
    },
];
