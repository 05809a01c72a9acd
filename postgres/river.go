package postgres

import "github.com/jackc/pgx/v5/pgxpool"

// Pool is the store's connection pool, which the job queue (River) shares:
// its tables live in the same database and schema (the DSN's search_path).
func (s *Store) Pool() *pgxpool.Pool { return s.pool }
