//! The staff console (管理后台), built by `npm run build` in `console/` (or by `build.rs` on
//! `cargo run`), served at `/console/`. A single-page app: any path that is not a file gets
//! `index.html` (the app's router shows the screen), while a missing asset stays a 404 rather
//! than HTML a browser would try to run as a script. Until it is built, `/console/` answers a
//! Chinese page saying how to build it.

use std::{path::PathBuf, sync::Arc};

use poem::{
    Endpoint, EndpointExt, IntoResponse, endpoint::StaticFilesEndpoint, http::StatusCode, web::Html,
};

pub fn console_page(dir: PathBuf) -> impl Endpoint {
    let index = dir.join("index.html");
    let app = StaticFilesEndpoint::new(dir.clone())
        .index_file("index.html")
        .redirect_to_slash_directory()
        .fallback_to_index()
        .no_cache_index();
    let assets = Arc::new(StaticFilesEndpoint::new(dir).redirect_to_slash_directory());
    app.around(move |app, req| {
        let built = index.is_file();
        let assets = assets.clone();
        async move {
            if !built {
                return Ok(Html(CONSOLE_NOT_BUILT)
                    .with_status(StatusCode::SERVICE_UNAVAILABLE)
                    .into_response());
            }
            let last = req.uri().path().rsplit('/').next().unwrap_or_default();
            if last.contains('.') {
                return Ok(assets.call(req).await?.into_response());
            }
            Ok(app.call(req).await?.into_response())
        }
    })
}

const CONSOLE_NOT_BUILT: &str = "<!doctype html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><title>管理后台尚未构建</title>\
<style>body{font:18px/1.6 sans-serif;margin:32px;color:#1f2328;background:#f4f6f9}code{background:#e6e9ee;padding:2px 6px}</style>\
</head><body><h1>管理后台还没有构建</h1>\
<p>构建需要 Node.js 20 与 npm。在仓库根目录运行：</p>\
<p><code>cd console &amp;&amp; npm ci &amp;&amp; npm run build</code></p>\
<p>然后刷新本页。（<code>cargo run</code> 在找到 npm 时会自动构建。）</p>\
<p>接口文档在 <a href=\"/docs\">/docs</a>。</p></body></html>";

#[cfg(test)]
mod tests {
    use poem::{Route, http::StatusCode, test::TestClient};

    use super::console_page;

    fn scratch_dir(name: &str) -> std::path::PathBuf {
        let dir =
            std::env::temp_dir().join(format!("zhucan-console-{name}-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[tokio::test]
    async fn an_unbuilt_console_says_how_to_build_it() {
        let dir = scratch_dir("missing");
        let cli = TestClient::new(Route::new().nest("/console", console_page(dir.join("none"))));
        let resp = cli.get("/console/").send().await;
        resp.assert_status(StatusCode::SERVICE_UNAVAILABLE);
        let text = resp.0.into_body().into_string().await.unwrap();
        assert!(text.contains("npm run build"), "{text}");
        assert!(text.contains("还没有构建"), "{text}");
        std::fs::remove_dir_all(dir).unwrap();
    }

    #[tokio::test]
    async fn screens_fall_back_to_the_app_and_missing_assets_do_not() {
        let dir = scratch_dir("built");
        std::fs::write(dir.join("index.html"), "<title>助餐管理后台</title>").unwrap();
        std::fs::create_dir_all(dir.join("assets")).unwrap();
        std::fs::write(dir.join("assets/app.js"), "console.log(1)").unwrap();
        let cli = TestClient::new(Route::new().nest("/console", console_page(dir.clone())));

        let index = cli.get("/console/").send().await;
        index.assert_status_is_ok();
        index.assert_text("<title>助餐管理后台</title>").await;
        // A screen's address, typed or reloaded, gets the app.
        let screen = cli.get("/console/settlement/3").send().await;
        screen.assert_status_is_ok();
        screen.assert_text("<title>助餐管理后台</title>").await;
        let asset = cli.get("/console/assets/app.js").send().await;
        asset.assert_status_is_ok();
        asset.assert_text("console.log(1)").await;
        cli.get("/console/assets/gone.js")
            .send()
            .await
            .assert_status(StatusCode::NOT_FOUND);
        std::fs::remove_dir_all(dir).unwrap();
    }
}
