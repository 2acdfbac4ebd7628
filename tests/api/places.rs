use crate::helpers::spawn_app;

#[tokio::test]
async fn the_demo_city_has_changzhous_seven_districts_with_streets() {
    let app = spawn_app().await;

    let districts = app.districts().await.ok();
    assert_eq!(districts.len(), 7);
    let zhonglou = districts.iter().find(|d| d.code == "320404").unwrap();
    assert_eq!(zhonglou.name, "钟楼区");
    assert_eq!(zhonglou.city, "常州市");

    let streets = app.streets("320404").await.ok();
    assert!(!streets.is_empty());
    assert!(streets.iter().all(|s| s.district_code == "320404"));
    assert!(streets.iter().any(|s| s.name == "南大街街道"));
}

#[tokio::test]
async fn an_unknown_district_is_a_404() {
    let app = spawn_app().await;
    app.streets("999999").await.error(404, "DISTRICT_NOT_FOUND");
}
