//! Builds the mini program's H5 page (`miniapp/dist/build/h5`) so that `cargo run` on a fresh
//! clone also serves it at `/h5/`. Never fails the Rust build: without npm (or offline) it warns,
//! and `/h5/` then answers a page saying how to build it. `ZHUCAN_SKIP_H5_BUILD=1` skips it.
//!
//! Cargo reruns this only when the mini program's sources change (the paths below); and the
//! script itself skips the npm build when the built page is newer than every source, so a second
//! profile (`--release`) or a `cargo clippy` after `cargo build` costs nothing.

use std::{
    env,
    path::{Path, PathBuf},
    process::Command,
    time::SystemTime,
};

const INPUTS: &[&str] = &[
    "src",
    "index.html",
    "package.json",
    "package-lock.json",
    "vite.config.js",
];

fn main() {
    println!("cargo:rerun-if-env-changed=ZHUCAN_SKIP_H5_BUILD");
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let app = root.join("miniapp");
    for input in INPUTS {
        println!("cargo:rerun-if-changed=miniapp/{input}");
    }
    if env::var_os("ZHUCAN_SKIP_H5_BUILD").is_some_and(|v| v != "0" && !v.is_empty()) {
        return;
    }
    if !app.join("package.json").is_file() {
        return;
    }
    let index = app.join("dist/build/h5/index.html");
    if is_fresh(&app, &index) {
        return;
    }
    if let Err(problem) = build_h5(&app) {
        println!(
            "cargo:warning=the H5 page was not built ({problem}); /h5/ will say how to build it: cd miniapp && npm ci && npm run build:h5"
        );
    }
    if !index.is_file() {
        // Not built: look again on the next build. (Never list a file this script writes when it
        // did write it: cargo would see it as changed after every run.)
        println!("cargo:rerun-if-changed=miniapp/dist/build/h5/index.html");
    }
}

fn build_h5(app: &Path) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    Command::new(npm)
        .arg("--version")
        .output()
        .map_err(|_| "npm is not installed".to_string())?;
    if !app.join("node_modules/.package-lock.json").is_file() {
        run(Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(app))?;
    }
    run(Command::new(npm).args(["run", "build:h5"]).current_dir(app))
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let output = command.output().map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let tail: Vec<&str> = stderr.lines().rev().take(3).collect();
    Err(format!(
        "{shown} failed: {}",
        tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
    ))
}

/// The built page is newer than every input file.
fn is_fresh(app: &Path, index: &Path) -> bool {
    let Some(built) = modified(index) else {
        return false;
    };
    INPUTS
        .iter()
        .all(|input| newest(&app.join(input)).is_none_or(|m| m <= built))
}

fn modified(path: &Path) -> Option<SystemTime> {
    path.metadata().and_then(|m| m.modified()).ok()
}

fn newest(path: &Path) -> Option<SystemTime> {
    let own = modified(path);
    let Ok(entries) = path.read_dir() else {
        return own;
    };
    entries
        .flatten()
        .filter_map(|entry| newest(&entry.path()))
        .chain(own)
        .max()
}
