package postgres

import (
	"context"
	"fmt"
	"slices"
	"time"

	"crosswire"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// saveLockClass is the first key of the advisory locks that serialize the
// saves of one source; the second is the source ID.
const saveLockClass = 0x63770002

type sourceKey struct {
	source int64
	key    string
}

// pending is one (source, key) of a batch: what is stored and what the
// batch makes of it. The batch is played in memory in order, so a key
// listed twice behaves exactly as two saves would; then each key is
// written once.
type pending struct {
	id        int64 // 0 until inserted
	stored    bool  // in the database before this batch
	hash      string
	revisions int
	storyID   int64

	first    *crosswire.Article // first listing: FeedID and FirstSeenAt of a new key
	current  *crosswire.Article // latest version: the fields to store
	lastSeen time.Time          // the latest LastSeenAt of any listing
	changed  bool               // a version was added
	revs     []revision         // versions to insert
	listed   []int              // indexes of the listings, to set their IDs
}

type revision struct {
	n int
	a *crosswire.Article
}

// SaveArticles stores one poll's articles in one transaction and two
// round trips: begin, take the sources' save locks and look up the known
// keys; then insert the new articles with their revisions, update the
// changed ones, add their revisions, move LastSeenAt of the rest (all as
// arrays) and commit.
//
// A zero FirstSeenAt is taken from LastSeenAt, else the store's clock; a
// zero LastSeenAt from FirstSeenAt. Both are written back to the article.
func (s *Store) SaveArticles(ctx context.Context, articles []*crosswire.Article) ([]crosswire.SaveOutcome, error) {
	if len(articles) == 0 {
		return nil, nil
	}
	var (
		sources       []int64
		lookupSources []int64
		lookupKeys    []string
		listed        = make(map[sourceKey]bool, len(articles))
	)
	for i, a := range articles {
		if a.SourceID == 0 || a.Key == "" {
			return nil, fmt.Errorf("postgres: save articles: article %d (%q) has no source or key", i, a.URL)
		}
		if a.FirstSeenAt.IsZero() {
			a.FirstSeenAt = a.LastSeenAt
			if a.FirstSeenAt.IsZero() {
				a.FirstSeenAt = s.now()
			}
		}
		if a.LastSeenAt.IsZero() {
			a.LastSeenAt = a.FirstSeenAt
		}
		sk := sourceKey{a.SourceID, a.Key}
		if !listed[sk] {
			listed[sk] = true
			lookupSources = append(lookupSources, a.SourceID)
			lookupKeys = append(lookupKeys, a.Key)
		}
		if !slices.Contains(sources, a.SourceID) {
			sources = append(sources, a.SourceID)
		}
	}
	slices.Sort(sources) // locks in one order everywhere: no deadlock

	// The transaction is opened and committed inside the two pipelines
	// rather than by round trips of their own.
	conn, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: save articles: %w", err)
	}
	// A connection released inside a transaction is closed by the pool,
	// so the ROLLBACK below is only there to keep it.
	defer conn.Release()
	abort := func(err error) error {
		if conn.Conn().PgConn().TxStatus() != 'I' {
			_, _ = conn.Exec(context.WithoutCancel(ctx), "ROLLBACK")
		}
		return fmt.Errorf("postgres: save articles: %w", err)
	}

	keys := make(map[sourceKey]*pending, len(articles))
	b := &pgx.Batch{}
	b.Queue(`BEGIN`)
	// Nothing is lost by not waiting for the WAL flush: a crash can drop
	// the last polls' articles, and with them (committed later, so flushed
	// no earlier) the feeds' new validators and schedule, so those polls
	// are simply made again. SQLite's synchronous=NORMAL is the same deal.
	b.Queue(`SET LOCAL synchronous_commit = off`)
	// unnest keeps the array's (sorted) order, so the locks are taken in it.
	b.Queue(`SELECT pg_advisory_xact_lock($1, (s % 2147483647)::integer) FROM unnest($2::bigint[]) AS s`,
		saveLockClass, sources)
	b.Queue(`SELECT a.source_id, a.key, a.id, a.hash, a.revisions, a.story_id
		FROM articles a JOIN unnest($1::bigint[], $2::text[]) AS k (source_id, key)
			ON a.source_id = k.source_id AND a.key = k.key`,
		lookupSources, lookupKeys).Query(func(rows pgx.Rows) error {
		for rows.Next() {
			var (
				sk    sourceKey
				p     = &pending{stored: true}
				story pgtype.Int8
			)
			if err := rows.Scan(&sk.source, &sk.key, &p.id, &p.hash, &p.revisions, &story); err != nil {
				return err
			}
			p.storyID = story.Int64
			keys[sk] = p
		}
		return rows.Err()
	})
	if err := conn.SendBatch(ctx, b).Close(); err != nil {
		return nil, abort(fmt.Errorf("look up known keys: %w", err))
	}

	outcomes := make([]crosswire.SaveOutcome, len(articles))
	revisionAt := make([]int, len(articles)) // Revisions as of each listing
	var order []*pending                     // first-listing order, for stable writes
	for i, a := range articles {
		sk := sourceKey{a.SourceID, a.Key}
		p := keys[sk]
		switch {
		case p == nil:
			p = &pending{hash: a.Hash, revisions: 1, first: a, current: a, lastSeen: a.LastSeenAt,
				revs: []revision{{1, a}}}
			keys[sk] = p
			outcomes[i] = crosswire.Created
		case p.hash == a.Hash:
			outcomes[i] = crosswire.Unchanged
		default:
			p.revisions++
			p.hash = a.Hash
			p.current = a
			p.changed = true
			p.revs = append(p.revs, revision{p.revisions, a})
			outcomes[i] = crosswire.NewVersion
		}
		if len(p.listed) == 0 {
			order = append(order, p)
		}
		p.listed = append(p.listed, i)
		if a.LastSeenAt.After(p.lastSeen) {
			p.lastSeen = a.LastSeenAt
		}
		revisionAt[i] = p.revisions
	}

	if err := s.writeBatch(ctx, conn, order); err != nil {
		return nil, abort(err)
	}
	for _, p := range order {
		for _, i := range p.listed {
			articles[i].ID = p.id
		}
	}
	for i, a := range articles {
		a.Revisions = revisionAt[i]
	}
	return outcomes, nil
}

// articleArrays are the columns of a set of article rows, for unnest.
type articleArrays struct {
	ids, sources, feeds                     []int64
	keys, guids, urls, authors, categories  []string
	images, enclosures, languages, notes    []string
	hashes, pageHashes                      []string
	published, updated, firstSeen, lastSeen []pgtype.Timestamptz
	changed, nextRevisit                    []pgtype.Timestamptz
	revisions                               []int32
}

func (c *articleArrays) add(p *pending) error {
	a := p.current
	categories, err := jsonText(a.Categories)
	if err != nil {
		return fmt.Errorf("article %q: encode categories: %w", a.Key, err)
	}
	enclosures, err := jsonText(a.Enclosures)
	if err != nil {
		return fmt.Errorf("article %q: encode enclosures: %w", a.Key, err)
	}
	var feed int64
	var firstSeen time.Time
	if p.first != nil {
		feed, firstSeen = p.first.FeedID, p.first.FirstSeenAt
	}
	c.ids = append(c.ids, p.id)
	c.sources = append(c.sources, a.SourceID)
	c.feeds = append(c.feeds, feed)
	c.keys = append(c.keys, a.Key)
	c.guids = append(c.guids, a.GUID)
	c.urls = append(c.urls, a.URL)
	c.authors = append(c.authors, a.Author)
	c.categories = append(c.categories, categories)
	c.images = append(c.images, a.ImageURL)
	c.enclosures = append(c.enclosures, enclosures)
	c.languages = append(c.languages, a.Language)
	c.notes = append(c.notes, a.ExtractNote)
	c.hashes = append(c.hashes, p.hash)
	c.pageHashes = append(c.pageHashes, a.PageHash)
	c.nextRevisit = append(c.nextRevisit, tsValue(a.NextRevisitAt))
	c.published = append(c.published, tsValue(a.PublishedAt))
	c.updated = append(c.updated, tsValue(a.UpdatedAt))
	c.firstSeen = append(c.firstSeen, tsValue(firstSeen))
	c.lastSeen = append(c.lastSeen, tsValue(p.lastSeen))
	c.changed = append(c.changed, tsValue(p.revs[len(p.revs)-1].a.LastSeenAt))
	c.revisions = append(c.revisions, int32(p.revisions))
	return nil
}

// revisionArrays are the columns of a set of revision rows.
type revisionArrays struct {
	articles, sources                        []int64
	keys, titles, summaries, contents, texts []string
	hashes                                   []string
	ns                                       []int32
	fetched                                  []pgtype.Timestamptz
}

func (c *revisionArrays) add(p *pending) {
	for _, r := range p.revs {
		c.articles = append(c.articles, p.id)
		c.sources = append(c.sources, r.a.SourceID)
		c.keys = append(c.keys, r.a.Key)
		c.ns = append(c.ns, int32(r.n))
		c.titles = append(c.titles, r.a.Title)
		c.summaries = append(c.summaries, r.a.Summary)
		c.contents = append(c.contents, r.a.Content)
		c.texts = append(c.texts, r.a.Text)
		c.hashes = append(c.hashes, r.a.Hash)
		c.fetched = append(c.fetched, tsValue(r.a.LastSeenAt))
	}
}

// writeBatch sends every write of a SaveArticles call and the COMMIT in
// one pipeline.
func (s *Store) writeBatch(ctx context.Context, conn *pgxpool.Conn, order []*pending) error {
	var (
		created, changed       articleArrays
		createdRevs, addedRevs revisionArrays
		touchIDs               []int64
		touchSeen              []pgtype.Timestamptz
		stories                []int64
		newKeys                = map[sourceKey]*pending{}
	)
	for _, p := range order {
		switch {
		case !p.stored:
			if err := created.add(p); err != nil {
				return err
			}
			createdRevs.add(p)
			newKeys[sourceKey{p.current.SourceID, p.current.Key}] = p
		case p.changed:
			if err := changed.add(p); err != nil {
				return err
			}
			addedRevs.add(p)
			if p.storyID != 0 && !slices.Contains(stories, p.storyID) {
				stories = append(stories, p.storyID)
			}
		default:
			touchIDs = append(touchIDs, p.id)
			touchSeen = append(touchSeen, tsValue(p.lastSeen))
		}
	}

	b := &pgx.Batch{}
	if len(changed.ids)+len(touchIDs) > 0 {
		// The rows about to be updated are locked in ID order first, the
		// order AssignArticles takes them in: two transactions locking
		// the same articles in different orders could deadlock.
		locks := slices.Concat(changed.ids, touchIDs)
		slices.Sort(locks)
		b.Queue(`SELECT id FROM articles WHERE id = ANY($1) ORDER BY id FOR UPDATE`, locks)
	}
	if len(created.keys) > 0 {
		c, r := &created, &createdRevs
		b.Queue(`WITH v AS (
				SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::text[],
					$7::text[], $8::text[], $9::text[], $10::text[], $11::timestamptz[], $12::timestamptz[],
					$13::timestamptz[], $14::timestamptz[], $15::timestamptz[], $16::text[], $17::integer[],
					$18::text[], $28::text[], $29::timestamptz[])
				AS v (source_id, feed_id, key, guid, url, author, categories, image_url, enclosures, language,
					published_at, updated_at, first_seen_at, last_seen_at, changed_at, hash, revisions,
					extract_note, page_hash, next_revisit_at)
			), ins AS (
				INSERT INTO articles (source_id, feed_id, key, guid, url, author, categories, image_url,
					enclosures, language, published_at, updated_at, first_seen_at, last_seen_at, display_at,
					changed_at, hash, revisions, extract_note, page_hash, next_revisit_at)
				SELECT source_id, NULLIF(feed_id, 0), key, guid, url, author, NULLIF(categories, '')::jsonb,
					image_url, NULLIF(enclosures, '')::jsonb, language, published_at, updated_at,
					first_seen_at, last_seen_at, coalesce(published_at, first_seen_at), changed_at, hash,
					revisions, extract_note, page_hash, next_revisit_at
				FROM v
				RETURNING id, source_id, key
			), rev AS (
				INSERT INTO revisions (article_id, n, title, summary, content, text, hash, origin, fetched_at)
				SELECT ins.id, r.n, r.title, r.summary, r.content, r.text, r.hash, 'feed', r.fetched_at
				FROM unnest($19::bigint[], $20::text[], $21::integer[], $22::text[], $23::text[], $24::text[],
					$25::text[], $26::text[], $27::timestamptz[])
					AS r (source_id, key, n, title, summary, content, text, hash, fetched_at)
				JOIN ins ON ins.source_id = r.source_id AND ins.key = r.key
			)
			SELECT id, source_id, key FROM ins`,
			c.sources, c.feeds, c.keys, c.guids, c.urls, c.authors, c.categories, c.images, c.enclosures,
			c.languages, c.published, c.updated, c.firstSeen, c.lastSeen, c.changed, c.hashes, c.revisions,
			c.notes,
			r.sources, r.keys, r.ns, r.titles, r.summaries, r.contents, r.texts, r.hashes, r.fetched,
			c.pageHashes, c.nextRevisit,
		).Query(func(rows pgx.Rows) error {
			for rows.Next() {
				var (
					id int64
					sk sourceKey
				)
				if err := rows.Scan(&id, &sk.source, &sk.key); err != nil {
					return err
				}
				if p := newKeys[sk]; p != nil {
					p.id = id
				}
			}
			return rows.Err()
		})
	}
	if len(changed.ids) > 0 {
		c, r := &changed, &addedRevs
		b.Queue(`UPDATE articles a SET guid = v.guid, url = v.url, author = v.author,
				categories = NULLIF(v.categories, '')::jsonb, image_url = v.image_url,
				enclosures = NULLIF(v.enclosures, '')::jsonb, language = v.language,
				published_at = v.published_at, updated_at = v.updated_at,
				last_seen_at = greatest(a.last_seen_at, v.last_seen_at),
				display_at = coalesce(v.published_at, a.first_seen_at), changed_at = v.changed_at,
				hash = v.hash, revisions = v.revisions, extract_note = v.extract_note, page_hash = v.page_hash
			FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::text[], $9::timestamptz[], $10::timestamptz[], $11::timestamptz[], $12::timestamptz[],
				$13::text[], $14::integer[], $15::text[], $16::text[])
				AS v (id, guid, url, author, categories, image_url, enclosures, language, published_at,
					updated_at, last_seen_at, changed_at, hash, revisions, extract_note, page_hash)
			WHERE a.id = v.id`,
			c.ids, c.guids, c.urls, c.authors, c.categories, c.images, c.enclosures, c.languages, c.published,
			c.updated, c.lastSeen, c.changed, c.hashes, c.revisions, c.notes, c.pageHashes)
		b.Queue(`INSERT INTO revisions (article_id, n, title, summary, content, text, hash, origin, fetched_at)
			SELECT article_id, n, title, summary, content, text, hash, 'feed', fetched_at
			FROM unnest($1::bigint[], $2::integer[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[],
				$8::timestamptz[])
				AS r (article_id, n, title, summary, content, text, hash, fetched_at)`,
			r.articles, r.ns, r.titles, r.summaries, r.contents, r.texts, r.hashes, r.fetched)
	}
	if len(touchIDs) > 0 {
		b.Queue(`UPDATE articles a SET last_seen_at = v.seen
			FROM unnest($1::bigint[], $2::timestamptz[]) AS v (id, seen)
			WHERE a.id = v.id AND a.last_seen_at < v.seen`, touchIDs, touchSeen)
	}
	if len(stories) > 0 {
		// A new version may have moved an article's display time.
		queueRefreshStories(b, stories, nil)
	}
	b.Queue(`COMMIT`)
	err := conn.SendBatch(ctx, b).Close()
	if pgCode(err) == foreignKeyViolation {
		err = fmt.Errorf("unknown source: %w", crosswire.ErrNotFound)
	}
	return err
}
