//! Canned responses: saved replies agents insert in the composer with `/shortcut`.

use super::{Actor, App, Capability, now_ms};
use crate::StoreError;
use crate::error::{DomainError, DomainResult};
use shoptalk_types::ids::CannedResponseId;
use shoptalk_types::model::{CannedResponse, CannedResponsePatch, NewCannedResponse};

/// Canned responses a workspace may keep: the agent app loads them all at once, unpaginated.
const MAX_PER_WORKSPACE: usize = 1000;
const SHORTCUT_MAX_CHARS: usize = 32;
const TITLE_MAX_CHARS: usize = 80;
/// As a text message: a canned response is sent as one.
const TEXT_MAX_CHARS: usize = 4096;

/// Lower-cased and trimmed (people type `/Thanks`), then 1–32 of `a-z 0-9 - _`: what a
/// composer can match as one word after `/`.
fn check_shortcut(shortcut: &str) -> DomainResult<String> {
    let shortcut = shortcut.trim().to_ascii_lowercase();
    let ok = (1..=SHORTCUT_MAX_CHARS).contains(&shortcut.len())
        && shortcut
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-' || b == b'_');
    if ok {
        Ok(shortcut)
    } else {
        Err(DomainError::invalid(
            "shortcut",
            "must be 1 to 32 of a-z, 0-9, - and _",
        ))
    }
}

/// Trimmed, 1 to `max` characters, no control characters but newlines and tabs in `text`.
fn check_text(field: &str, value: &str, max: usize, multiline: bool) -> DomainResult<String> {
    let value = value.trim();
    if value.is_empty() || value.chars().count() > max {
        return Err(DomainError::invalid(
            field,
            format!("must be 1 to {max} characters"),
        ));
    }
    let allowed = |c: char| multiline && (c == '\n' || c == '\t');
    if value.chars().any(|c| c.is_control() && !allowed(c)) {
        return Err(DomainError::invalid(
            field,
            "must not contain control characters",
        ));
    }
    Ok(value.to_owned())
}

fn shortcut_taken(e: StoreError) -> DomainError {
    match e {
        StoreError::Duplicate("canned_response_shortcut") => DomainError::taken(
            "shortcut",
            "is already used by another canned response of this workspace",
        ),
        other => other.into(),
    }
}

impl App {
    /// All of them, by shortcut.
    pub async fn list_canned_responses(&self, actor: &Actor) -> DomainResult<Vec<CannedResponse>> {
        actor.require(Capability::Read)?;
        Ok(self
            .store
            .list_canned_responses(actor.workspace_id())
            .await?)
    }

    pub async fn create_canned_response(
        &self,
        actor: &Actor,
        new: &NewCannedResponse,
    ) -> DomainResult<CannedResponse> {
        actor.require(Capability::Write)?;
        let now = now_ms();
        let canned = CannedResponse {
            id: CannedResponseId::new(),
            shortcut: check_shortcut(&new.shortcut)?,
            title: check_text("title", &new.title, TITLE_MAX_CHARS, false)?,
            text: check_text("text", &new.text, TEXT_MAX_CHARS, true)?,
            created_at: now,
            updated_at: now,
        };
        let ws = actor.workspace_id();
        if self.store.list_canned_responses(ws).await?.len() >= MAX_PER_WORKSPACE {
            return Err(DomainError::Conflict(
                "a workspace may have at most 1000 canned responses".into(),
            ));
        }
        self.store
            .insert_canned_response(ws, &canned)
            .await
            .map_err(shortcut_taken)?;
        Ok(canned)
    }

    pub async fn update_canned_response(
        &self,
        actor: &Actor,
        id: CannedResponseId,
        patch: &CannedResponsePatch,
    ) -> DomainResult<CannedResponse> {
        actor.require(Capability::Write)?;
        let patch = CannedResponsePatch {
            shortcut: patch.shortcut.as_deref().map(check_shortcut).transpose()?,
            title: (patch.title.as_deref())
                .map(|t| check_text("title", t, TITLE_MAX_CHARS, false))
                .transpose()?,
            text: (patch.text.as_deref())
                .map(|t| check_text("text", t, TEXT_MAX_CHARS, true))
                .transpose()?,
        };
        let updated = self
            .store
            .update_canned_response(actor.workspace_id(), id, &patch)
            .await
            .map_err(shortcut_taken)?;
        updated.ok_or(DomainError::NotFound("canned response"))
    }

    pub async fn delete_canned_response(
        &self,
        actor: &Actor,
        id: CannedResponseId,
    ) -> DomainResult<()> {
        actor.require(Capability::Write)?;
        if self
            .store
            .delete_canned_response(actor.workspace_id(), id)
            .await?
        {
            Ok(())
        } else {
            Err(DomainError::NotFound("canned response"))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field(r: DomainResult<String>) -> String {
        match r {
            Err(DomainError::Invalid { field, .. }) => field,
            other => panic!("expected invalid, got {other:?}"),
        }
    }

    #[test]
    fn shortcuts_are_one_lower_case_word() {
        assert_eq!(check_shortcut(" Thanks_2-u ").unwrap(), "thanks_2-u");
        for bad in ["", "  ", "two words", "é", "/thanks", &"x".repeat(33)] {
            assert_eq!(field(check_shortcut(bad)), "shortcut", "{bad:?}");
        }
    }

    #[test]
    fn titles_and_texts_are_bounded() {
        assert_eq!(field(check_text("title", " ", 80, false)), "title");
        assert_eq!(
            field(check_text("title", &"t".repeat(81), 80, false)),
            "title"
        );
        assert_eq!(field(check_text("title", "a\nb", 80, false)), "title");
        assert_eq!(
            check_text("text", "Hi {{contact.first_name}},\n\tthanks!", 4096, true).unwrap(),
            "Hi {{contact.first_name}},\n\tthanks!"
        );
        assert_eq!(field(check_text("text", "bell\u{7}", 4096, true)), "text");
    }
}
