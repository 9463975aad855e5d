//! Builds the web front end and turns it into a static table compiled into the crate.
//!
//! The input is the folder `node web/scripts/build.mjs <dir>` produces: `SHOPTALK_WEB_DIST` when
//! set (packagers who build the web part separately), otherwise a fresh build into
//! `$OUT_DIR/web` (`npm install` first when `web/node_modules` is missing or older than the lock
//! file). Every file is precompressed here, once (gzip level 9, brotli quality 11), given a
//! strong ETag and a content type, and written to `$OUT_DIR/assets.rs` as `ASSETS` (sorted by
//! path) together with the widget's path from `manifest.json`.

use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::fs;
use std::io::{ErrorKind, Write as _};
use std::path::{Path, PathBuf};
use std::process::Command;

/// What to install or set when the web build cannot run.
const HINT: &str = "\
Building Shoptalk also builds its web front end (web/: widget, agent app, demo page). That needs
Node.js 20 or newer and npm (https://nodejs.org/, or your package manager, e.g.
`apt-get install nodejs npm`), and access to the npm registry the first time (`npm install`).
To embed web assets built elsewhere instead, set SHOPTALK_WEB_DIST to the folder that
`node web/scripts/build.mjs <folder>` produced.";

/// The web package's files the build depends on (node_modules is covered by the lock file).
const WEB_INPUTS: &[&str] = &[
    "src",
    "scripts",
    "package.json",
    "package-lock.json",
    "vite.config.ts",
    "tsconfig.json",
];

fn main() {
    println!("cargo:rerun-if-env-changed=SHOPTALK_WEB_DIST");
    let out_dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    let dist = match std::env::var_os("SHOPTALK_WEB_DIST").filter(|d| !d.is_empty()) {
        Some(dir) => {
            let dir = PathBuf::from(dir);
            println!("cargo:rerun-if-changed={}", dir.display());
            println!("cargo:rustc-env=SHOPTALK_WEB_PREBUILT=1");
            dir
        }
        None => build_web(&out_dir),
    };
    embed(&dist, &out_dir);
}

/// `npm install` when needed, then the web build into `$OUT_DIR/web`; returns that folder.
fn build_web(out_dir: &Path) -> PathBuf {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    let web = fs::canonicalize(&web).unwrap_or_else(|e| {
        fail(&format!(
            "the web package {} is missing: {e}",
            web.display()
        ))
    });
    for input in WEB_INPUTS {
        println!("cargo:rerun-if-changed={}", web.join(input).display());
    }
    check_node();
    if needs_install(&web) {
        let mut npm = Command::new(if cfg!(windows) { "npm.cmd" } else { "npm" });
        // Not `npm ci`: it refuses a lock file that lacks other platforms' optional packages
        // (npm/cli#4828), which a registry without them produces. `npm install` installs
        // the locked versions and leaves the lock file as it is.
        npm.args(["install", "--no-audit", "--no-fund"])
            .env("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")
            .current_dir(&web);
        run(npm, "npm install");
    }
    let dist = out_dir.join("web");
    let mut node = Command::new("node");
    node.arg("scripts/build.mjs").arg(&dist).current_dir(&web);
    run(node, &format!("node scripts/build.mjs {}", dist.display()));
    dist
}

/// Refuses a missing or too old Node.js up front, with the hint, rather than with whatever a
/// newer syntax makes an old one print.
fn check_node() {
    let version = match Command::new("node").arg("--version").output() {
        Ok(out) if out.status.success() => String::from_utf8_lossy(&out.stdout).trim().to_owned(),
        Ok(out) => fail(&format!("`node --version` failed ({})", out.status)),
        Err(e) => fail(&format!("`node` could not be started: {e}")),
    };
    let major = version
        .trim_start_matches('v')
        .split('.')
        .next()
        .and_then(|m| m.parse::<u32>().ok());
    if major.is_none_or(|m| m < 20) {
        fail(&format!("Node.js {version} is too old"));
    }
}

/// Whether `web/node_modules` is missing or older than `package-lock.json`.
fn needs_install(web: &Path) -> bool {
    let modified = |p: PathBuf| fs::metadata(p).and_then(|m| m.modified()).ok();
    let Some(lock) = modified(web.join("package-lock.json")) else {
        return true;
    };
    let installed = [
        web.join("node_modules"),
        web.join("node_modules/.package-lock.json"),
    ]
    .into_iter()
    .filter_map(modified)
    .max();
    installed.is_none_or(|installed| installed < lock)
}

/// Runs `command` (shown to people as `shown`); on failure, prints its output and stops the
/// build.
fn run(mut command: Command, shown: &str) {
    match command.output() {
        Ok(out) if out.status.success() => {}
        Ok(out) => {
            eprintln!("{}", String::from_utf8_lossy(&out.stdout));
            eprintln!("{}", String::from_utf8_lossy(&out.stderr));
            fail(&format!(
                "`{shown}` in web/ failed ({}); its output is above",
                out.status
            ));
        }
        Err(e) if e.kind() == ErrorKind::NotFound => {
            fail(&format!("`{shown}` could not be started: {e}"))
        }
        Err(e) => fail(&format!("`{shown}` in web/ could not be run: {e}")),
    }
}

fn fail(message: &str) -> ! {
    eprintln!("\nerror: {message}\n\n{HINT}\n");
    std::process::exit(1);
}

/// Writes every file of `dist` (raw, gzip, brotli) under `$OUT_DIR/embed` and the table
/// pointing at them to `$OUT_DIR/assets.rs`.
fn embed(dist: &Path, out_dir: &Path) {
    let manifest_path = dist.join("manifest.json");
    let manifest: serde_json::Map<String, serde_json::Value> = fs::read(&manifest_path)
        .map_err(|e| e.to_string())
        .and_then(|bytes| serde_json::from_slice(&bytes).map_err(|e| e.to_string()))
        .unwrap_or_else(|e| fail(&format!("{}: {e}", manifest_path.display())));
    let mut entries = Vec::new();
    for (name, path) in &manifest {
        match path.as_str() {
            Some(path) => entries.push((name.as_str(), path)),
            None => fail(&format!(
                "{}: entry {name:?} is not a path",
                manifest_path.display()
            )),
        }
    }
    let Some(&(_, widget)) = entries.iter().find(|(name, _)| *name == "widget") else {
        fail(&format!(
            "{} names no \"widget\" bundle",
            manifest_path.display()
        ));
    };

    let mut files = Vec::new();
    walk(dist, "", &mut files);
    // manifest.json is build metadata, read above; it is not served.
    files.retain(|(path, _)| path != "manifest.json");
    files.sort();

    let embed_dir = out_dir.join("embed");
    let _ = fs::remove_dir_all(&embed_dir);
    fs::create_dir_all(&embed_dir).expect("create $OUT_DIR/embed");
    let mut table = String::from("static ASSETS: &[Asset] = &[\n");
    for (i, (path, file)) in files.iter().enumerate() {
        let raw = fs::read(file).unwrap_or_else(|e| fail(&format!("{}: {e}", file.display())));
        let (gz, br) = (gzip(&raw), brotli(&raw));
        let mut includes = Vec::new();
        for (suffix, bytes) in [("raw", &raw), ("gz", &gz), ("br", &br)] {
            let target = embed_dir.join(format!("{i}.{suffix}"));
            fs::write(&target, bytes).expect("write $OUT_DIR/embed");
            includes.push(format!(
                "include_bytes!({:?})",
                target.display().to_string()
            ));
        }
        writeln!(
            table,
            "    Asset {{ path: {path:?}, content_type: {:?}, etag: {:?}, raw: {}, gzip: {}, brotli: {} }},",
            content_type(path),
            etag(&raw),
            includes[0],
            includes[1],
            includes[2],
        )
        .unwrap();
    }
    table.push_str("];\n");
    writeln!(table, "const WIDGET_PATH: &str = {widget:?};").unwrap();
    table.push_str("#[cfg(test)]\nstatic MANIFEST: &[(&str, &str)] = &[\n");
    for (name, path) in &entries {
        writeln!(table, "    ({name:?}, {path:?}),").unwrap();
    }
    table.push_str("];\n");
    fs::write(out_dir.join("assets.rs"), table).expect("write $OUT_DIR/assets.rs");
}

/// Every file under `dir`, as (`/`-separated path relative to the root, file).
fn walk(dir: &Path, prefix: &str, files: &mut Vec<(String, PathBuf)>) {
    let entries = fs::read_dir(dir).unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
    for entry in entries {
        let entry = entry.unwrap_or_else(|e| fail(&format!("{}: {e}", dir.display())));
        let file = entry.path();
        let Some(name) = entry.file_name().to_str().map(str::to_owned) else {
            fail(&format!("{}: file names must be UTF-8", file.display()));
        };
        let path = format!("{prefix}{name}");
        if file.is_dir() {
            walk(&file, &format!("{path}/"), files);
        } else {
            files.push((path, file));
        }
    }
}

fn gzip(raw: &[u8]) -> Vec<u8> {
    use flate2::{Compression, write::GzEncoder};
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    encoder.write_all(raw).expect("gzip into memory");
    encoder.finish().expect("gzip into memory")
}

fn brotli(raw: &[u8]) -> Vec<u8> {
    let params = brotli::enc::BrotliEncoderParams {
        quality: 11,
        lgwin: 22,
        size_hint: raw.len(),
        ..Default::default()
    };
    let mut out = Vec::new();
    brotli::BrotliCompress(&mut &raw[..], &mut out, &params).expect("brotli into memory");
    out
}

/// A strong ETag: the first 128 bits of the SHA-256 of the bytes, quoted.
fn etag(raw: &[u8]) -> String {
    let digest = Sha256::digest(raw);
    let hex: String = digest[..16].iter().map(|b| format!("{b:02x}")).collect();
    format!("\"{hex}\"")
}

fn content_type(path: &str) -> &'static str {
    let extension = path.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension.to_ascii_lowercase().as_str() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "map" => "application/json",
        "webmanifest" => "application/manifest+json",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "woff" => "font/woff",
        "woff2" => "font/woff2",
        "ttf" => "font/ttf",
        "otf" => "font/otf",
        "wasm" => "application/wasm",
        "mp3" => "audio/mpeg",
        "ogg" => "audio/ogg",
        "wav" => "audio/wav",
        "mp4" => "video/mp4",
        "webm" => "video/webm",
        _ => "application/octet-stream",
    }
}
