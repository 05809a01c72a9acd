package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"crosswire"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgtype"
)

const sourceColumns = `id, slug, name, homepage, country, ownership, language, perspective, disclaimer,
	republish, republish_from, republish_until, paused, full_text, mirror_media, rules, created_at, updated_at`

func scanSource(r pgx.Row) (crosswire.Source, error) {
	var (
		s                crosswire.Source
		ownership        string
		rules            []byte
		from, until      pgtype.Timestamptz
		created, updated pgtype.Timestamptz
	)
	err := r.Scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &s.Country, &ownership, &s.Language, &s.Perspective,
		&s.Disclaimer, &s.Republish, &from, &until, &s.Paused, &s.FullText, &s.MirrorMedia, &rules, &created, &updated)
	if err != nil {
		return s, err
	}
	s.Ownership = crosswire.Ownership(ownership)
	s.RepublishFrom, s.RepublishUntil = fromTS(from), fromTS(until)
	s.CreatedAt, s.UpdatedAt = fromTS(created), fromTS(updated)
	if len(rules) > 0 {
		if err := json.Unmarshal(rules, &s.Rules); err != nil {
			return s, fmt.Errorf("rules of source %q: %w", s.Slug, err)
		}
	}
	return s, nil
}

// encodeRules stores empty rules as NULL.
func encodeRules(r crosswire.Rules) (any, error) {
	if len(r.Content) == 0 && len(r.Remove) == 0 && len(r.RewriteLinks) == 0 && len(r.StripAttrs) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// PutSource inserts the source or updates every field of the one with the
// same slug (CreatedAt stays the first one), and sets s.ID and s.CreatedAt.
func (s *Store) PutSource(ctx context.Context, src *crosswire.Source) error {
	if src.Slug == "" {
		return errors.New("postgres: put source: empty slug")
	}
	rules, err := encodeRules(src.Rules)
	if err != nil {
		return fmt.Errorf("postgres: put source %q: encode rules: %w", src.Slug, err)
	}
	var created pgtype.Timestamptz
	err = s.pool.QueryRow(ctx, `INSERT INTO sources (slug, name, homepage, country, ownership, language,
			perspective, disclaimer, republish, republish_from, republish_until, paused, full_text, mirror_media,
			rules, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)
		ON CONFLICT (slug) DO UPDATE SET
			name = excluded.name, homepage = excluded.homepage, country = excluded.country,
			ownership = excluded.ownership, language = excluded.language, perspective = excluded.perspective,
			disclaimer = excluded.disclaimer, republish = excluded.republish,
			republish_from = excluded.republish_from, republish_until = excluded.republish_until,
			paused = excluded.paused, full_text = excluded.full_text, mirror_media = excluded.mirror_media,
			rules = excluded.rules, created_at = coalesce(sources.created_at, excluded.created_at),
			updated_at = excluded.updated_at
		RETURNING id, created_at`,
		src.Slug, src.Name, src.Homepage, src.Country, string(src.Ownership), src.Language, src.Perspective,
		src.Disclaimer, src.Republish, ts(src.RepublishFrom), ts(src.RepublishUntil), src.Paused,
		src.FullText, src.MirrorMedia, rules, ts(src.CreatedAt), ts(src.UpdatedAt),
	).Scan(&src.ID, &created)
	if err != nil {
		return fmt.Errorf("postgres: put source %q: %w", src.Slug, err)
	}
	src.CreatedAt = fromTS(created)
	return nil
}

func (s *Store) SourceByID(ctx context.Context, id int64) (crosswire.Source, error) {
	src, err := scanSource(s.pool.QueryRow(ctx, `SELECT `+sourceColumns+` FROM sources WHERE id = $1`, id))
	if err != nil {
		return src, fmt.Errorf("postgres: source %d: %w", id, notFound(err))
	}
	return src, nil
}

func (s *Store) SourceBySlug(ctx context.Context, slug string) (crosswire.Source, error) {
	src, err := scanSource(s.pool.QueryRow(ctx, `SELECT `+sourceColumns+` FROM sources WHERE slug = $1`, slug))
	if err != nil {
		return src, fmt.Errorf("postgres: source %q: %w", slug, notFound(err))
	}
	return src, nil
}

// Sources lists every source by name (then slug). Names compare bytewise
// (COLLATE "C"), as in SQLite, whatever the database's locale.
func (s *Store) Sources(ctx context.Context) ([]crosswire.Source, error) {
	rows, err := s.pool.Query(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY name COLLATE "C", slug COLLATE "C"`)
	if err != nil {
		return nil, fmt.Errorf("postgres: list sources: %w", err)
	}
	defer rows.Close()
	var out []crosswire.Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("postgres: list sources: %w", err)
		}
		out = append(out, src)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("postgres: list sources: %w", err)
	}
	return out, nil
}

func (s *Store) SetSourcePaused(ctx context.Context, slug string, paused bool) error {
	tag, err := s.pool.Exec(ctx, `UPDATE sources SET paused = $1 WHERE slug = $2`, paused, slug)
	if err != nil {
		return fmt.Errorf("postgres: pause source %q: %w", slug, err)
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("postgres: pause source %q: %w", slug, crosswire.ErrNotFound)
	}
	return nil
}

// DeleteSource removes the source; foreign keys cascade to its feeds,
// articles, revisions and story assignments. Stories that lose articles get
// their counts refreshed, and those left empty go too.
func (s *Store) DeleteSource(ctx context.Context, slug string) error {
	fail := func(err error) error { return fmt.Errorf("postgres: delete source %q: %w", slug, err) }
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return fail(err)
	}
	defer rollback(ctx, tx)
	var id int64
	if err := tx.QueryRow(ctx, `SELECT id FROM sources WHERE slug = $1 FOR UPDATE`, slug).Scan(&id); err != nil {
		return fail(notFound(err))
	}
	stories, err := queryIDs(ctx, tx, `SELECT DISTINCT story_id FROM articles WHERE source_id = $1 AND story_id IS NOT NULL`, id)
	if err != nil {
		return fail(err)
	}
	// The stories are locked before the source's articles go.
	b := &pgx.Batch{}
	b.Queue(lockStoriesSQL, stories)
	b.Queue(`DELETE FROM sources WHERE id = $1`, id)
	queueRecount(b, stories, nil)
	if err := tx.SendBatch(ctx, b).Close(); err != nil {
		return fail(err)
	}
	if err := tx.Commit(ctx); err != nil {
		return fail(err)
	}
	return nil
}

// querier is what pools, connections and transactions offer.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func queryIDs(ctx context.Context, q querier, query string, args ...any) ([]int64, error) {
	rows, err := q.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[int64])
}
