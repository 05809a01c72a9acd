package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strconv"

	"crosswire"
)

// SaveArticles' statements. The write connection's statement cache
// (OpenCachingDB) prepares each once.
const (
	// One lookup per source and batch: json_each lets a single statement
	// take any number of keys.
	lookupKnownSQL = `SELECT key, id, hash, revisions, story_id FROM articles
		WHERE source_id = ? AND key IN (SELECT value FROM json_each(?))`
	insertArticleSQL = `INSERT INTO articles (source_id, feed_id, key, guid, url, author, categories, image_url,
			enclosures, language, published_at, updated_at, first_seen_at, last_seen_at, display_at,
			changed_at, hash, revisions, extract_note, page_hash, next_revisit_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)`
	insertRevisionSQL = `INSERT INTO revisions (article_id, n, title, summary, content, text, hash, origin,
			fetched_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, 'feed', ?)`
	// A new version replaces the current metadata (the text is the new
	// revision's); identity, first sighting, revisit state and story stay.
	updateArticleSQL = `UPDATE articles SET guid = ?, url = ?, author = ?, categories = ?, image_url = ?,
			enclosures = ?, language = ?, published_at = ?, updated_at = ?,
			last_seen_at = max(last_seen_at, ?), display_at = coalesce(?, first_seen_at), changed_at = ?,
			hash = ?, revisions = ?, extract_note = ?, page_hash = ?
		WHERE id = ?`
	touchArticlesSQL = `UPDATE articles SET last_seen_at = ?
		WHERE id IN (SELECT value FROM json_each(?)) AND last_seen_at < ?`
)

// stored is what SaveArticles needs to know of an article already in the
// database.
type stored struct {
	id        int64
	hash      string
	revisions int
	storyID   int64
}

type sourceKey struct {
	source int64
	key    string
}

// SaveArticles stores one poll's articles in one transaction: one lookup of
// the known keys per source, then one statement per new article and per
// revision, and one statement for all the unchanged ones that share a
// LastSeenAt. An article listed twice in one call is handled in order, the
// second time against the first.
//
// A zero FirstSeenAt is taken from LastSeenAt, else the store's clock; a
// zero LastSeenAt from FirstSeenAt. Both are written back to the article.
func (s *Store) SaveArticles(ctx context.Context, articles []*crosswire.Article) ([]crosswire.SaveOutcome, error) {
	if len(articles) == 0 {
		return nil, nil
	}
	keys := map[int64][]string{}
	for i, a := range articles {
		if a.SourceID == 0 || a.Key == "" {
			return nil, fmt.Errorf("sqlite: save articles: article %d (%q) has no source or key", i, a.URL)
		}
		keys[a.SourceID] = append(keys[a.SourceID], a.Key)
	}

	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("sqlite: save articles: %w", err)
	}
	defer rollback(tx)

	known := make(map[sourceKey]*stored, len(articles))
	for src, ks := range keys {
		if err := lookupKnown(ctx, tx, src, ks, known); err != nil {
			return nil, fmt.Errorf("sqlite: save articles of source %d: %w", src, err)
		}
	}

	var (
		outcomes = make([]crosswire.SaveOutcome, len(articles))
		touched  = map[int64][]int64{} // LastSeenAt -> ids
		stories  []int64
	)
	for i, a := range articles {
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
		k := known[sk]
		switch {
		case k == nil:
			id, err := insertArticle(ctx, tx, a)
			if err != nil {
				return nil, fmt.Errorf("sqlite: save article %q of source %d: %w", a.Key, a.SourceID, err)
			}
			known[sk] = &stored{id: id, hash: a.Hash, revisions: 1}
			a.ID, a.Revisions = id, 1
			outcomes[i] = crosswire.Created
		case k.hash == a.Hash:
			seen := a.LastSeenAt.UnixMilli()
			touched[seen] = append(touched[seen], k.id)
			a.ID, a.Revisions = k.id, k.revisions
			outcomes[i] = crosswire.Unchanged
		default:
			k.revisions++
			k.hash = a.Hash
			if err := updateArticle(ctx, tx, k.id, k.revisions, a); err != nil {
				return nil, fmt.Errorf("sqlite: save revision %d of article %q of source %d: %w",
					k.revisions, a.Key, a.SourceID, err)
			}
			a.ID, a.Revisions = k.id, k.revisions
			outcomes[i] = crosswire.NewVersion
			if k.storyID != 0 && !slices.Contains(stories, k.storyID) {
				// Its display time may have moved.
				stories = append(stories, k.storyID)
			}
		}
	}

	if len(touched) > 0 {
		for seen, ids := range touched {
			if _, err := tx.ExecContext(ctx, touchArticlesSQL, seen, idsJSON(ids), seen); err != nil {
				return nil, fmt.Errorf("sqlite: save articles: move last seen: %w", err)
			}
		}
	}
	for _, id := range stories {
		if err := refreshStory(ctx, tx, id, nil); err != nil {
			return nil, fmt.Errorf("sqlite: save articles: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("sqlite: save articles: commit: %w", err)
	}
	return outcomes, nil
}

func lookupKnown(ctx context.Context, tx *sql.Tx, source int64, keys []string, known map[sourceKey]*stored) error {
	js, err := keysJSON(keys)
	if err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, lookupKnownSQL, source, js)
	if err != nil {
		return fmt.Errorf("look up known keys: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var (
			key   string
			k     stored
			story sql.NullInt64
		)
		if err := rows.Scan(&key, &k.id, &k.hash, &k.revisions, &story); err != nil {
			return fmt.Errorf("look up known keys: %w", err)
		}
		k.storyID = story.Int64
		known[sourceKey{source, key}] = &k
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("look up known keys: %w", err)
	}
	return nil
}

func insertArticle(ctx context.Context, tx *sql.Tx, a *crosswire.Article) (int64, error) {
	categories, enclosures, err := encodeLists(a)
	if err != nil {
		return 0, err
	}
	var feedID any
	if a.FeedID != 0 {
		feedID = a.FeedID
	}
	seen := a.LastSeenAt.UnixMilli()
	res, err := tx.ExecContext(ctx, insertArticleSQL, a.SourceID, feedID, a.Key, a.GUID, a.URL, a.Author, categories, a.ImageURL,
		enclosures, a.Language, ms(a.PublishedAt), ms(a.UpdatedAt), a.FirstSeenAt.UnixMilli(), seen,
		a.DisplayTime().UnixMilli(), seen, a.Hash, a.ExtractNote, a.PageHash, ms(a.NextRevisitAt))
	if isForeignKey(err) {
		err = fmt.Errorf("source %d: %w", a.SourceID, crosswire.ErrNotFound)
	}
	if err != nil {
		return 0, fmt.Errorf("insert: %w", err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, fmt.Errorf("insert: %w", err)
	}
	if _, err := tx.ExecContext(ctx, insertRevisionSQL, id, 1, a.Title, a.Summary, a.Content, a.Text, a.Hash, seen); err != nil {
		return 0, fmt.Errorf("insert revision 1: %w", err)
	}
	return id, nil
}

func updateArticle(ctx context.Context, tx *sql.Tx, id int64, n int, a *crosswire.Article) error {
	categories, enclosures, err := encodeLists(a)
	if err != nil {
		return err
	}
	seen := a.LastSeenAt.UnixMilli()
	if _, err := tx.ExecContext(ctx, updateArticleSQL, a.GUID, a.URL, a.Author, categories, a.ImageURL, enclosures, a.Language,
		ms(a.PublishedAt), ms(a.UpdatedAt), seen, ms(a.PublishedAt), seen, a.Hash, n, a.ExtractNote, a.PageHash, id); err != nil {
		return fmt.Errorf("update: %w", err)
	}
	if _, err := tx.ExecContext(ctx, insertRevisionSQL, id, n, a.Title, a.Summary, a.Content, a.Text, a.Hash, seen); err != nil {
		return fmt.Errorf("insert revision: %w", err)
	}
	return nil
}

func encodeLists(a *crosswire.Article) (categories, enclosures string, err error) {
	if categories, err = jsonList(a.Categories); err != nil {
		return "", "", fmt.Errorf("encode categories: %w", err)
	}
	if enclosures, err = jsonList(a.Enclosures); err != nil {
		return "", "", fmt.Errorf("encode enclosures: %w", err)
	}
	return categories, enclosures, nil
}

func idsJSON(ids []int64) string {
	b := make([]byte, 0, len(ids)*8+2)
	b = append(b, '[')
	for i, id := range ids {
		if i > 0 {
			b = append(b, ',')
		}
		b = strconv.AppendInt(b, id, 10)
	}
	return string(append(b, ']'))
}
