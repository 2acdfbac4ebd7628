//! The fake WeChat server on its own: `cargo run --bin fake-wechat -- 127.0.0.1:9100`.
//! Point the service at it with `WECHAT_API_BASE=http://127.0.0.1:9100`.
//!
//! It starts the fake WeChat Pay beside it on the next port, with key pairs made at start and
//! written to `target/fake-wechatpay/` so the service can be pointed at it (the lines to set are
//! printed).

use zhucan::{
    clock::Clock,
    config::{
        FAKE_WECHAT_APP_ID, FAKE_WECHAT_APP_SECRET, FAKE_WECHATPAY_APIV3_KEY,
        FAKE_WECHATPAY_PUBLIC_KEY_ID, FAKE_WECHATPAY_SERIAL, FAKE_WECHATPAY_SP_MCHID,
    },
    wechat::{
        fake::FakeWeChat,
        pay::{
            crypto::ApiV3Key,
            fake::{FakeWeChatPay, demo_keys},
        },
    },
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

    let keys = demo_keys(FAKE_WECHATPAY_SERIAL, FAKE_WECHATPAY_PUBLIC_KEY_ID);
    let pay = FakeWeChatPay::new(
        FAKE_WECHATPAY_SP_MCHID,
        &app_id,
        keys.merchant.verifier(),
        keys.platform.clone(),
        ApiV3Key::new(FAKE_WECHATPAY_APIV3_KEY).map_err(std::io::Error::other)?,
        Clock::system(),
    );
    let pay_addr = format!("{}:{}", bound.ip(), bound.port() + 1);
    let pay_bound = pay.spawn(&pay_addr).await?;
    let dir = std::path::Path::new("target/fake-wechatpay");
    std::fs::create_dir_all(dir)?;
    let merchant_file = dir.join("apiclient_key.pem");
    let platform_file = dir.join("pub_key.pem");
    std::fs::write(&merchant_file, keys.merchant.private_pem())?;
    std::fs::write(&platform_file, keys.platform.public_pem())?;
    println!(
        "fake WeChat Pay on http://{pay_bound}; point the service at it with\n  \
         WECHATPAY_API_BASE=http://{pay_bound}\n  \
         WECHATPAY_MERCHANT_KEY_FILE={}\n  \
         WECHATPAY_PUBLIC_KEY_FILE={}",
        merchant_file.display(),
        platform_file.display()
    );
    tokio::signal::ctrl_c().await
}
