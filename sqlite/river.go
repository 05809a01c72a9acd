package sqlite

import "database/sql"

// WriteDB is the store's single write connection. The job queue (River)
// may keep its tables in the store's file and run on this pool, behind the
// store's own writes (the hub gives River a file of its own instead, see
// jobs.OpenSQLite; this one is for comparing the two). A caller must not
// hold a transaction on it while calling Store methods that write: they
// need the same connection.
func (s *Store) WriteDB() *sql.DB { return s.write }

// ReadDB is the store's pool of read-only connections, for the job queue's
// queries over the store's tables (feeds to schedule, articles to group).
func (s *Store) ReadDB() *sql.DB { return s.read }
