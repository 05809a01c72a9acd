package postgres

import (
	"context"
	"fmt"

	"crosswire"
)

// PutMedia records a mirrored copy; a URL already recorded is updated.
func (s *Store) PutMedia(ctx context.Context, m crosswire.Media) error {
	if m.URL == "" || m.File == "" {
		return fmt.Errorf("postgres: put media %q: URL and File are required", m.URL)
	}
	fetched := m.FetchedAt
	if fetched.IsZero() {
		fetched = s.now()
	}
	_, err := s.pool.Exec(ctx, `INSERT INTO media (url, file, content_type, size, fetched_at)
		VALUES ($1, $2, $3, $4, $5)
		ON CONFLICT (url) DO UPDATE SET file = excluded.file, content_type = excluded.content_type,
			size = excluded.size, fetched_at = excluded.fetched_at`,
		m.URL, m.File, m.ContentType, m.Size, ms(fetched))
	if err != nil {
		return fmt.Errorf("postgres: put media %q: %w", m.URL, err)
	}
	return nil
}

// MediaByURL returns the copy recorded for an original URL.
func (s *Store) MediaByURL(ctx context.Context, url string) (crosswire.Media, error) {
	var m crosswire.Media
	err := s.pool.QueryRow(ctx, `SELECT url, file, content_type, size, fetched_at FROM media WHERE url = $1`, url).
		Scan(&m.URL, &m.File, &m.ContentType, &m.Size, &m.FetchedAt)
	if err != nil {
		return crosswire.Media{}, fmt.Errorf("postgres: media %q: %w", url, notFound(err))
	}
	m.FetchedAt = m.FetchedAt.UTC()
	return m, nil
}
