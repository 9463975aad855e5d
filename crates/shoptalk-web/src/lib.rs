//! Shoptalk's web front end, embedded: the widget bundle, the agent app and the demo page,
//! built from `web/` by this crate's build script and compiled in as a static table.
//!
//! Each [`Asset`] carries its bytes three ways (as built, gzip, brotli), all prepared at build
//! time, so serving one is a lookup and a copy of a `&'static [u8]`. Nothing is read from disk
//! at run time. Paths are those of the build folder: `assets/…` (content-hashed bundles and
//! chunks), `app/index.html`, `demo/index.html`.
//!
//! This crate is a plain table; the HTTP side (`shoptalk-http`'s `web` module) decides URLs,
//! caching and content negotiation.

/// One file of the web build.
#[derive(Debug)]
pub struct Asset {
    /// Path in the build folder, `/`-separated: `assets/widget-1a2b3c4d5e.js`, `app/index.html`.
    pub path: &'static str,
    /// The `Content-Type` to serve it with.
    pub content_type: &'static str,
    /// Strong ETag of `raw`, quoted: the first 128 bits of its SHA-256 in hex.
    pub etag: &'static str,
    /// The bytes as built.
    pub raw: &'static [u8],
    /// `raw`, gzip-compressed (level 9).
    pub gzip: &'static [u8],
    /// `raw`, brotli-compressed (quality 11).
    pub brotli: &'static [u8],
}

impl Asset {
    /// Whether the file's name is content-hashed, so these bytes never change under this path
    /// and it may be cached forever: everything under `assets/`.
    pub fn is_immutable(&self) -> bool {
        self.path.starts_with("assets/")
    }
}

include!(concat!(env!("OUT_DIR"), "/assets.rs"));

/// The file at `path` (`assets/app-x1y2.js`, `app/index.html`; no leading `/`).
pub fn asset(path: &str) -> Option<&'static Asset> {
    ASSETS
        .binary_search_by(|a| a.path.cmp(path))
        .ok()
        .map(|i| &ASSETS[i])
}

/// Path of the current widget bundle (`assets/widget-<hash>.js`), from the build's manifest.
pub fn widget_path() -> &'static str {
    WIDGET_PATH
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    /// The widget's promised download size (gzip): shops embed it on every page.
    const WIDGET_GZIP_BUDGET: usize = 30 * 1024;

    #[test]
    fn every_manifest_entry_is_embedded() {
        assert!(!MANIFEST.is_empty());
        for (name, path) in MANIFEST {
            assert!(
                asset(path).is_some(),
                "manifest entry {name} = {path} is missing"
            );
        }
        let widget = asset(widget_path()).expect("the widget is embedded");
        assert!(widget.is_immutable(), "{}", widget.path);
        assert!(widget.content_type.starts_with("text/javascript"));
    }

    #[test]
    fn the_table_is_sorted_and_lookups_find_every_entry() {
        assert!(ASSETS.windows(2).all(|w| w[0].path < w[1].path));
        for a in ASSETS {
            assert!(std::ptr::eq(asset(a.path).unwrap(), a));
        }
        assert!(asset("manifest.json").is_none());
        assert!(asset("/app/index.html").is_none());
    }

    #[test]
    fn the_widget_stays_within_its_size_budget() {
        let widget = asset(widget_path()).unwrap();
        let size = widget.gzip.len();
        println!(
            "widget {}: {} bytes raw, {size} bytes gzip, {} bytes brotli (budget {WIDGET_GZIP_BUDGET} bytes gzip)",
            widget.path,
            widget.raw.len(),
            widget.brotli.len(),
        );
        assert!(
            size <= WIDGET_GZIP_BUDGET,
            "the widget is {size} bytes gzipped, over its budget of {WIDGET_GZIP_BUDGET} bytes (30 KiB)"
        );
    }

    #[test]
    fn compressed_variants_decompress_to_the_raw_bytes() {
        for a in ASSETS {
            let mut gunzipped = Vec::new();
            flate2::read::GzDecoder::new(a.gzip)
                .read_to_end(&mut gunzipped)
                .unwrap();
            assert!(gunzipped == a.raw, "gzip of {} differs", a.path);
            let mut unbrotlied = Vec::new();
            brotli::Decompressor::new(a.brotli, 4096)
                .read_to_end(&mut unbrotlied)
                .unwrap();
            assert!(unbrotlied == a.raw, "brotli of {} differs", a.path);
        }
    }

    #[test]
    fn etags_are_strong() {
        for a in ASSETS {
            let tag = a.etag.strip_prefix('"').and_then(|t| t.strip_suffix('"'));
            assert!(
                tag.is_some_and(|t| t.len() == 32 && t.bytes().all(|b| b.is_ascii_hexdigit())),
                "{}: {}",
                a.path,
                a.etag
            );
        }
    }

    #[test]
    fn html_pages_reference_only_embedded_assets() {
        for page in ["app/index.html", "demo/index.html"] {
            let html = std::str::from_utf8(asset(page).expect(page).raw).unwrap();
            let references = asset_references(html);
            if page == "app/index.html" {
                assert!(!references.is_empty(), "the app loads no script?\n{html}");
            }
            for path in references {
                assert!(
                    asset(&path).is_some(),
                    "{page} references /{path}, which is not embedded"
                );
            }
        }
    }

    /// `assets/…` paths named by `src="/assets/…"` and `href="/assets/…"` attributes.
    fn asset_references(html: &str) -> Vec<String> {
        let mut found = Vec::new();
        for attribute in ["src=", "href="] {
            for (at, _) in html.match_indices(attribute) {
                let value = &html[at + attribute.len()..];
                let Some(quote) = value.chars().next().filter(|c| *c == '"' || *c == '\'') else {
                    continue;
                };
                let value = &value[1..];
                let value = &value[..value.find(quote).unwrap_or(value.len())];
                if let Some(path) = value.strip_prefix("/assets/") {
                    found.push(format!("assets/{path}"));
                }
            }
        }
        found
    }
}
