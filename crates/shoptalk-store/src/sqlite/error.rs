//! sqlx errors as the store reports them.

use shoptalk_core::error::StoreError;

/// Which uniqueness rule a SQLite message names. SQLite reports the columns of the broken
/// index (`UNIQUE constraint failed: agents.workspace_id, agents.email`), not its name.
const UNIQUE_RULES: &[(&str, &str)] = &[
    ("agents.workspace_id, agents.email", "agent_email"),
    (
        "contacts.workspace_id, contacts.external_id",
        "contact_external_id",
    ),
    ("workspaces.widget_key", "workspace_widget_key"),
    ("api_keys.key_hash", "api_key_hash"),
    (
        "messages.conversation_id, messages.client_msg_id",
        "message_client_msg_id",
    ),
    ("messages.conversation_id, messages.seq", "message_seq"),
    ("media.storage_name", "media_storage_name"),
    ("jobs.unique_key", "job_unique_key"),
    (
        "canned_responses.workspace_id, canned_responses.shortcut",
        "canned_response_shortcut",
    ),
    (
        "products.workspace_id, products.external_id",
        "product_external_id",
    ),
    ("workspaces.id", "workspace_id"),
    ("agents.id", "agent_id"),
    ("sessions.token_hash", "session_token"),
    ("visitor_sessions.token_hash", "visitor_session_token"),
    ("api_keys.id", "api_key_id"),
    ("contacts.id", "contact_id"),
    ("conversations.id", "conversation_id"),
    ("messages.id", "message_id"),
    ("media.id", "media_id"),
    ("webhooks.id", "webhook_id"),
    ("jobs.id", "job_id"),
    ("canned_responses.id", "canned_response_id"),
];

fn unique_rule(message: &str) -> &'static str {
    UNIQUE_RULES
        .iter()
        .find(|(cols, _)| {
            // Match whole column lists: "agents.id" must not match "agents.id_x".
            message
                .rsplit_once(": ")
                .is_some_and(|(_, listed)| listed == *cols)
        })
        .map_or("key", |(_, rule)| rule)
}

/// Unique violations become `Duplicate(rule)`; everything else is a backend failure.
pub(crate) fn db_err(e: sqlx::Error) -> StoreError {
    if let sqlx::Error::Database(d) = &e
        && d.is_unique_violation()
    {
        return StoreError::Duplicate(unique_rule(d.message()));
    }
    StoreError::backend(e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_rule_from_the_message() {
        assert_eq!(
            unique_rule("UNIQUE constraint failed: agents.workspace_id, agents.email"),
            "agent_email"
        );
        assert_eq!(
            unique_rule("UNIQUE constraint failed: agents.id"),
            "agent_id"
        );
        assert_eq!(unique_rule("UNIQUE constraint failed: other.x"), "key");
    }
}
