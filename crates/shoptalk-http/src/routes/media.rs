//! Attachments: raw-body upload and download. Bytes are served with the type sniffed at
//! upload (never the client's claim), `nosniff`, a sandboxing CSP and, unless they are images,
//! video or audio, as an attachment: an uploaded page can never run on our origin.

use crate::error::ApiResult;
use crate::extract::{Auth, Path, Query, body_rejection};
use crate::openapi::{AuthErrors, InputErrors, NotFoundError};
use crate::state::AppState;
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::extract::rejection::BytesRejection;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use shoptalk_core::service::Upload;
use shoptalk_types::ids::MediaId;
use shoptalk_types::model::Media;
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct UploadParams {
    /// The file's name, for display (else taken from `Content-Disposition`). Any path is
    /// dropped.
    pub filename: Option<String>,
}

/// Uploads a file (the raw bytes as the body, any `Content-Type`; the type is sniffed from
/// the bytes). At most 25 MiB.
#[utoipa::path(
    post, path = "/api/v1/media", tag = "media",
    security(("bearer" = [])),
    params(UploadParams),
    request_body(content = String, content_type = "application/octet-stream", description = "The file's bytes"),
    responses((status = 201, description = "Stored", body = Media), AuthErrors, InputErrors)
)]
pub async fn upload_media(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Query(params): Query<UploadParams>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> ApiResult<(StatusCode, Json<Media>)> {
    let bytes = body.map_err(body_rejection)?;
    let filename = params
        .filename
        .or_else(|| disposition_filename(&headers))
        .unwrap_or_else(|| "file".to_string());
    let upload = Upload {
        filename,
        bytes: bytes.to_vec(),
    };
    Ok((
        StatusCode::CREATED,
        Json(state.app.upload_media(&actor, upload).await?),
    ))
}

/// Downloads an attachment of the caller's workspace.
#[utoipa::path(
    get, path = "/api/v1/media/{id}", tag = "media",
    security(("bearer" = [])),
    params(("id" = MediaId, Path, description = "Media id")),
    responses(
        (status = 200, description = "The bytes, with the sniffed Content-Type", content_type = "application/octet-stream", body = String),
        AuthErrors, NotFoundError
    )
)]
pub async fn download_media(
    State(state): State<AppState>,
    Auth(actor): Auth,
    Path(id): Path<MediaId>,
) -> ApiResult<Response> {
    let (media, bytes) = state.app.download_media(&actor, id).await?;
    let content_type = if media.content_type.starts_with("text/") {
        format!("{}; charset=utf-8", media.content_type)
    } else {
        media.content_type.clone()
    };
    let inline = ["image/", "video/", "audio/"]
        .iter()
        .any(|p| media.content_type.starts_with(p));
    let disposition = content_disposition(
        if inline { "inline" } else { "attachment" },
        &media.filename,
    );
    let mut response = bytes.into_response();
    let h = response.headers_mut();
    // The sniffed types and the encoded disposition are ASCII; fall back rather than fail.
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    h.insert(
        header::CONTENT_DISPOSITION,
        HeaderValue::from_str(&disposition).unwrap_or(HeaderValue::from_static("attachment")),
    );
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; sandbox"),
    );
    // Media ids are never reused and the bytes never change.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    Ok(response)
}

/// `inline|attachment; filename="<ascii>"; filename*=UTF-8''<percent-encoded>` (RFC 6266).
fn content_disposition(kind: &str, filename: &str) -> String {
    let ascii: String = filename
        .chars()
        .map(|c| match c {
            ' '..='~' if c != '"' && c != '\\' => c,
            _ => '_',
        })
        .collect();
    let mut encoded = String::with_capacity(filename.len() * 3);
    for byte in filename.bytes() {
        // RFC 5987 attr-char passes through; everything else is %XX.
        if byte.is_ascii_alphanumeric() || b"!#$&+-.^_`|~".contains(&byte) {
            encoded.push(byte as char);
        } else {
            encoded.push_str(&format!("%{byte:02X}"));
        }
    }
    format!("{kind}; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// The filename of a `Content-Disposition` request header: `filename*` (RFC 5987) first,
/// then `filename`.
fn disposition_filename(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::CONTENT_DISPOSITION)?.to_str().ok()?;
    let params: Vec<(String, &str)> = value
        .split(';')
        .skip(1)
        .filter_map(|p| p.split_once('='))
        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim()))
        .collect();
    let extended = params
        .iter()
        .find(|(k, _)| k == "filename*")
        .and_then(|(_, v)| {
            let (charset, rest) = v.split_once('\'')?;
            let (_lang, encoded) = rest.split_once('\'')?;
            charset
                .eq_ignore_ascii_case("utf-8")
                .then(|| percent_decode(encoded))
                .flatten()
        });
    extended
        .or_else(|| {
            params
                .iter()
                .find(|(k, _)| k == "filename")
                .map(|(_, v)| v.trim_matches('"').to_string())
        })
        .filter(|name| !name.is_empty())
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dispositions_have_an_ascii_fallback_and_an_exact_utf8_name() {
        assert_eq!(
            content_disposition("attachment", "naïve \"résumé\".pdf"),
            "attachment; filename=\"na_ve _r_sum__.pdf\"; filename*=UTF-8''na%C3%AFve%20%22r%C3%A9sum%C3%A9%22.pdf"
        );
    }

    #[test]
    fn upload_filenames_come_from_content_disposition() {
        let mut h = HeaderMap::new();
        assert_eq!(disposition_filename(&h), None);
        h.insert(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"a b.png\"".parse().unwrap(),
        );
        assert_eq!(disposition_filename(&h).as_deref(), Some("a b.png"));
        h.insert(
            header::CONTENT_DISPOSITION,
            "attachment; filename=\"x.png\"; filename*=UTF-8''%C3%A9t%C3%A9.png"
                .parse()
                .unwrap(),
        );
        assert_eq!(disposition_filename(&h).as_deref(), Some("été.png"));
    }
}
