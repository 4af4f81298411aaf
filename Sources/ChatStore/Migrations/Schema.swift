/// The database schema as named migrations, oldest first. Append only.
enum Schema {
    static let migrations: [StoreMigration] = [
        StoreMigration(
            name: "create-accounts-and-roster",
            sql: """
                CREATE TABLE account (
                    id INTEGER PRIMARY KEY,
                    jid TEXT NOT NULL UNIQUE,
                    name TEXT,
                    roster_version TEXT
                );
                CREATE TABLE roster_item (
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    jid TEXT NOT NULL,
                    name TEXT,
                    subscription TEXT NOT NULL DEFAULT 'none'
                        CHECK (subscription IN ('none', 'to', 'from', 'both')),
                    ask INTEGER NOT NULL DEFAULT 0,
                    approved INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (account_id, jid)
                ) WITHOUT ROWID;
                CREATE TABLE roster_group (
                    account_id INTEGER NOT NULL,
                    jid TEXT NOT NULL,
                    name TEXT NOT NULL,
                    PRIMARY KEY (account_id, jid, name),
                    FOREIGN KEY (account_id, jid) REFERENCES roster_item(account_id, jid) ON DELETE CASCADE
                ) WITHOUT ROWID;
                """),
        StoreMigration(
            name: "create-messages",
            sql: """
                CREATE TABLE conversation (
                    id INTEGER PRIMARY KEY,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    jid TEXT NOT NULL,
                    kind TEXT NOT NULL DEFAULT 'chat' CHECK (kind IN ('chat', 'groupchat')),
                    last_activity INTEGER NOT NULL DEFAULT 0,
                    last_read_at INTEGER NOT NULL DEFAULT 0,
                    archive_oldest_id TEXT,
                    archive_complete INTEGER NOT NULL DEFAULT 0,
                    UNIQUE (account_id, jid)
                );
                CREATE INDEX conversation_by_activity ON conversation(account_id, last_activity);
                CREATE TABLE message (
                    id INTEGER PRIMARY KEY,
                    conversation_id INTEGER NOT NULL REFERENCES conversation(id) ON DELETE CASCADE,
                    outgoing INTEGER NOT NULL,
                    sender TEXT NOT NULL,
                    sender_key TEXT NOT NULL,
                    recipient TEXT,
                    body TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    type TEXT NOT NULL DEFAULT 'chat',
                    id_attribute TEXT,
                    origin_id TEXT,
                    stanza_id TEXT,
                    stanza_id_by TEXT,
                    corrects INTEGER REFERENCES message(id) ON DELETE CASCADE,
                    state INTEGER,
                    error TEXT,
                    encryption TEXT
                );
                CREATE INDEX message_by_time ON message(conversation_id, timestamp, id);
                CREATE UNIQUE INDEX message_by_archive_id ON message(stanza_id_by, stanza_id)
                    WHERE stanza_id IS NOT NULL;
                CREATE INDEX message_by_origin_id ON message(conversation_id, origin_id) WHERE origin_id IS NOT NULL;
                -- Most clients use the origin-id as the id attribute too; only the others need this.
                CREATE INDEX message_by_id_attribute ON message(conversation_id, id_attribute)
                    WHERE id_attribute IS NOT NULL AND id_attribute IS NOT origin_id;
                CREATE INDEX message_corrections ON message(corrects, timestamp) WHERE corrects IS NOT NULL;
                """),
        // Full-text search. FTS5 (SQLite 3.40) writes its pending index data to disk at every
        // statement savepoint, so a row trigger that writes to the index costs a segment flush per
        // message. The triggers therefore queue new rows, and the store indexes the queue with one
        // statement at the end of each write transaction (`ChatStore.write`), before COMMIT.
        StoreMigration(
            name: "create-message-search",
            sql: """
                CREATE VIRTUAL TABLE message_search USING fts5(
                    text, content='', tokenize='unicode61 remove_diacritics 2'
                );
                CREATE TABLE message_search_queue (message_id INTEGER PRIMARY KEY);
                CREATE TRIGGER message_search_insert AFTER INSERT ON message BEGIN
                    INSERT INTO message_search_queue (message_id) VALUES (new.id);
                END;
                CREATE TRIGGER message_search_delete AFTER DELETE ON message BEGIN
                    INSERT INTO message_search (message_search, rowid, text)
                        SELECT 'delete', old.id, tern_search_text(old.body)
                        WHERE NOT EXISTS (SELECT 1 FROM message_search_queue WHERE message_id = old.id);
                    DELETE FROM message_search_queue WHERE message_id = old.id;
                END;
                CREATE TRIGGER message_search_update AFTER UPDATE OF body ON message BEGIN
                    INSERT INTO message_search (message_search, rowid, text)
                        SELECT 'delete', old.id, tern_search_text(old.body)
                        WHERE NOT EXISTS (SELECT 1 FROM message_search_queue WHERE message_id = old.id);
                    INSERT OR IGNORE INTO message_search_queue (message_id) VALUES (new.id);
                END;
                """),
        StoreMigration(
            name: "create-outbox-and-stream-state",
            sql: """
                CREATE TABLE outbox (
                    message_id INTEGER PRIMARY KEY REFERENCES message(id) ON DELETE CASCADE,
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    stanza TEXT NOT NULL,
                    queued_at INTEGER NOT NULL,
                    attempts INTEGER NOT NULL DEFAULT 0
                );
                CREATE INDEX outbox_by_account ON outbox(account_id, message_id);
                CREATE TABLE stream_state (
                    account_id INTEGER PRIMARY KEY REFERENCES account(id) ON DELETE CASCADE,
                    resumption_id TEXT NOT NULL,
                    location TEXT,
                    bound_jid TEXT NOT NULL,
                    inbound_count INTEGER NOT NULL,
                    outbound_count INTEGER NOT NULL,
                    updated_at INTEGER NOT NULL
                );
                """),
        StoreMigration(
            name: "create-archive-sync",
            sql: """
                CREATE TABLE archive_sync (
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    archive TEXT NOT NULL,
                    last_stanza_id TEXT,
                    last_timestamp INTEGER,
                    synced_at INTEGER NOT NULL,
                    PRIMARY KEY (account_id, archive)
                ) WITHOUT ROWID;
                """),
        StoreMigration(
            name: "create-contact-settings-and-capabilities",
            sql: """
                CREATE TABLE contact_setting (
                    account_id INTEGER NOT NULL REFERENCES account(id) ON DELETE CASCADE,
                    jid TEXT NOT NULL,
                    muted INTEGER NOT NULL DEFAULT 0,
                    PRIMARY KEY (account_id, jid)
                ) WITHOUT ROWID;
                CREATE TABLE capability (
                    ver TEXT PRIMARY KEY,
                    features TEXT NOT NULL
                ) WITHOUT ROWID;
                """),
        // Archives stamp messages to the second, so a burst shares one timestamp; arrival order
        // breaks such ties, which is wrong for older history fetched later. `seq` (when set)
        // replaces the row id as the tie-breaker: back-filled pages get keys below everything
        // stored before them.
        StoreMigration(
            name: "order-messages-by-sequence",
            sql: """
                ALTER TABLE message ADD COLUMN seq INTEGER;
                CREATE INDEX message_by_order ON message(conversation_id, timestamp, coalesce(seq, id));
                DROP INDEX message_by_time;
                """),
        // Stream management (XEP-0198): the number under which an outbox entry last went out on
        // the stream in `stream_state`, so that after a restart the server's count says which
        // entries it has; and how long the server keeps a broken stream.
        StoreMigration(
            name: "track-outbox-stream-sequence",
            sql: """
                ALTER TABLE outbox ADD COLUMN sent_sequence INTEGER;
                ALTER TABLE stream_state ADD COLUMN max_seconds INTEGER;
                """),
        // The channel-binding type (tls-exporter, tls-unique, ...) that worked for the account on
        // a server that does not list the types it accepts (XEP-0440).
        StoreMigration(
            name: "remember-channel-binding",
            sql: """
                ALTER TABLE account ADD COLUMN channel_binding TEXT;
                """),
        // Every message gets its place: `seq` orders messages of the same timestamp, in the
        // archive's order. Live messages and pages fetched forward go after everything stored,
        // pages fetched backward (a first login's newest messages, scrolling back) before it.
        StoreMigration(
            name: "give-every-message-a-position",
            sql: """
                UPDATE message SET seq = id WHERE seq IS NULL;
                CREATE INDEX message_by_position ON message(conversation_id, timestamp, seq);
                CREATE INDEX message_by_seq ON message(conversation_id, seq);
                DROP INDEX message_by_order;
                """),
        // What /set and /theme changed, kept for the next start (over config.toml's [ui]).
        StoreMigration(
            name: "create-ui-settings",
            sql: """
                CREATE TABLE ui_setting (
                    key TEXT PRIMARY KEY,
                    value TEXT NOT NULL
                ) WITHOUT ROWID;
                """),
        // Messages typed in this client (through its outbox), as opposed to copies of what our
        // other devices sent: only these are offered for correction with Up.
        StoreMigration(
            name: "mark-messages-sent-here",
            sql: """
                ALTER TABLE message ADD COLUMN sent_here INTEGER NOT NULL DEFAULT 0;
                UPDATE message SET sent_here = 1 WHERE id IN (SELECT message_id FROM outbox);
                """),
        // An archive id is unique within one archive's conversation, not across conversations:
        // an id that turns up in one chat can never make a message of another look stored.
        StoreMigration(
            name: "scope-archive-ids-to-conversations",
            sql: """
                DROP INDEX message_by_archive_id;
                CREATE UNIQUE INDEX message_by_archive_id ON message(conversation_id, stanza_id_by, stanza_id)
                    WHERE stanza_id IS NOT NULL;
                """),
        // The strongest SASL mechanism that worked for the account: a later login offering only
        // weaker ones is refused (mechanism pinning).
        StoreMigration(
            name: "pin-sasl-mechanism",
            sql: """
                ALTER TABLE account ADD COLUMN sasl_mechanism TEXT;
                """),
        // A message whose text was taken back: by its sender (XEP-0424) or by a room's moderator
        // (XEP-0425). The text itself is erased (and so gone from the search index).
        StoreMigration(
            name: "record-retractions",
            sql: """
                ALTER TABLE message ADD COLUMN retraction TEXT CHECK (retraction IN ('sender', 'moderator'));
                ALTER TABLE message ADD COLUMN retraction_by TEXT;
                ALTER TABLE message ADD COLUMN retraction_reason TEXT;
                """),
        // How much each conversation notifies (/notify): `all`, `mentions` or `none`; NULL follows
        // config.toml and the defaults. The settings are a conversation's (a room, a private chat
        // through one), not only a contact's; a contact muted before is `none`.
        StoreMigration(
            name: "replace-muting-with-notification-levels",
            sql: """
                ALTER TABLE contact_setting RENAME TO conversation_setting;
                ALTER TABLE conversation_setting ADD COLUMN notify TEXT CHECK (notify IN ('all', 'mentions', 'none'));
                UPDATE conversation_setting SET notify = 'none' WHERE muted = 1;
                ALTER TABLE conversation_setting DROP COLUMN muted;
                """),
        // Messages that named us (our nick, our name) or a configured keyword when they arrived:
        // they stand out, and a room counts those unread.
        StoreMigration(
            name: "mark-highlighted-messages",
            sql: """
                ALTER TABLE message ADD COLUMN highlight INTEGER NOT NULL DEFAULT 0;
                """),
        // What was sent to act on a message rather than as one (XEP-0444 reactions, XEP-0424
        // retractions) goes through the outbox like a message: as a hidden row that names the
        // message it acts on in `corrects`, without text, never shown or counted. The reactions
        // themselves: the latest set of each sender per message (emoji separated by spaces).
        StoreMigration(
            name: "record-reactions",
            sql: """
                ALTER TABLE message ADD COLUMN action TEXT CHECK (action IN ('reaction', 'retraction'));
                CREATE TABLE reaction (
                    message_id INTEGER NOT NULL REFERENCES message(id) ON DELETE CASCADE,
                    sender_key TEXT NOT NULL,
                    outgoing INTEGER NOT NULL,
                    emoji TEXT NOT NULL,
                    timestamp INTEGER NOT NULL,
                    PRIMARY KEY (message_id, sender_key)
                ) WITHOUT ROWID;
                """),
        // A reply (XEP-0461): the id of the message it answers (the room's stanza-id in a room, else
        // its id attribute or origin-id), its author, and the code points of the body that only
        // quote it for clients without replies (XEP-0428), as `start-end` pairs. The body keeps
        // the quote, so that it is found by search.
        StoreMigration(
            name: "record-replies",
            sql: """
                ALTER TABLE message ADD COLUMN reply_id TEXT;
                ALTER TABLE message ADD COLUMN reply_to TEXT;
                ALTER TABLE message ADD COLUMN reply_fallback TEXT;
                """),
    ]
}
