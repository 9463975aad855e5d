//! Tracked links: `GET /r/{token}` redirects to the URL the shop sent and counts the click.
//!
//! Only the stored URL is ever a redirect target, so the route is no open redirect: an
//! unknown or malformed token is a 404, never a redirect. Requests that are not a person
//! opening the link (HEAD, prefetches, link previews, crawlers) are redirected alike but not
//! counted.

use crate::error::ApiResult;
use crate::extract::Path;
use crate::openapi::NotFoundError;
use crate::state::AppState;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use shoptalk_core::service::Visit;

/// Fragments of the `User-Agent`s of link previewers and crawlers (lower case). Browsers
/// name none of them.
const AUTOMATED_AGENTS: &[&str] = &[
    "bot",
    "crawl",
    "spider",
    "slurp",
    "preview",
    "facebookexternalhit",
    "whatsapp",
    "embedly",
    "vkshare",
];

/// Opens a tracked link: `302 Found` to the URL sent, recording the click.
#[utoipa::path(
    get, path = "/r/{token}", tag = "links",
    params(("token" = String, Path, description = "The token of a link sent in a message")),
    responses(
        (status = 302, description = "To the link's URL", headers(("location" = String, description = "The URL sent"))),
        NotFoundError
    )
)]
pub async fn follow_link(
    State(state): State<AppState>,
    Path(token): Path<String>,
    method: Method,
    headers: HeaderMap,
) -> ApiResult<Response> {
    let url = state
        .app
        .follow_link(&token, visit(&method, &headers))
        .await?;
    let location = HeaderValue::from_str(&url).map_err(|_| {
        // The core hands out URLs in their ASCII form; anything else is a bug.
        tracing::error!(%token, "a tracked link's URL is not a valid Location");
        crate::error::ApiError::internal()
    })?;
    Ok((
        StatusCode::FOUND,
        [
            (header::LOCATION, location),
            // Every opening reaches the server, so every click is counted.
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
            (
                header::HeaderName::from_static("x-robots-tag"),
                HeaderValue::from_static("noindex"),
            ),
        ],
    )
        .into_response())
}

/// Whether a person is opening the link, or a machine looking at it.
fn visit(method: &Method, headers: &HeaderMap) -> Visit {
    let header = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_ascii_lowercase)
    };
    let prefetch = ["purpose", "sec-purpose", "x-purpose", "x-moz"]
        .into_iter()
        .filter_map(header)
        .any(|v| v.contains("prefetch") || v.contains("preview") || v.contains("prerender"));
    // Browsers always send a User-Agent; scripts and scanners often do not.
    let automated_agent =
        header("user-agent").is_none_or(|agent| AUTOMATED_AGENTS.iter().any(|a| agent.contains(a)));
    if method == Method::HEAD || prefetch || automated_agent {
        Visit::Automated
    } else {
        Visit::Person
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut map = HeaderMap::new();
        for (name, value) in pairs {
            map.insert(*name, HeaderValue::from_str(value).unwrap());
        }
        map
    }

    const FIREFOX: &str = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0";

    #[test]
    fn people_are_told_from_previewers_and_prefetches() {
        let browser = headers(&[("user-agent", FIREFOX)]);
        assert_eq!(visit(&Method::GET, &browser), Visit::Person);
        assert_eq!(visit(&Method::HEAD, &browser), Visit::Automated);
        assert_eq!(visit(&Method::GET, &HeaderMap::new()), Visit::Automated);
        for agent in [
            "WhatsApp/2.23.20.0 A",
            "facebookexternalhit/1.1 (+http://www.facebook.com/externalhit_uatext.php)",
            "Slackbot-LinkExpanding 1.0 (+https://api.slack.com/robots)",
            "TelegramBot (like TwitterBot)",
            "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
            "Mozilla/5.0 (Windows NT 10.0) SkypeUriPreview Preview/0.5",
        ] {
            let h = headers(&[("user-agent", agent)]);
            assert_eq!(visit(&Method::GET, &h), Visit::Automated, "{agent}");
        }
        for (name, value) in [
            ("sec-purpose", "prefetch;prerender"),
            ("purpose", "prefetch"),
            ("x-moz", "prefetch"),
        ] {
            let h = headers(&[("user-agent", FIREFOX), (name, value)]);
            assert_eq!(visit(&Method::GET, &h), Visit::Automated, "{name}");
        }
    }
}
