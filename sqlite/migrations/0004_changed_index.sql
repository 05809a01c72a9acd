-- LastChange of the whole hub, asked by the site on every request: the
-- newest changed_at without visiting every source.
CREATE INDEX articles_changed ON articles (changed_at);
