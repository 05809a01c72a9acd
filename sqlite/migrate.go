package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"

	"crosswire/internal/migration"
)

// migrationFiles are the schema's versions, NNNN_name.sql, applied in order.
// A released migration is never edited: a change is a new file.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrate applies the migrations the database has not seen, each in its own
// transaction with its schema_migrations row, so a failed one leaves the
// schema at the previous version. The write transaction is BEGIN IMMEDIATE:
// two processes opening one file at once apply each migration once, the
// second finding it recorded.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migration.Load(migrationFiles, "migrations")
	if err != nil {
		return err
	}
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT    NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	var newest sql.NullInt64
	if err := s.write.QueryRowContext(ctx, `SELECT max(version) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("migrate: read schema version: %w", err)
	}
	if known := ms[len(ms)-1].Version; newest.Int64 > int64(known) {
		return fmt.Errorf("migrate: database schema version %d is newer than this binary's %d", newest.Int64, known)
	}
	for _, m := range ms {
		if err := s.apply(ctx, m); err != nil {
			return fmt.Errorf("migrate %s: %w", m.Name, err)
		}
	}
	return nil
}

func (s *Store) apply(ctx context.Context, m migration.Migration) error {
	tx, err := s.write.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer rollback(tx)
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, m.Version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	if _, err := tx.ExecContext(ctx, m.SQL); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.Version, m.Name, s.now().UnixMilli()); err != nil {
		return err
	}
	return tx.Commit()
}
