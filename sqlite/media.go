package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"crosswire"
)

// PutMedia records a mirrored copy; a URL already recorded is updated.
func (s *Store) PutMedia(ctx context.Context, m crosswire.Media) error {
	if m.URL == "" || m.File == "" {
		return fmt.Errorf("sqlite: put media %q: URL and File are required", m.URL)
	}
	fetched := m.FetchedAt
	if fetched.IsZero() {
		fetched = s.now()
	}
	_, err := s.write.ExecContext(ctx, `INSERT INTO media (url, file, content_type, size, fetched_at)
		VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (url) DO UPDATE SET file = excluded.file, content_type = excluded.content_type,
			size = excluded.size, fetched_at = excluded.fetched_at`,
		m.URL, m.File, m.ContentType, m.Size, fetched.UnixMilli())
	if err != nil {
		return fmt.Errorf("sqlite: put media %q: %w", m.URL, err)
	}
	return nil
}

// MediaByURL returns the copy recorded for an original URL.
func (s *Store) MediaByURL(ctx context.Context, url string) (crosswire.Media, error) {
	var (
		m       crosswire.Media
		fetched int64
	)
	err := s.read.QueryRowContext(ctx, `SELECT url, file, content_type, size, fetched_at FROM media WHERE url = ?`, url).
		Scan(&m.URL, &m.File, &m.ContentType, &m.Size, &fetched)
	if errors.Is(err, sql.ErrNoRows) {
		err = crosswire.ErrNotFound
	}
	if err != nil {
		return crosswire.Media{}, fmt.Errorf("sqlite: media %q: %w", url, err)
	}
	m.FetchedAt = time.UnixMilli(fetched).UTC()
	return m, nil
}
