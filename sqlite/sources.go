package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"crosswire"
)

const sourceColumns = `id, slug, name, homepage, country, ownership, language, perspective, disclaimer,
	republish, republish_from, republish_until, paused, full_text, mirror_media, rules, created_at, updated_at`

func scanSource(r scanner) (crosswire.Source, error) {
	var (
		s                 crosswire.Source
		ownership, rules  string
		from, until       sql.NullInt64
		created, updated  sql.NullInt64
		republish, paused int
		mirror            int
	)
	err := r.Scan(&s.ID, &s.Slug, &s.Name, &s.Homepage, &s.Country, &ownership, &s.Language, &s.Perspective,
		&s.Disclaimer, &republish, &from, &until, &paused, &s.FullText, &mirror, &rules, &created, &updated)
	if err != nil {
		return s, err
	}
	s.Ownership = crosswire.Ownership(ownership)
	s.Republish, s.Paused, s.MirrorMedia = republish != 0, paused != 0, mirror != 0
	s.RepublishFrom, s.RepublishUntil = fromMS(from), fromMS(until)
	s.CreatedAt, s.UpdatedAt = fromMS(created), fromMS(updated)
	if rules != "" {
		if err := json.Unmarshal([]byte(rules), &s.Rules); err != nil {
			return s, fmt.Errorf("rules of source %q: %w", s.Slug, err)
		}
	}
	return s, nil
}

// encodeRules stores empty rules as "".
func encodeRules(r crosswire.Rules) (string, error) {
	if len(r.Content) == 0 && len(r.Remove) == 0 && len(r.RewriteLinks) == 0 && len(r.StripAttrs) == 0 {
		return "", nil
	}
	b, err := json.Marshal(r)
	return string(b), err
}

// PutSource inserts the source or updates every field of the one with the
// same slug (CreatedAt stays the first one), and sets s.ID and s.CreatedAt.
func (s *Store) PutSource(ctx context.Context, src *crosswire.Source) error {
	if src.Slug == "" {
		return errors.New("sqlite: put source: empty slug")
	}
	rules, err := encodeRules(src.Rules)
	if err != nil {
		return fmt.Errorf("sqlite: put source %q: encode rules: %w", src.Slug, err)
	}
	var created sql.NullInt64
	err = s.write.QueryRowContext(ctx, `INSERT INTO sources (slug, name, homepage, country, ownership, language,
			perspective, disclaimer, republish, republish_from, republish_until, paused, full_text, mirror_media,
			rules, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
		src.Disclaimer, boolInt(src.Republish), ms(src.RepublishFrom), ms(src.RepublishUntil), boolInt(src.Paused),
		src.FullText, boolInt(src.MirrorMedia), rules, ms(src.CreatedAt), ms(src.UpdatedAt),
	).Scan(&src.ID, &created)
	if err != nil {
		return fmt.Errorf("sqlite: put source %q: %w", src.Slug, err)
	}
	src.CreatedAt = fromMS(created)
	return nil
}

func (s *Store) SourceByID(ctx context.Context, id int64) (crosswire.Source, error) {
	src, err := scanSource(s.read.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return src, fmt.Errorf("sqlite: source %d: %w", id, err)
	}
	return src, nil
}

func (s *Store) SourceBySlug(ctx context.Context, slug string) (crosswire.Source, error) {
	src, err := scanSource(s.read.QueryRowContext(ctx, `SELECT `+sourceColumns+` FROM sources WHERE slug = ?`, slug))
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return src, fmt.Errorf("sqlite: source %q: %w", slug, err)
	}
	return src, nil
}

// Sources lists every source by name (then slug, so equal names keep one
// order).
func (s *Store) Sources(ctx context.Context) ([]crosswire.Source, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT `+sourceColumns+` FROM sources ORDER BY name, slug`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list sources: %w", err)
	}
	defer rows.Close()
	var out []crosswire.Source
	for rows.Next() {
		src, err := scanSource(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: list sources: %w", err)
		}
		out = append(out, src)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list sources: %w", err)
	}
	return out, nil
}

func (s *Store) SetSourcePaused(ctx context.Context, slug string, paused bool) error {
	res, err := s.write.ExecContext(ctx, `UPDATE sources SET paused = ? WHERE slug = ?`, boolInt(paused), slug)
	if err != nil {
		return fmt.Errorf("sqlite: pause source %q: %w", slug, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("sqlite: pause source %q: %w", slug, crosswire.ErrNotFound)
	}
	return nil
}

// DeleteSource removes the source; foreign keys cascade to its feeds,
// articles, revisions and story assignments. Stories that lose articles get
// their counts refreshed, and those left empty go too.
func (s *Store) DeleteSource(ctx context.Context, slug string) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: delete source %q: %w", slug, err)
	}
	defer rollback(tx)
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id FROM sources WHERE slug = ?`, slug).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return fmt.Errorf("sqlite: delete source %q: %w", slug, err)
	}
	stories, err := queryIDs(ctx, tx, `SELECT DISTINCT story_id FROM articles WHERE source_id = ? AND story_id IS NOT NULL`, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete source %q: %w", slug, err)
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM sources WHERE id = ?`, id); err != nil {
		return fmt.Errorf("sqlite: delete source %q: %w", slug, err)
	}
	for _, st := range stories {
		if err := refreshStory(ctx, tx, st, nil); err != nil {
			return fmt.Errorf("sqlite: delete source %q: %w", slug, err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("sqlite: delete source %q: %w", slug, err)
	}
	return nil
}

// queryer is what both *sql.DB and *sql.Tx offer.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

func queryIDs(ctx context.Context, q queryer, query string, args ...any) ([]int64, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
}
