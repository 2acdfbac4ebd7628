//! Fixtures several test files need, defined once: the demo operator's kitchen with a fresh dish
//! on a day's lunch, an elder registered by the city, a family member linked to them, a client
//! key. (See the pattern at the top of `helpers.rs`.)

use serde_json::{Value, json};

use zhucan::elders::http::ElderView;

use crate::helpers::{TestApp, born, id_card_number};

pub const ZHONGLOU: &str = "320404";

/// The test's own meal point (the first one `operator-demo` runs) and a fresh dish there.
pub struct Kitchen {
    pub operator: String,
    pub meal_point_id: i64,
}

pub async fn kitchen(app: &TestApp) -> Kitchen {
    let operator = app.staff_token("operator-demo").await;
    let mine = app.get("/api/v1/me/meal-points", Some(&operator)).await;
    let meal_point_id = mine.assert_ok()["items"][0]["id"].as_i64().unwrap();
    Kitchen {
        operator,
        meal_point_id,
    }
}

impl Kitchen {
    /// Publishes a new dish on `date`'s lunch with `portions`; returns the offering id.
    pub async fn offering(&self, app: &TestApp, date: &str, portions: i64) -> i64 {
        let dish = app
            .post(
                &format!("/api/v1/meal-points/{}/dishes", self.meal_point_id),
                Some(&self.operator),
                json!({
                    "name": format!("测试套餐{}", &uuid::Uuid::new_v4().simple().to_string()[..6]),
                    "price": "15.00",
                    "tags": ["soft"],
                }),
            )
            .await;
        let dish_id = dish.assert_ok()["id"].as_i64().unwrap();
        let published = app
            .post(
                &format!("/api/v1/meal-points/{}/offerings", self.meal_point_id),
                Some(&self.operator),
                json!({ "offerings": [{
                    "dish_id": dish_id, "date": date, "slot": "lunch", "portions": portions,
                }]}),
            )
            .await;
        let body = published.assert_ok();
        let offerings = body["offerings"].as_array().or(body.as_array()).unwrap();
        offerings[0]["id"].as_i64().unwrap()
    }

    pub async fn portions_left(&self, app: &TestApp, date: &str, offering: i64) -> i64 {
        let menu = app
            .get(
                &format!(
                    "/api/v1/meal-points/{}/menu?from={date}&to={date}",
                    self.meal_point_id
                ),
                None,
            )
            .await;
        menu.assert_ok()["days"]
            .as_array()
            .unwrap()
            .iter()
            .flat_map(|d| d["slots"].as_array().unwrap().clone())
            .flat_map(|s| s["items"].as_array().unwrap().clone())
            .find(|item| item["offering_id"] == offering)
            .map(|item| item["portions_left"].as_i64().unwrap())
            .expect("the offering is on the menu")
    }

    /// A phone or walk-in booking at the counter: the operator names the elder by ID-card number
    /// and name, never by id.
    pub fn counter(
        &self,
        elder: &(i64, String, String),
        date: &str,
        offering: i64,
        key: &str,
    ) -> Value {
        let mut body = self.booking(elder.0, date, offering, key);
        let body_map = body.as_object_mut().unwrap();
        body_map.remove("elder_id");
        body_map.insert("elder_id_card".into(), json!(elder.1));
        body_map.insert("elder_name".into(), json!(elder.2));
        body
    }

    pub fn booking(&self, elder_id: i64, date: &str, offering: i64, key: &str) -> Value {
        json!({
            "elder_id": elder_id,
            "meal_point_id": self.meal_point_id,
            "date": date,
            "slot": "lunch",
            "mode": "pickup",
            "items": [{ "offering_id": offering, "quantity": 1 }],
            "client_key": key,
        })
    }
}

/// An elder as a registration (`POST /elders`) gives them: what a test varies, the rest valid.
pub struct ElderForm<'a> {
    pub name: &'a str,
    pub id_card: &'a str,
    pub hukou: &'a str,
    pub residence: &'a str,
    pub address: &'a str,
    pub phone: &'a str,
    pub categories: Value,
}

impl<'a> ElderForm<'a> {
    pub fn new(name: &'a str, id_card: &'a str, hukou: &'a str, residence: &'a str) -> Self {
        Self {
            name,
            id_card,
            hukou,
            residence,
            address: "钟楼区南大街街道青果巷 8 号",
            phone: "13912345678",
            categories: json!([]),
        }
    }

    /// The request body (a self-registration's too: categories are sent only when there are
    /// some, which only staff may record).
    pub fn body(&self) -> Value {
        let mut body = json!({
            "name": self.name,
            "id_card": self.id_card,
            "hukou_district_code": self.hukou,
            "residence_district_code": self.residence,
            "address": self.address,
            "phone": self.phone,
        });
        if self.categories != json!([]) {
            body["categories"] = self.categories.clone();
        }
        body
    }
}

/// Registers the elder as the staff account `by` (the admin, a clerk) and returns the record.
pub async fn register_elder(app: &TestApp, by: &str, form: &ElderForm<'_>) -> ElderView {
    let token = app.staff_token(by).await;
    app.register_elder(&token, &form.body()).await.ok()
}

/// A 钟楼 elder registered by the admin; returns (id, ID number, name).
pub async fn elder(app: &TestApp, n: u32) -> (i64, String, String) {
    let number = id_card_number(ZHONGLOU, &born(81, 120), &format!("{:03}", 100 + n));
    let name = format!("订餐老人{n}");
    let address = format!("南大街{n}号");
    let form = ElderForm {
        address: &address,
        phone: "13900000000",
        ..ElderForm::new(&name, &number, ZHONGLOU, ZHONGLOU)
    };
    let elder = register_elder(app, "admin", &form).await;
    (elder.id, number, name)
}

/// A family member (signed in as `openid`) asks to link to the elder as `relationship` and the
/// staff account `approver` approves; returns the family member's token.
pub async fn linked_family(
    app: &TestApp,
    openid: &str,
    (number, name): (&str, &str),
    relationship: &str,
    approver: &str,
) -> String {
    let family = app.wechat_token(openid).await;
    let link = app
        .post(
            "/api/v1/family-links",
            Some(&family),
            json!({ "id_card": number, "name": name, "relationship": relationship }),
        )
        .await;
    let link_id = link.assert_ok()["id"].as_i64().unwrap();
    let approver = app.staff_token(approver).await;
    app.post(
        &format!("/api/v1/family-links/{link_id}/approve"),
        Some(&approver),
        json!({}),
    )
    .await
    .assert_ok();
    family
}

/// A son linked to the elder and approved by the admin; returns the token.
pub async fn family_of(app: &TestApp, openid: &str, number: &str, name: &str) -> String {
    linked_family(app, openid, (number, name), "儿子", "admin").await
}

pub fn key() -> String {
    uuid::Uuid::now_v7().to_string()
}
