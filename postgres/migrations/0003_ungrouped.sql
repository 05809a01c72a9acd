-- The story grouping job reads the articles not yet in a story, oldest
-- first; without this index that is a scan of the whole archive.
CREATE INDEX articles_ungrouped ON articles (id) WHERE story_id IS NULL;
