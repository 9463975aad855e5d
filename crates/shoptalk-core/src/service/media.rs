//! Attachments: uploaded bytes are sniffed (the declared type is not trusted), stored under a
//! server-generated name, and served back only within their workspace.

use super::{Actor, App, Capability};
use crate::error::{DomainError, DomainResult};
use crate::store::MediaRecord;
use async_trait::async_trait;
use jiff::Timestamp;
use shoptalk_types::ids::MediaId;
use shoptalk_types::model::Media;

/// Largest upload accepted.
pub const MAX_UPLOAD_BYTES: usize = 25 * 1024 * 1024;

/// Where attachment bytes live (local disk by default; object storage when scaled out).
#[async_trait]
pub trait BlobStore: Send + Sync + 'static {
    /// Writes durably; `name` is always server-generated.
    async fn put(&self, name: &str, bytes: &[u8]) -> std::io::Result<()>;
    async fn read(&self, name: &str) -> std::io::Result<Vec<u8>>;
}

pub struct Upload {
    /// As the client named it; only used for display and `Content-Disposition`.
    pub filename: String,
    pub bytes: Vec<u8>,
}

/// MIME types accepted, as sniffed from the bytes.
const ALLOWED_TYPES: &[&str] = &[
    "image/jpeg",
    "image/png",
    "image/gif",
    "image/webp",
    "video/mp4",
    "video/webm",
    "video/quicktime",
    "audio/mpeg",
    "audio/ogg",
    "audio/x-wav",
    "audio/m4a",
    "audio/x-flac",
    "application/pdf",
    "application/zip",
    "text/plain",
];

/// The type of the bytes themselves. Text (no magic number) is accepted when it is UTF-8;
/// it is then served as `text/plain`, so an HTML or SVG file can never run as a page.
pub fn sniff_type(bytes: &[u8]) -> Option<&'static str> {
    let is_utf8 = std::str::from_utf8(bytes).is_ok();
    match infer::get(bytes) {
        // HTML, XML and the like are kept, but only ever as plain text.
        Some(kind) if kind.mime_type().starts_with("text/") && is_utf8 => Some("text/plain"),
        Some(kind) => ALLOWED_TYPES
            .iter()
            .copied()
            .find(|t| *t == kind.mime_type()),
        None if is_utf8 => Some("text/plain"),
        None => None,
    }
}

/// The last path component, without control characters, at most 255 chars.
pub fn clean_filename(name: &str) -> String {
    let base = name.rsplit(['/', '\\']).next().unwrap_or("");
    let cleaned: String = base.chars().filter(|c| !c.is_control()).take(255).collect();
    let cleaned = cleaned.trim().trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "file".to_string()
    } else {
        cleaned
    }
}

impl App {
    pub async fn upload_media(&self, actor: &Actor, upload: Upload) -> DomainResult<Media> {
        if actor.is_staff() {
            actor.require(Capability::Write)?;
        }
        if upload.bytes.is_empty() {
            return Err(DomainError::invalid("file", "is empty"));
        }
        if upload.bytes.len() > MAX_UPLOAD_BYTES {
            return Err(DomainError::TooLarge(
                "attachments may be at most 25 MiB".into(),
            ));
        }
        let content_type = sniff_type(&upload.bytes).ok_or_else(|| {
            DomainError::UnsupportedMediaType(
                "this file type is not accepted (images, video, audio, PDF, ZIP and text are)"
                    .into(),
            )
        })?;
        let id = MediaId::new();
        let storage_name = id.to_string();
        self.blobs
            .put(&storage_name, &upload.bytes)
            .await
            .map_err(|e| DomainError::Store(crate::StoreError::backend(e)))?;
        let record = MediaRecord {
            media: Media {
                id,
                filename: clean_filename(&upload.filename),
                content_type: content_type.to_string(),
                size_bytes: upload.bytes.len() as i64,
                url: format!("/api/v1/media/{id}"),
                created_at: Timestamp::now(),
            },
            workspace_id: actor.workspace_id(),
            storage_name,
        };
        self.store.insert_media(&record).await?;
        Ok(record.media)
    }

    /// The attachment and its bytes, for anyone authenticated in its workspace (media ids are
    /// unguessable; another workspace's id is "not found").
    pub async fn download_media(
        &self,
        actor: &Actor,
        id: MediaId,
    ) -> DomainResult<(Media, Vec<u8>)> {
        let record = self.store.media(actor.workspace_id(), id).await?;
        let record = record.ok_or(DomainError::NotFound("media"))?;
        let bytes = self
            .blobs
            .read(&record.storage_name)
            .await
            .map_err(|e| DomainError::Store(crate::StoreError::backend(e)))?;
        Ok((record.media, bytes))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_come_from_the_bytes() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        assert_eq!(sniff_type(&png), Some("image/png"));
        assert_eq!(sniff_type(b"<svg onload=alert(1)>"), Some("text/plain"));
        let page = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
        assert_eq!(sniff_type(page), Some("text/plain"));
        assert_eq!(sniff_type(&[0xff, 0xfe, 0x00, 0x80, 0x81]), None);
        // A Windows executable is refused whatever it is called.
        assert_eq!(sniff_type(b"MZ\x90\x00\x03\x00\x00\x00\x04\x00"), None);
    }

    #[test]
    fn filenames_lose_their_paths() {
        assert_eq!(clean_filename("../../etc/passwd"), "passwd");
        assert_eq!(clean_filename("C:\\Users\\x\\photo.png"), "photo.png");
        assert_eq!(clean_filename("..."), "file");
        assert_eq!(clean_filename("a\u{0}b\n.txt"), "ab.txt");
    }
}
