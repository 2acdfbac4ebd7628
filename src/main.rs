use zhucan::{config::Config, demo, startup::Application, telemetry};

#[tokio::main]
async fn main() {
    telemetry::init();
    if let Err(err) = run().await {
        eprintln!("zhucan cannot start: {err}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), Box<dyn std::error::Error>> {
    let config = Config::from_env()?;
    let app = Application::build(config).await?;
    let base = format!("http://{}", app.local_addr());
    println!("zhucan is serving on {base}");
    println!("  API docs:      {base}/docs   (OpenAPI document: {base}/api/openapi.json)");
    println!("  health:        {base}/healthz, {base}/readyz");
    let h5_built = app.state().config.h5_dir.join("index.html").is_file();
    println!(
        "  mini program:  {base}/h5/   (the H5 page{})",
        if h5_built {
            ""
        } else {
            "; not built yet: cd miniapp && npm ci && npm run build:h5"
        }
    );
    let console_built = app.state().config.console_dir.join("index.html").is_file();
    println!(
        "  staff console: {base}/console/   (管理后台{})",
        if console_built {
            ""
        } else {
            "; not built yet: cd console && npm ci && npm run build"
        }
    );
    if let Some(fake) = app.fake_wechat() {
        let _ = fake;
        println!(
            "  WeChat:        the bundled fake WeChat server at {}",
            app.state().wechat.api_base()
        );
    }
    if !app.demo_accounts().is_empty() {
        println!("Demo staff accounts (password `{}`):", demo::DEMO_PASSWORD);
        for account in app.demo_accounts() {
            println!(
                "  {:<16} {:<14} {}",
                account.username,
                account.role.as_str(),
                account.display_name
            );
        }
        let openids: Vec<&str> = demo::elders::DEMO_WECHAT_USERS
            .iter()
            .map(|(openid, _)| *openid)
            .collect();
        println!(
            "Demo WeChat users (code `dev.<openid>.<anything>`): {}",
            openids.join(", ")
        );
        println!(
            "Sign in: curl -s -X POST {base}/api/v1/auth/login -H 'Content-Type: application/json' \
             -d '{{\"username\":\"admin\",\"password\":\"{}\"}}'",
            demo::DEMO_PASSWORD
        );
    }
    app.run_until_stopped().await?;
    Ok(())
}
