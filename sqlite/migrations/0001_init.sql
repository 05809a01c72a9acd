-- The hub's archive. Times are INTEGER unix milliseconds UTC; NULL is the
-- zero time.Time ("not known" / "not set"). Lists are JSON text; an empty
-- string is an empty list.

-- An outlet the hub follows.
CREATE TABLE sources (
    id              INTEGER PRIMARY KEY,
    slug            TEXT    NOT NULL UNIQUE,
    name            TEXT    NOT NULL DEFAULT '',
    homepage        TEXT    NOT NULL DEFAULT '',
    country         TEXT    NOT NULL DEFAULT '',
    ownership       TEXT    NOT NULL DEFAULT '',
    language        TEXT    NOT NULL DEFAULT '',
    perspective     TEXT    NOT NULL DEFAULT '',
    disclaimer      TEXT    NOT NULL DEFAULT '',
    republish       INTEGER NOT NULL DEFAULT 0,
    republish_from  INTEGER,
    republish_until INTEGER,
    paused          INTEGER NOT NULL DEFAULT 0,
    full_text       TEXT    NOT NULL DEFAULT '',
    mirror_media    INTEGER NOT NULL DEFAULT 0,
    rules           TEXT    NOT NULL DEFAULT '', -- crosswire.Rules as JSON
    created_at      INTEGER,
    updated_at      INTEGER
) STRICT;

-- A feed address of a source and its polling state.
CREATE TABLE feeds (
    id            INTEGER PRIMARY KEY,
    source_id     INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    url           TEXT    NOT NULL,
    etag          TEXT    NOT NULL DEFAULT '',
    last_modified TEXT    NOT NULL DEFAULT '',
    title         TEXT    NOT NULL DEFAULT '',
    interval_ms   INTEGER NOT NULL DEFAULT 0,
    hint_ttl_ms   INTEGER NOT NULL DEFAULT 0,
    next_poll_at  INTEGER,
    last_poll_at  INTEGER,
    last_new_at   INTEGER,
    last_status   INTEGER NOT NULL DEFAULT 0,
    last_error    TEXT    NOT NULL DEFAULT '',
    failures      INTEGER NOT NULL DEFAULT 0,
    total_polls   INTEGER NOT NULL DEFAULT 0,
    total_errors  INTEGER NOT NULL DEFAULT 0,
    UNIQUE (source_id, url)
) STRICT;

-- Due feeds: the scheduler asks for next_poll_at <= now, oldest first.
CREATE INDEX feeds_next_poll ON feeds (next_poll_at);

-- A story groups articles from different outlets about one event. Counts
-- and times are kept current by the store on every assignment.
CREATE TABLE stories (
    id         INTEGER PRIMARY KEY,
    title      TEXT    NOT NULL DEFAULT '',
    first_at   INTEGER,
    last_at    INTEGER,
    articles   INTEGER NOT NULL DEFAULT 0,
    sources    INTEGER NOT NULL DEFAULT 0,
    updated_at INTEGER
) STRICT;

CREATE INDEX stories_last ON stories (last_at, id);

-- An archived article: its identity, metadata and state. Its current text
-- (title, summary, content, plain text) is that of its newest revision,
-- revision n = revisions, and is stored only there: a body is written once, and the
-- rows here stay small, so page lists and re-poll updates touch few pages.
-- feed_id is the feed it was first seen in; it has no foreign key so that
-- archived articles outlive their feed without a scan of this table on every
-- feed deletion (DeleteFeed clears it itself).
CREATE TABLE articles (
    id              INTEGER PRIMARY KEY,
    source_id       INTEGER NOT NULL REFERENCES sources (id) ON DELETE CASCADE,
    feed_id         INTEGER,
    key             TEXT    NOT NULL,
    guid            TEXT    NOT NULL DEFAULT '',
    url             TEXT    NOT NULL DEFAULT '',
    author          TEXT    NOT NULL DEFAULT '',
    categories      TEXT    NOT NULL DEFAULT '', -- JSON array of strings
    image_url       TEXT    NOT NULL DEFAULT '',
    enclosures      TEXT    NOT NULL DEFAULT '', -- JSON array of crosswire.Enclosure
    language        TEXT    NOT NULL DEFAULT '',
    published_at    INTEGER,
    updated_at      INTEGER,
    first_seen_at   INTEGER NOT NULL,
    last_seen_at    INTEGER NOT NULL,
    -- display_at is published_at, else first_seen_at: what every page sorts
    -- by, stored so that one index serves the ordering.
    display_at      INTEGER NOT NULL,
    -- changed_at is fetched_at of the newest revision (Last-Modified).
    changed_at      INTEGER NOT NULL,
    hash            TEXT    NOT NULL DEFAULT '',
    revisions       INTEGER NOT NULL DEFAULT 1,
    removed_at      INTEGER,
    next_revisit_at INTEGER,
    revisits        INTEGER NOT NULL DEFAULT 0,
    extract_note    TEXT    NOT NULL DEFAULT '',
    story_id        INTEGER REFERENCES stories (id) ON DELETE SET NULL,
    UNIQUE (source_id, key)
) STRICT;

-- Home page and output feeds: newest first across the republished sources.
-- source_id is in the index so the source filter is checked without reading
-- the rows it rejects.
CREATE INDEX articles_display ON articles (display_at, id, source_id);
-- Per-source pages and feeds.
CREATE INDEX articles_source_display ON articles (source_id, display_at, id);
-- Story pages; with source_id, also the story lists restricted to sources,
-- which read only the grouped articles.
CREATE INDEX articles_story_display ON articles (story_id, display_at, id, source_id) WHERE story_id IS NOT NULL;
-- Due revisits.
CREATE INDEX articles_next_revisit ON articles (next_revisit_at) WHERE next_revisit_at IS NOT NULL;
-- LastChange: max(changed_at) per source.
CREATE INDEX articles_source_changed ON articles (source_id, changed_at);

-- Every version of an article's text, never overwritten. n = 1 is the
-- first; the newest is the article's current text.
CREATE TABLE revisions (
    id         INTEGER PRIMARY KEY,
    article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
    n          INTEGER NOT NULL,
    title      TEXT    NOT NULL DEFAULT '',
    summary    TEXT    NOT NULL DEFAULT '',
    content    TEXT    NOT NULL DEFAULT '',
    text       TEXT    NOT NULL DEFAULT '',
    hash       TEXT    NOT NULL DEFAULT '',
    origin     TEXT    NOT NULL DEFAULT 'feed', -- 'feed' or 'page'
    fetched_at INTEGER NOT NULL,
    UNIQUE (article_id, n)
) STRICT;

-- Why an article belongs to its story; manual ones survive rebuilds.
CREATE TABLE story_assignments (
    article_id  INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
    story_id    INTEGER NOT NULL REFERENCES stories (id) ON DELETE CASCADE,
    score       REAL    NOT NULL DEFAULT 0,
    terms       TEXT    NOT NULL DEFAULT '', -- JSON array of strings
    manual      INTEGER NOT NULL DEFAULT 0,
    assigned_at INTEGER
) STRICT;

CREATE INDEX story_assignments_story ON story_assignments (story_id);
