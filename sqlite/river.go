package sqlite

import "database/sql"

// WriteDB is the store's single write connection. The job queue (River)
// keeps its tables in the same file and runs its statements on this pool
// too, so the hub has one SQLite writer: River's transactions and the
// store's queue in Go instead of failing each other with SQLITE_BUSY.
// Callers must not hold a transaction on it while calling Store methods
// that write (they need the same connection).
func (s *Store) WriteDB() *sql.DB { return s.write }

// ReadDB is the store's pool of read-only connections, for the job
// queue's queries over the store's tables (feeds to schedule, articles to
// group) when River keeps its own tables in another file.
func (s *Store) ReadDB() *sql.DB { return s.read }
