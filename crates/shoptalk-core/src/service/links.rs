//! Tracked links: URLs the shop sends become `{public_url}/r/{token}`, so that opening one is
//! counted (who, from which conversation and message) before the redirect to the URL sent.
//!
//! Links are stored before their message is queued, so a committed message never names a
//! token that does not exist. A send retried with the same `client_msg_id` stores a second
//! set whose message is never committed: harmless, they lead where the shop meant them to.

mod rewrite;

use super::App;
use crate::commerce_store::TrackedLinkRecord;
use crate::error::{DomainError, DomainResult};
use crate::store::NewMessage;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use jiff::Timestamp;
use rand::RngCore;
use shoptalk_types::model::SenderKind;

/// Random bytes of a token: 128 bits cannot be guessed or enumerated.
const TOKEN_BYTES: usize = 16;
/// Characters of a token: unpadded base64 of [`TOKEN_BYTES`].
const TOKEN_CHARS: usize = 22;

/// Who opened a tracked link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Visit {
    /// A person: the click is counted.
    Person,
    /// A link previewer, prefetcher or crawler: redirected like anyone, never counted.
    Automated,
}

impl App {
    /// Where the tracked link `token` leads, in the URL's ASCII form (a `Location` header
    /// carries nothing else; browsers encode the same way). A person's visit is recorded in
    /// the background (emitting `link.clicked`), so the redirect never waits for a write.
    pub async fn follow_link(&self, token: &str, visit: Visit) -> DomainResult<String> {
        if !is_token(token) {
            return Err(DomainError::NotFound("link"));
        }
        let link = self
            .store
            .tracked_link(token)
            .await?
            .ok_or(DomainError::NotFound("link"))?;
        let url = url::Url::parse(&link.url).map_or_else(|_| link.url.clone(), String::from);
        if visit == Visit::Person {
            let store = self.store.clone();
            tokio::spawn(async move {
                if let Err(e) = store.record_link_click(&link, Timestamp::now()).await {
                    tracing::warn!(error = %e, "could not record a link click");
                }
            });
        }
        Ok(url)
    }

    /// Swaps the links of a message the shop sends (agents, bots, the system) for tracked
    /// links and stores them. Customers' own messages and private notes are never touched.
    pub(super) async fn track_links(&self, message: &mut NewMessage) -> DomainResult<()> {
        if message.sender.kind == SenderKind::Contact || message.private {
            return Ok(());
        }
        let swaps = rewrite::rewrite_links(&mut message.content, &self.public_url, new_token);
        if swaps.is_empty() {
            return Ok(());
        }
        let conversation = self
            .store
            .conversation(message.workspace_id, message.conversation_id)
            .await?
            .ok_or(DomainError::NotFound("conversation"))?;
        let links: Vec<TrackedLinkRecord> = swaps
            .into_iter()
            .map(|swap| TrackedLinkRecord {
                token: swap.token,
                workspace_id: message.workspace_id,
                url: swap.url,
                contact_id: Some(conversation.contact_id),
                conversation_id: Some(message.conversation_id),
                message_id: Some(message.id),
                source: None,
                created_at: message.created_at,
            })
            .collect();
        self.store.insert_tracked_links(&links).await?;
        Ok(())
    }
}

fn new_token() -> String {
    let mut bytes = [0u8; TOKEN_BYTES];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// Whether `candidate` has the shape of a token, checked before any lookup so that crafted
/// paths (`//evil.example`, megabytes of junk) cost nothing.
fn is_token(candidate: &str) -> bool {
    candidate.len() == TOKEN_CHARS
        && candidate
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn tokens_are_url_safe_unique_and_recognised() {
        let a = new_token();
        assert_eq!(a.len(), TOKEN_CHARS);
        assert_eq!(URL_SAFE_NO_PAD.decode(&a).unwrap().len(), TOKEN_BYTES);
        assert!(is_token(&a));
        assert_ne!(a, new_token());
        for crafted in [
            "",
            "//evil.example",
            "%2F%2Fevil.example",
            "abcdefghijklmnopqrstu/",
            "abcdefghijklmnopqrstu=",
            "abcdefghijklmnopqrstuvw",
            "abcdefghijklmnopqrstü",
        ] {
            assert!(!is_token(crafted), "{crafted}");
        }
    }

    proptest! {
        /// Whatever a path holds, what passes for a token cannot name another place.
        #[test]
        fn nothing_that_passes_for_a_token_leads_elsewhere(
            candidate in prop_oneof![any::<String>(), "[A-Za-z0-9_/%.:-]{20,24}"]
        ) {
            if is_token(&candidate) {
                prop_assert_eq!(candidate.len(), TOKEN_CHARS);
                prop_assert!(!candidate.contains(['/', '%', '.', ':', '\\']));
            }
        }
    }
}
