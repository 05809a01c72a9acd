package main

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// appName marks the hub's connections, so the harness can tell its
// PostgreSQL backends from those of anything else on the server.
const appName = "crosswire-bench"

// pgBench is one run's fresh schema on the benchmark's PostgreSQL.
type pgBench struct {
	conn   *pgx.Conn
	schema string
	hubDSN string // the DSN the hub gets: the schema and appName set
}

func newPGBench(ctx context.Context, dsn string, seq, pool int) (*pgBench, error) {
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	conn, err := pgx.Connect(cctx, dsn)
	if err != nil {
		return nil, fmt.Errorf("PostgreSQL at %s: %w", redact(dsn), err)
	}
	schema := fmt.Sprintf("crosswire_bench_%d_%d", os.Getpid(), seq)
	if _, err := conn.Exec(ctx, "CREATE SCHEMA "+pgx.Identifier{schema}.Sanitize()); err != nil {
		conn.Close(ctx)
		return nil, fmt.Errorf("create schema: %w", err)
	}
	hub, err := withParams(dsn, map[string]string{"search_path": schema, "application_name": appName, "pool_max_conns": fmt.Sprint(pool)})
	if err != nil {
		conn.Close(ctx)
		return nil, err
	}
	// The harness's own queries run in the schema too.
	if _, err := conn.Exec(ctx, "SET search_path TO "+pgx.Identifier{schema}.Sanitize()); err != nil {
		conn.Close(ctx)
		return nil, err
	}
	return &pgBench{conn: conn, schema: schema, hubDSN: hub}, nil
}

// withParams adds query parameters to a postgres:// URL DSN.
func withParams(dsn string, params map[string]string) (string, error) {
	u, err := url.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return "", fmt.Errorf("the PostgreSQL DSN must be a postgres:// URL (got %s)", redact(dsn))
	}
	q := u.Query()
	for k, v := range params {
		q.Set(k, v)
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

// redact hides a password in a DSN for messages.
func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "(unparsable DSN)"
	}
	return u.Redacted()
}

func (p *pgBench) close(ctx context.Context, keep bool) {
	if !keep {
		if _, err := p.conn.Exec(context.WithoutCancel(ctx), "DROP SCHEMA "+pgx.Identifier{p.schema}.Sanitize()+" CASCADE"); err != nil {
			fmt.Fprintf(os.Stderr, "bench: drop schema %s: %v\n", p.schema, err)
		}
	}
	p.conn.Close(context.WithoutCancel(ctx))
}

func (p *pgBench) count(ctx context.Context, query string, args ...any) (int, error) {
	var n int
	err := p.conn.QueryRow(ctx, query, args...).Scan(&n)
	return n, err
}

// serverVersion is PostgreSQL's version string, for the report.
func (p *pgBench) serverVersion(ctx context.Context) string {
	var v string
	if err := p.conn.QueryRow(ctx, "SHOW server_version").Scan(&v); err != nil {
		return "?"
	}
	return v
}

// ownPIDs are the server processes that work for the hub: its client
// backends (marked by appName) and the server's auxiliary processes (WAL
// writer, checkpointer, autovacuum), which every client shares.
func (p *pgBench) ownPIDs(ctx context.Context) (map[int]bool, error) {
	rows, err := p.conn.Query(ctx, `SELECT pid FROM pg_stat_activity WHERE application_name = $1 OR backend_type <> 'client backend'`, appName)
	if err != nil {
		return nil, err
	}
	pids, err := pgx.CollectRows(rows, pgx.RowTo[int32])
	if err != nil {
		return nil, err
	}
	out := map[int]bool{}
	for _, pid := range pids {
		out[int(pid)] = true
	}
	return out, nil
}

// pgCPU samples the CPU time of every postgres process on this machine.
// It is only meaningful when the server runs here (127.0.0.1).
type pgCPU struct {
	before map[int]time.Duration
}

func startPGCPU() pgCPU { return pgCPU{before: cpuByComm("postgres")} }

// since returns the CPU of all postgres processes since the sample and of
// the hub's own (own nil: not known).
func (c pgCPU) since(own map[int]bool) (all, mine time.Duration) {
	after := cpuByComm("postgres")
	all = cpuDelta(c.before, after, nil)
	mine = -1
	if own != nil {
		mine = cpuDelta(c.before, after, func(pid int) bool { return own[pid] })
	}
	return all, mine
}

// isLocal reports whether a DSN's host is this machine, where /proc shows
// the server's processes.
func isLocal(dsn string) bool {
	u, err := url.Parse(dsn)
	if err != nil {
		return false
	}
	h := u.Hostname()
	return h == "" || h == "localhost" || strings.HasPrefix(h, "127.") || h == "::1" || strings.HasPrefix(h, "/")
}
