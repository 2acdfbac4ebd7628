//! The fake WeChat server on its own: `cargo run --bin fake-wechat -- 127.0.0.1:9100`.
//! Point the service at it with `WECHAT_API_BASE=http://127.0.0.1:9100`.

use zhucan::{
    config::{FAKE_WECHAT_APP_ID, FAKE_WECHAT_APP_SECRET},
    wechat::fake::FakeWeChat,
};

#[tokio::main]
async fn main() -> std::io::Result<()> {
    zhucan::telemetry::init();
    let addr = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:9100".to_string());
    let app_id = std::env::var("WECHAT_APPID").unwrap_or_else(|_| FAKE_WECHAT_APP_ID.into());
    let secret = std::env::var("WECHAT_SECRET").unwrap_or_else(|_| FAKE_WECHAT_APP_SECRET.into());
    let fake = FakeWeChat::new(&app_id, &secret);
    let bound = fake.spawn(&addr).await?;
    println!("fake WeChat server on http://{bound} (app id {app_id}); Ctrl-C stops it");
    tokio::signal::ctrl_c().await
}
