package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"

	msqlite "modernc.org/sqlite"
)

// database/sql sends a statement as text every time it is not prepared by
// hand, and the pure-Go SQLite parses each anew: a store method's few
// statements cost more to parse than to run, and River's job completion is
// an UPDATE of some forty lines whose parse alone costs about 0.3 ms. The
// store's connections and River's therefore keep their prepared statements
// by their text.

// OpenCachingDB opens a modernc.org/sqlite database (dsn as that driver
// takes it) whose connections keep their prepared statements.
func OpenCachingDB(dsn string) *sql.DB {
	return sql.OpenDB(stmtCacheConnector{dsn: dsn, drv: &msqlite.Driver{}})
}

// maxCachedStmts bounds the statements kept per connection; River uses a
// few dozen distinct ones.
const maxCachedStmts = 256

// stmtCacheConnector opens connections of drv that cache statements.
type stmtCacheConnector struct {
	dsn string
	drv driver.Driver
}

func (c stmtCacheConnector) Connect(context.Context) (driver.Conn, error) {
	conn, err := c.drv.Open(c.dsn)
	if err != nil {
		return nil, err
	}
	if _, ok := conn.(driver.ConnPrepareContext); !ok {
		conn.Close()
		return nil, errors.New("sqlite: driver cannot prepare statements with a context")
	}
	return &stmtCacheConn{Conn: conn, stmts: map[string]*cachedStmt{}}, nil
}

func (c stmtCacheConnector) Driver() driver.Driver { return c.drv }

// stmtCacheConn is one connection and its statements. database/sql uses a
// connection from one goroutine at a time, so it needs no lock.
type stmtCacheConn struct {
	driver.Conn
	stmts map[string]*cachedStmt
}

type cachedStmt struct {
	driver.Stmt
	busy bool // its rows are open: the statement cannot be rerun yet
}

// stmt returns the statement of query, and whether it is the cached one
// (else the caller closes it after use).
func (c *stmtCacheConn) stmt(ctx context.Context, query string) (*cachedStmt, bool, error) {
	s, ok := c.stmts[query]
	if ok && !s.busy {
		return s, true, nil
	}
	ds, err := c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
	if err != nil {
		return nil, false, err
	}
	s = &cachedStmt{Stmt: ds}
	if !ok && len(c.stmts) < maxCachedStmts {
		c.stmts[query] = s
		return s, true, nil
	}
	return s, false, nil
}

func (c *stmtCacheConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	s, cached, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	sq, ok := s.Stmt.(driver.StmtQueryContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	rows, err := sq.QueryContext(ctx, args)
	if err != nil {
		if !cached {
			s.Close()
		}
		return nil, err
	}
	s.busy = true
	return &cachedRows{Rows: rows, done: func() {
		s.busy = false
		if !cached {
			s.Close()
		}
	}}, nil
}

func (c *stmtCacheConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	s, cached, err := c.stmt(ctx, query)
	if err != nil {
		return nil, err
	}
	if !cached {
		defer s.Close()
	}
	se, ok := s.Stmt.(driver.StmtExecContext)
	if !ok {
		return nil, driver.ErrSkip
	}
	return se.ExecContext(ctx, args)
}

func (c *stmtCacheConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	return c.Conn.(driver.ConnPrepareContext).PrepareContext(ctx, query)
}

func (c *stmtCacheConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if b, ok := c.Conn.(driver.ConnBeginTx); ok {
		return b.BeginTx(ctx, opts)
	}
	return c.Conn.Begin() //nolint:staticcheck // the fallback database/sql itself uses
}

func (c *stmtCacheConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *stmtCacheConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *stmtCacheConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

func (c *stmtCacheConn) Close() error {
	var errs []error
	for q, s := range c.stmts {
		errs = append(errs, s.Close())
		delete(c.stmts, q)
	}
	errs = append(errs, c.Conn.Close())
	return errors.Join(errs...)
}

// cachedRows frees its statement for the next use when closed.
type cachedRows struct {
	driver.Rows
	done func()
}

func (r *cachedRows) Close() error {
	err := r.Rows.Close()
	if r.done != nil {
		r.done()
		r.done = nil
	}
	return err
}
