// Package sqlite is the embedded store: crosswire.Store on SQLite through the
// pure-Go modernc.org/sqlite driver.
//
// Connection model. SQLite lets one connection write at a time, and in WAL
// mode readers never wait for that writer nor it for them. The Store
// therefore holds two pools on the same file:
//
//   - write: exactly one connection (MaxOpenConns 1). Every method that
//     changes something runs there, in BEGIN IMMEDIATE transactions, so
//     writers queue in Go (database/sql hands the connection over) instead of
//     spinning on SQLITE_BUSY. Both pools keep each statement prepared per
//     connection (OpenCachingDB).
//   - read: a small pool of query_only connections for everything that only
//     reads (pages, output feeds, due revisits), so the site never waits behind
//     an ingest transaction. A read sees every transaction committed before
//     it started.
//
// Other processes (the CLI while `serve` runs) share the file through
// SQLite's own locking; busy_timeout makes them wait instead of failing.
// ":memory:" databases cannot be shared between connections, so they use
// the single write connection for reads too.
//
// Times are stored as INTEGER unix milliseconds UTC, so they come back at
// millisecond precision in UTC; NULL is the zero time.
//
// Schema (migrations/0001_init.sql): an article's text (title, summary,
// content, plain text) is stored once, as its revisions; the articles row
// holds identity, metadata and state, and reads join the newest revision.
package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"time"

	"crosswire"

	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Store is crosswire.Store on one SQLite database file.
type Store struct {
	write *sql.DB
	read  *sql.DB
	path  string

	// now stamps what callers left without a time (an article without
	// FirstSeenAt, an applied migration). Tests pass every time explicitly.
	now func() time.Time
}

var _ crosswire.Store = (*Store)(nil)

// busyTimeout is how long a connection waits for another process's lock.
const busyTimeout = 10 * time.Second

// Open opens (creating if needed) the database at path and applies the
// pending migrations. path is a file name (its
// directory is created) or ":memory:".
func Open(ctx context.Context, path string) (*Store, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty database path")
	}
	memory := isMemory(path)
	if !memory {
		if dir := filepath.Dir(path); dir != "" {
			if err := os.MkdirAll(dir, 0o750); err != nil {
				return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
			}
		}
	}

	s := &Store{path: path, now: time.Now}
	write := OpenCachingDB(dsn(path, false))
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	write.SetConnMaxIdleTime(0)
	s.write = write

	if err := s.migrate(ctx); err != nil {
		write.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}

	if memory {
		s.read = write
	} else {
		// The writer has switched the file to WAL (a persistent setting)
		// before any reader opens it.
		read := OpenCachingDB(dsn(path, true))
		n := max(4, runtime.GOMAXPROCS(0)*2)
		read.SetMaxOpenConns(n)
		read.SetMaxIdleConns(n)
		read.SetConnMaxIdleTime(5 * time.Minute)
		if err := read.PingContext(ctx); err != nil {
			read.Close()
			write.Close()
			return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
		}
		s.read = read
	}

	return s, nil
}

// Close lets SQLite refresh its planner statistics and closes both pools.
func (s *Store) Close() error {
	var errs []error
	// optimize is cheap when nothing changed and keeps the query plans of
	// the page queries good as the archive grows.
	if _, err := s.write.Exec("PRAGMA optimize"); err != nil {
		errs = append(errs, err)
	}
	if s.read != s.write {
		errs = append(errs, s.read.Close())
	}
	errs = append(errs, s.write.Close())
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("sqlite: close %s: %w", s.path, err)
	}
	return nil
}

func isMemory(path string) bool {
	return path == ":memory:" || strings.HasPrefix(path, "file::memory:") || strings.Contains(path, "mode=memory")
}

// dsn builds the driver's connection string. Every connection gets the
// busy timeout and foreign keys; the writer also sets WAL, synchronous=NORMAL
// (durable at checkpoints, never corrupt) and BEGIN IMMEDIATE so its
// transactions take the write lock up front rather than failing to upgrade.
func dsn(path string, readOnly bool) string {
	name := path
	if !isMemory(path) {
		name = "file:" + (&url.URL{Path: path}).EscapedPath()
	}
	q := url.Values{}
	q.Set("_busy_timeout", fmt.Sprint(busyTimeout.Milliseconds()))
	q.Set("_foreign_keys", "1")
	// Statement journals and sorts stay in memory rather than in temporary
	// files (a multi-row UPDATE would otherwise cost syscalls per page).
	q.Add("_pragma", "temp_store(memory)")
	if readOnly {
		q.Set("_query_only", "1")
	} else {
		q.Set("_journal_mode", "WAL")
		q.Set("_synchronous", "NORMAL")
		q.Set("_txlock", "immediate")
		// The writer walks the key and time indexes of the whole archive
		// on every poll; 16 MiB of cache (2 MiB is the default) keeps
		// their inner pages in memory. Readers keep the default.
		q.Add("_pragma", "cache_size(-16384)")
	}
	sep := "?"
	if strings.Contains(name, "?") {
		sep = "&"
	}
	return name + sep + q.Encode()
}

// sqliteCode returns the extended result code of a driver error, or 0.
func sqliteCode(err error) int {
	var e *sqlite.Error
	if errors.As(err, &e) {
		return e.Code()
	}
	return 0
}

func isUnique(err error) bool {
	c := sqliteCode(err)
	return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
}

func isForeignKey(err error) bool {
	return sqliteCode(err) == sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY
}

// rollback ends a transaction that was not committed; after a commit it is
// a no-op, so it can be deferred.
func rollback(tx *sql.Tx) {
	_ = tx.Rollback()
}

// Analyze refreshes the planner's statistics. Close does it cheaply with
// PRAGMA optimize; call it after a bulk load (an import, a migration).
func (s *Store) Analyze(ctx context.Context) error {
	if _, err := s.write.ExecContext(ctx, `ANALYZE`); err != nil {
		return fmt.Errorf("sqlite: analyze %s: %w", s.path, err)
	}
	return nil
}
