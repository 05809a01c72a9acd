-- Full text, revisits and mirrored media.

-- The hash of the text last extracted from the article's page (a poll's
-- full-text fetch or a revisit); '' while the current text is the feed's.
-- A revisit that extracts a different text stores a revision of origin
-- 'page'.
ALTER TABLE articles ADD COLUMN page_hash text NOT NULL DEFAULT '';

-- Mirrored images: the outlet's URL and the hub's content-addressed copy
-- ("<sha256>.<ext>" under the media directory). Several URLs may share a
-- file (the same bytes).
CREATE TABLE media (
    url          text        PRIMARY KEY,
    file         text        NOT NULL,
    content_type text        NOT NULL DEFAULT '',
    size         bigint      NOT NULL DEFAULT 0,
    fetched_at   timestamptz NOT NULL
);
