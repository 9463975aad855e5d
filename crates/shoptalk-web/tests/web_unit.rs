//! The web package's own unit tests (Vitest), run from here so that `cargo test --workspace`
//! covers the TypeScript too. This crate's build script has installed `web/node_modules`
//! (`npm install`) unless the assets came prebuilt from `SHOPTALK_WEB_DIST`.

use std::path::Path;
use std::process::Command;

#[test]
fn web_unit_tests_pass() {
    let web = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../web");
    if !web.join("node_modules").exists() {
        // Only reachable when packagers embed a prebuilt web folder and never install the
        // web package's dependencies.
        assert!(
            option_env!("SHOPTALK_WEB_PREBUILT").is_some(),
            "web/node_modules is missing although the build script ran `npm install`"
        );
        eprintln!(
            "skipped: the web assets came from SHOPTALK_WEB_DIST and web/node_modules is missing (run `npm install` in web/ to include the web unit tests)"
        );
        return;
    }
    let npx = if cfg!(windows) { "npx.cmd" } else { "npx" };
    let out = Command::new(npx)
        .args(["vitest", "run"])
        .current_dir(&web)
        .env("NO_COLOR", "1")
        .output()
        .unwrap_or_else(|e| panic!("`npx vitest run` could not be started in web/: {e}"));
    assert!(
        out.status.success(),
        "`npx vitest run` in web/ failed ({}):\n{}\n{}",
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr),
    );
}
