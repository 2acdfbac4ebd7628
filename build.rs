//! Builds the two front ends the service serves, so that `cargo run` on a fresh clone serves
//! them too: the mini program's H5 page (`miniapp/dist/build/h5`, at `/h5/`) and the staff
//! console (`console/dist`, at `/console/`). Never fails the Rust build: without npm (or offline)
//! it warns, and the page then says how to build it. `ZHUCAN_SKIP_H5_BUILD=1` and
//! `ZHUCAN_SKIP_CONSOLE_BUILD=1` skip either.
//!
//! Cargo reruns this only when a front end's sources change (the paths below); and the script
//! itself skips an npm build when the built page is newer than every source, so a second profile
//! (`--release`) or a `cargo clippy` after `cargo build` costs nothing.

use std::{
    env,
    path::{Path, PathBuf},
    process::Command,
    time::SystemTime,
};

struct FrontEnd {
    /// The folder under the repository's root.
    dir: &'static str,
    /// What it is, for the warning.
    what: &'static str,
    inputs: &'static [&'static str],
    script: &'static str,
    /// The built entry page, relative to `dir`.
    built: &'static str,
    skip_var: &'static str,
}

const FRONT_ENDS: [FrontEnd; 2] = [
    FrontEnd {
        dir: "miniapp",
        what: "the H5 page (/h5/)",
        inputs: &[
            "src",
            "index.html",
            "package.json",
            "package-lock.json",
            "vite.config.js",
        ],
        script: "build:h5",
        built: "dist/build/h5/index.html",
        skip_var: "ZHUCAN_SKIP_H5_BUILD",
    },
    FrontEnd {
        dir: "console",
        what: "the staff console (/console/)",
        inputs: &[
            "src",
            "index.html",
            "package.json",
            "package-lock.json",
            "vite.config.ts",
            "tsconfig.json",
        ],
        script: "build",
        built: "dist/index.html",
        skip_var: "ZHUCAN_SKIP_CONSOLE_BUILD",
    },
];

fn main() {
    let root =
        PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    for front_end in &FRONT_ENDS {
        build(&root, front_end);
    }
}

fn build(root: &Path, fe: &FrontEnd) {
    println!("cargo:rerun-if-env-changed={}", fe.skip_var);
    let app = root.join(fe.dir);
    for input in fe.inputs {
        println!("cargo:rerun-if-changed={}/{input}", fe.dir);
    }
    if env::var_os(fe.skip_var).is_some_and(|v| v != "0" && !v.is_empty()) {
        return;
    }
    if !app.join("package.json").is_file() {
        return;
    }
    let index = app.join(fe.built);
    if is_fresh(&app, fe.inputs, &index) {
        return;
    }
    if let Err(problem) = npm_build(&app, fe.script) {
        println!(
            "cargo:warning={} was not built ({problem}); it will say how to build it: cd {} && npm ci && npm run {}",
            fe.what, fe.dir, fe.script
        );
    }
    if !index.is_file() {
        // Not built: look again on the next build. (Never list a file this script writes when it
        // did write it: cargo would see it as changed after every run.)
        println!("cargo:rerun-if-changed={}/{}", fe.dir, fe.built);
    }
}

fn npm_build(app: &Path, script: &str) -> Result<(), String> {
    let npm = if cfg!(windows) { "npm.cmd" } else { "npm" };
    Command::new(npm)
        .arg("--version")
        .output()
        .map_err(|_| "npm is not installed".to_string())?;
    let lock = app.join("package-lock.json");
    let installed = app.join("node_modules/.package-lock.json");
    let stale = match (modified(&lock), modified(&installed)) {
        (Some(lock), Some(installed)) => lock > installed,
        (_, None) => true,
        (None, Some(_)) => false,
    };
    if stale {
        run(Command::new(npm)
            .args(["ci", "--no-audit", "--no-fund"])
            .current_dir(app))?;
    }
    run(Command::new(npm).args(["run", script]).current_dir(app))
}

fn run(command: &mut Command) -> Result<(), String> {
    let shown = format!("{command:?}");
    let output = command.output().map_err(|e| format!("{shown}: {e}"))?;
    if output.status.success() {
        return Ok(());
    }
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    let tail: Vec<&str> = stderr.lines().chain(stdout.lines()).rev().take(3).collect();
    Err(format!(
        "{shown} failed: {}",
        tail.into_iter().rev().collect::<Vec<_>>().join(" / ")
    ))
}

/// The built page is newer than every input file.
fn is_fresh(app: &Path, inputs: &[&str], index: &Path) -> bool {
    let Some(built) = modified(index) else {
        return false;
    };
    inputs
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
