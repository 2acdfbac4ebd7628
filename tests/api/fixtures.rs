//! Fixtures several test files need, defined once: the demo operator's kitchen with a fresh dish
//! on a day's lunch, an elder registered by the city, a family member linked to them, an
//! inspector, a client key. (See the pattern at the top of `helpers.rs`.)

use chrono::NaiveDate;
use poem_openapi::types::ToJSON;
use serde_json::Value;
use vocabulary::{DishTag, ElderCategory, MealPointKind, Role, ServiceMode, Slot};
use zhucan::{
    auth::http::NewStaffAccount,
    elders::http::{ElderView, LinkRequest, NewElderRequest, SelfRegistrationRequest},
    feedback::supervision::NewInspector,
    meal_points::http::{MealPointView, NewMealPoint, SlotHoursInput},
    menus::http::{NewDish, OfferingInput},
    orders::http::{BookingLine, NewBooking, OrderView},
};

use crate::helpers::{Carded, TestApp, body_of, born, id_card, id_card_number, yuan};

pub const ZHONGLOU: &str = "320404";

/// The test's own meal point (the first one `operator-demo` runs) and a fresh dish there.
pub struct Kitchen {
    pub operator: String,
    pub meal_point_id: i64,
}

pub async fn kitchen(app: &TestApp) -> Kitchen {
    let operator = app.staff_token("operator-demo").await;
    let meal_point_id = app.my_meal_points(&operator).await.ok().items[0].id;
    Kitchen {
        operator,
        meal_point_id,
    }
}

/// A new dish of `price` yuan, soft, with a name no other test's dish has.
pub fn new_dish(price: &str) -> NewDish {
    NewDish {
        name: format!(
            "测试套餐{}",
            &uuid::Uuid::new_v4().simple().to_string()[..6]
        ),
        photo_url: None,
        price: yuan(price),
        tags: vec![DishTag::Soft],
        allergens: Vec::new(),
        active: None,
    }
}

/// `portions` of the dish on `date`'s lunch, at the dish's price.
pub fn lunch(dish_id: i64, date: NaiveDate, portions: i64) -> OfferingInput {
    OfferingInput {
        dish_id,
        date,
        slot: Slot::Lunch,
        portions,
        price: None,
    }
}

impl Kitchen {
    /// Publishes a new dish on `date`'s lunch with `portions`; returns the offering id.
    pub async fn offering(&self, app: &TestApp, date: &str, portions: i64) -> i64 {
        self.offering_of(app, &new_dish("15.00"), date, portions)
            .await
    }

    /// Adds this dish and publishes it on `date`'s lunch with `portions`; returns the offering
    /// id.
    pub async fn offering_of(
        &self,
        app: &TestApp,
        dish: &NewDish,
        date: &str,
        portions: i64,
    ) -> i64 {
        let date: NaiveDate = date.parse().expect("a date, YYYY-MM-DD");
        let dish = app
            .add_dish(&self.operator, self.meal_point_id, dish)
            .await
            .ok();
        let published = app
            .publish(
                &self.operator,
                self.meal_point_id,
                vec![lunch(dish.id, date, portions)],
            )
            .await
            .ok();
        published[0].id
    }

    pub async fn portions_left(&self, app: &TestApp, date: &str, offering: i64) -> i64 {
        let date: NaiveDate = date.parse().expect("a date, YYYY-MM-DD");
        let menu = app.menu(self.meal_point_id, date, date).await.ok();
        menu.days
            .iter()
            .flat_map(|d| &d.slots)
            .flat_map(|s| &s.items)
            .find(|item| item.offering_id == offering)
            .map(|item| i64::from(item.portions_left))
            .expect("the offering is on the menu")
    }

    /// A pickup booking of one portion of the offering for the elder, by id (as the elder or
    /// family book).
    pub fn new_booking(&self, elder_id: i64, date: &str, offering: i64, key: &str) -> NewBooking {
        NewBooking {
            elder_id: Some(elder_id),
            elder_id_card: None,
            elder_name: None,
            meal_point_id: self.meal_point_id,
            date: date.parse().expect("a date, YYYY-MM-DD"),
            slot: Slot::Lunch,
            mode: ServiceMode::Pickup,
            items: vec![BookingLine {
                offering_id: offering,
                quantity: 1,
            }],
            client_key: key.to_owned(),
            delivery_address: None,
            allergen_acknowledged: None,
        }
    }

    /// A phone or walk-in booking at the counter: the operator names the elder by ID-card number
    /// and name, never by id.
    pub fn counter_booking(
        &self,
        elder: &(i64, String, String),
        date: &str,
        offering: i64,
        key: &str,
    ) -> Carded<NewBooking> {
        let booking = NewBooking {
            elder_id: None,
            elder_id_card: Some(id_card(&elder.1)),
            elder_name: Some(elder.2.clone()),
            ..self.new_booking(elder.0, date, offering, key)
        };
        Carded::new(booking, "elder_id_card", &elder.1)
    }

    /// [`Kitchen::counter_booking`] as JSON, for tests that send it by hand.
    pub fn counter(
        &self,
        elder: &(i64, String, String),
        date: &str,
        offering: i64,
        key: &str,
    ) -> Value {
        body_of(&self.counter_booking(elder, date, offering, key))
    }

    /// [`Kitchen::new_booking`] as JSON, for tests that send it by hand.
    pub fn booking(&self, elder_id: i64, date: &str, offering: i64, key: &str) -> Value {
        body_of(&self.new_booking(elder_id, date, offering, key))
    }

    /// The operator books the offering at the counter for elders `0..n` (see [`elder`]); returns
    /// the orders, in that order.
    pub async fn counter_orders(
        &self,
        app: &TestApp,
        date: &str,
        offering: i64,
        n: u32,
    ) -> Vec<OrderView> {
        let mut orders = Vec::new();
        for n in 0..n {
            let elder = elder(app, n).await;
            let booking = self.counter_booking(&elder, date, offering, &key());
            orders.push(app.book(&self.operator, &booking).await.ok());
        }
        orders
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
    pub categories: Vec<ElderCategory>,
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
            categories: Vec::new(),
        }
    }

    /// The staff's registration.
    pub fn request(&self) -> Carded<NewElderRequest> {
        let request = NewElderRequest {
            name: self.name.to_owned(),
            id_card: id_card(self.id_card),
            hukou_district_code: self.hukou.to_owned(),
            residence_district_code: self.residence.to_owned(),
            residence_street_id: None,
            address: self.address.to_owned(),
            phone: self.phone.to_owned(),
            categories: self.categories.clone(),
        };
        Carded::new(request, "id_card", self.id_card)
    }

    /// The elder's own registration (only staff record categories).
    pub fn self_registration(&self) -> Carded<SelfRegistrationRequest> {
        let request = SelfRegistrationRequest {
            name: self.name.to_owned(),
            id_card: id_card(self.id_card),
            hukou_district_code: self.hukou.to_owned(),
            residence_district_code: self.residence.to_owned(),
            residence_street_id: None,
            address: self.address.to_owned(),
            phone: self.phone.to_owned(),
        };
        Carded::new(request, "id_card", self.id_card)
    }

    /// [`ElderForm::request`] as JSON, for tests that bend a field out of shape.
    pub fn body(&self) -> Value {
        body_of(&self.request())
    }
}

/// Registers the elder as the staff account `by` (the admin, a clerk) and returns the record.
pub async fn register_elder(app: &TestApp, by: &str, form: &ElderForm<'_>) -> ElderView {
    let token = app.staff_token(by).await;
    app.register_elder(&token, &form.request()).await.ok()
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
    let request = LinkRequest {
        id_card: id_card(number),
        name: name.to_owned(),
        relationship: Some(relationship.to_owned()),
    };
    let request = Carded::new(request, "id_card", number);
    let link = app.request_link(&family, &request).await.ok();
    let approver = app.staff_token(approver).await;
    app.approve_link(&approver, link.id).await.ok();
    family
}

/// A son linked to the elder and approved by the admin; returns the token.
pub async fn family_of(app: &TestApp, openid: &str, number: &str, name: &str) -> String {
    linked_family(app, openid, (number, name), "儿子", "admin").await
}

pub fn key() -> String {
    uuid::Uuid::now_v7().to_string()
}

/// An inspector the city admin invites (`username`, shown as `display_name`), signed in; returns
/// the token.
pub async fn inspector(app: &TestApp, username: &str, display_name: &str) -> String {
    let admin = app.staff_token("admin").await;
    let password = "visit-them-all";
    app.invite_inspector(
        &admin,
        &NewInspector {
            username: username.to_owned(),
            display_name: display_name.to_owned(),
            organisation: "常州市餐饮行业协会".to_owned(),
            password: password.to_owned(),
        },
    )
    .await
    .ok_with(201);
    app.staff_login(username, password).await.assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string()
}

/// A meal point `operator-demo` does not run, in 天宁.
pub async fn other_meal_point(app: &TestApp) -> i64 {
    let page = app
        .meal_points("district_code=320402&page_size=1")
        .await
        .ok();
    page.items[0].id
}

/// The id of the street `name` of the district.
pub async fn street_id(app: &TestApp, district_code: &str, name: &str) -> i64 {
    app.streets(district_code)
        .await
        .ok()
        .into_iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no street {name}"))
        .id
}

/// A valid new meal point on 南大街: lunch 11:00–12:30 Monday to Friday, dine-in and pickup,
/// ordering closes 120 minutes before a slot, booking opens 7 days ahead.
pub async fn new_meal_point(app: &TestApp) -> NewMealPoint {
    NewMealPoint {
        name: "青果巷长者食堂".into(),
        kind: MealPointKind::CommunityCanteen,
        district_code: ZHONGLOU.into(),
        street_id: street_id(app, ZHONGLOU, "南大街街道").await,
        address: "常州市钟楼区南大街街道青果巷社区8号".into(),
        lat: 31.7768,
        lng: 119.9530,
        phone: "0519-8866 1234".into(),
        service_modes: vec![ServiceMode::DineIn, ServiceMode::Pickup],
        delivery_radius_m: None,
        opening_days: vec![1, 2, 3, 4, 5],
        slot_hours: vec![SlotHoursInput {
            slot: Slot::Lunch,
            opens: "11:00".into(),
            closes: "12:30".into(),
        }],
        order_lead_minutes: None,
        booking_days_ahead: None,
        food_licence_no: "jy23204040012345".into(),
        live_video_url: None,
        demonstration: None,
        star_grade: None,
    }
}

/// [`new_meal_point`] as JSON, for tests that bend a field out of shape.
pub async fn meal_point_body(app: &TestApp) -> Value {
    body_of(&new_meal_point(app).await)
}

/// The city admin (`admin`, a token) creates the meal point.
pub async fn create_meal_point(app: &TestApp, admin: &str, body: &impl ToJSON) -> MealPointView {
    app.create_meal_point(admin, body).await.ok()
}

/// A new operator account, assigned to `meal_point_id`; returns its token and account id.
pub async fn new_operator(
    app: &TestApp,
    admin: &str,
    username: &str,
    meal_point_id: i64,
) -> (String, i64) {
    let account_id = create_operator(app, admin, username).await;
    app.assign_operator(admin, meal_point_id, account_id)
        .await
        .ok();
    (operator_token(app, username).await, account_id)
}

/// A new operator account running no meal point; returns its token and account id.
pub async fn operator_account(app: &TestApp, admin: &str, username: &str) -> (String, i64) {
    let account_id = create_operator(app, admin, username).await;
    (operator_token(app, username).await, account_id)
}

async fn create_operator(app: &TestApp, admin: &str, username: &str) -> i64 {
    let account = NewStaffAccount {
        username: username.into(),
        password: "operator-pass-1".into(),
        role: Role::Operator,
        display_name: "食堂负责人".into(),
        district_code: None,
    };
    app.create_staff_account(admin, &account).await.ok().id
}

async fn operator_token(app: &TestApp, username: &str) -> String {
    app.staff_login(username, "operator-pass-1")
        .await
        .assert_ok()["token"]
        .as_str()
        .unwrap()
        .to_string()
}
