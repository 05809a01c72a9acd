// Package transfer copies a hub's archive from the SQLite store to the
// PostgreSQL store, table by table, and verifies the copy.
//
// The tables and their columns are discovered from the SQLite schema and
// matched with the target's (which postgres.Open has migrated), then copied
// in foreign-key order, each in primary-key order, in batches: a batch is
// one PostgreSQL transaction (COPY into a temporary table, then INSERT ...
// ON CONFLICT DO NOTHING into the real one). IDs are kept, so every
// reference stays valid, and the identity sequences are moved past the
// copied IDs at the end.
//
// Resuming. Because batches commit in key order and a batch is all or
// nothing, after an interrupt (a cancelled context, a killed process: the
// server rolls back the open transaction when the connection drops) each
// target table holds exactly a prefix of its source table. A second run
// starts every table after the target's largest key, so it neither re-reads
// what is done nor duplicates it; ON CONFLICT DO NOTHING covers a row the
// target already has for any other reason, and Verify shows whether the
// result is the source's content.
package transfer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver
)

// DefaultBatchSize is the rows per transaction when Transfer.BatchSize is 0:
// large enough that the per-transaction round trips do not matter, small
// enough that an interrupt loses little work.
const DefaultBatchSize = 2000

// ErrDifferentHub means the target already holds sources the SQLite archive
// does not have (by slug and ID): it is another hub's database.
var ErrDifferentHub = errors.New("the target database holds a different hub")

// OpenSQLite opens a SQLite archive read-only: the copy never changes it,
// and it may be in use by a running hub (whose later writes the copy does
// not see, see Transfer).
func OpenSQLite(ctx context.Context, path string) (*sql.DB, error) {
	if _, err := os.Stat(path); err != nil {
		return nil, fmt.Errorf("open sqlite archive: %w", err)
	}
	q := url.Values{}
	q.Set("mode", "ro")
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "query_only(1)")
	db, err := sql.Open("sqlite", "file:"+(&url.URL{Path: path}).EscapedPath()+"?"+q.Encode())
	if err != nil {
		return nil, fmt.Errorf("open sqlite archive %s: %w", path, err)
	}
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("open sqlite archive %s: %w", path, err)
	}
	return db, nil
}

// Transfer copies Src, a SQLite archive (see OpenSQLite), into Dst, the
// pool of a migrated PostgreSQL store. Copy and Verify each read one
// snapshot of Src: stop the hub first, or what it writes meanwhile is
// missing from the copy and Verify reports the difference.
type Transfer struct {
	Src *sql.DB
	Dst *pgxpool.Pool

	BatchSize int  // rows per transaction; 0: DefaultBatchSize
	Force     bool // copy even into a target that holds a different hub

	// Progress, if set, is called when a table starts, after every batch
	// and when the table is done.
	Progress func(Progress)
	// Now times the progress reports; nil is time.Now.
	Now func() time.Time
}

// Progress is the state of one table's copy.
type Progress struct {
	Table    string
	Total    int64 // rows in the SQLite table
	Done     int64 // rows in the target: Resumed + Copied
	Resumed  int64 // rows the target held when this run reached the table
	Copied   int64 // rows this run inserted
	Skipped  int64 // rows this run read that the target already had
	Elapsed  time.Duration
	Finished bool
}

// Rate is the rows inserted per second by this run.
func (p Progress) Rate() float64 {
	if p.Elapsed <= 0 {
		return 0
	}
	return float64(p.Copied) / p.Elapsed.Seconds()
}

func (t *Transfer) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}

// Copy copies every table, skipping what an earlier run copied, then moves
// the target's ID sequences past the largest copied IDs and refreshes the
// planner statistics of the copied tables.
func (t *Transfer) Copy(ctx context.Context) error {
	batch := t.BatchSize
	if batch <= 0 {
		batch = DefaultBatchSize
	}
	src, err := t.Src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("read sqlite archive: %w", err)
	}
	defer src.Rollback()

	// A connection of its own: the staging tables are temporary tables of
	// its session, and it is closed rather than returned to the pool, so
	// neither they nor its settings outlive the copy.
	pc, err := t.Dst.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("connect to postgres: %w", err)
	}
	conn := pc.Hijack()
	defer conn.Close(context.WithoutCancel(ctx))
	// A batch lost to a crash after its commit was acknowledged is found
	// missing and copied again by the next run (commits reach the disk in
	// order, so the target still holds a prefix); waiting for each flush
	// would buy nothing.
	if _, err := conn.Exec(ctx, `SET synchronous_commit = off`); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}

	tables, err := plan(ctx, src, conn)
	if err != nil {
		return err
	}
	if !t.Force {
		if err := sameHub(ctx, src, conn, tables); err != nil {
			return err
		}
	}
	for _, tb := range tables {
		if err := t.copyTable(ctx, src, conn, tb, batch); err != nil {
			return fmt.Errorf("copy %s: %w", tb.name, err)
		}
	}
	// From here commits wait for the disk again: ANALYZE's below, which
	// follows every batch in the WAL, makes a successful Copy durable.
	if _, err := conn.Exec(ctx, `SET synchronous_commit = on`); err != nil {
		return fmt.Errorf("postgres: %w", err)
	}
	if err := bumpSequences(ctx, conn, tables); err != nil {
		return err
	}
	// The page queries would otherwise be planned on an empty table's
	// statistics until autovacuum catches up. Only the copied tables: a
	// bare ANALYZE would walk every schema of the database.
	names := make([]string, len(tables))
	for i, tb := range tables {
		names[i] = ident(tb.name)
	}
	if _, err := conn.Exec(ctx, `ANALYZE `+strings.Join(names, ", ")); err != nil {
		return fmt.Errorf("analyze: %w", err)
	}
	return nil
}

func (t *Transfer) copyTable(ctx context.Context, src *sql.Tx, conn *pgx.Conn, tb table, batchSize int) error {
	start := t.now()
	p := Progress{Table: tb.name}
	report := func() {
		if t.Progress != nil {
			p.Elapsed = t.now().Sub(start)
			t.Progress(p)
		}
	}
	if err := src.QueryRowContext(ctx, `SELECT count(*) FROM `+ident(tb.name)).Scan(&p.Total); err != nil {
		return fmt.Errorf("count sqlite rows: %w", err)
	}
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM `+ident(tb.name)).Scan(&p.Resumed); err != nil {
		return fmt.Errorf("count postgres rows: %w", err)
	}
	p.Done = p.Resumed
	// The largest key the target holds (in the source's sort order): the
	// copy goes on after it.
	var after any
	if err := conn.QueryRow(ctx, `SELECT max(`+tb.pgKey()+`) FROM `+ident(tb.name)).Scan(&after); err != nil {
		return fmt.Errorf("resume point: %w", err)
	}
	report()

	stageName := "transfer_" + tb.name
	stage := ident(stageName)
	if _, err := conn.Exec(ctx, `CREATE TEMPORARY TABLE IF NOT EXISTS `+stage+` ON COMMIT DELETE ROWS AS SELECT `+
		tb.colList(false)+` FROM `+ident(tb.name)+` WITH NO DATA`); err != nil {
		return fmt.Errorf("create staging table: %w", err)
	}
	colNames := make([]string, len(tb.cols))
	for i, c := range tb.cols {
		colNames[i] = c.name
	}
	insert := `INSERT INTO ` + ident(tb.name) + ` (` + tb.colList(false) + `) SELECT ` + tb.colList(false) +
		` FROM ` + stage + ` ON CONFLICT DO NOTHING`

	query := `SELECT ` + tb.colList(false) + ` FROM ` + ident(tb.name)
	var args []any
	if after != nil {
		query += ` WHERE ` + ident(tb.keyCol().name) + ` > ?`
		args = append(args, after)
	}
	query += ` ORDER BY ` + ident(tb.keyCol().name)
	rows, err := src.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read sqlite rows: %w", err)
	}
	defer rows.Close()

	raw := make([]any, len(tb.cols))
	ptrs := make([]any, len(tb.cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	batch := make([][]any, 0, batchSize)
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		n, err := copyBatch(ctx, conn, stageName, colNames, insert, batch)
		if err != nil {
			return fmt.Errorf("rows %s %v to %v: %w", tb.keyCol().name, batch[0][tb.key], batch[len(batch)-1][tb.key], err)
		}
		p.Copied += n
		p.Done += n
		p.Skipped += int64(len(batch)) - n
		batch = batch[:0]
		report()
		return nil
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read sqlite rows: %w", err)
		}
		row := make([]any, len(tb.cols))
		for i, c := range tb.cols {
			v, err := convert(c.kind, raw[i])
			if err != nil {
				return fmt.Errorf("row %s %v, column %s: %w", tb.keyCol().name, raw[tb.key], c.name, err)
			}
			row[i] = v
		}
		batch = append(batch, row)
		if len(batch) == batchSize {
			if err := flush(); err != nil {
				return err
			}
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sqlite rows: %w", err)
	}
	if err := flush(); err != nil {
		return err
	}
	if _, err := conn.Exec(ctx, `DROP TABLE `+stage); err != nil {
		return fmt.Errorf("drop staging table: %w", err)
	}
	p.Finished = true
	report()
	return nil
}

// copyBatch stores one batch in one transaction and returns how many rows
// were new to the target.
func copyBatch(ctx context.Context, conn *pgx.Conn, stage string, cols []string, insert string, batch [][]any) (int64, error) {
	tx, err := conn.Begin(ctx)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.WithoutCancel(ctx))
	if _, err := tx.CopyFrom(ctx, pgx.Identifier{stage}, cols, pgx.CopyFromRows(batch)); err != nil {
		return 0, fmt.Errorf("copy: %w", err)
	}
	tag, err := tx.Exec(ctx, insert)
	if err != nil {
		return 0, fmt.Errorf("insert: %w", err)
	}
	if err := tx.Commit(ctx); err != nil {
		return 0, fmt.Errorf("commit: %w", err)
	}
	return tag.RowsAffected(), nil
}

// bumpSequences moves each identity sequence to after its table's largest
// ID, so that rows the PostgreSQL store inserts next get new IDs (copied
// rows carry their own, and a sequence does not see them).
func bumpSequences(ctx context.Context, conn *pgx.Conn, tables []table) error {
	for _, tb := range tables {
		key := tb.keyCol()
		if key.kind != kindInt {
			continue
		}
		var seq *string
		if err := conn.QueryRow(ctx, `SELECT pg_get_serial_sequence($1, $2)`, ident(tb.name), key.name).Scan(&seq); err != nil {
			return fmt.Errorf("sequence of %s: %w", tb.name, err)
		}
		if seq == nil {
			continue
		}
		if _, err := conn.Exec(ctx, `SELECT setval($1::regclass, coalesce((SELECT max(`+ident(key.name)+`) FROM `+
			ident(tb.name)+`), 0) + 1, false)`, *seq); err != nil {
			return fmt.Errorf("move sequence of %s: %w", tb.name, err)
		}
	}
	return nil
}

// sameHub refuses a target whose sources are not the archive's: a source
// there that the archive lacks, or has under another ID, would make the copy
// skip rows (ON CONFLICT) or attach articles to the wrong outlet. An empty
// target and one an earlier run filled pass.
func sameHub(ctx context.Context, src *sql.Tx, dst *pgx.Conn, tables []table) error {
	found := false
	for _, tb := range tables {
		found = found || tb.name == "sources"
	}
	if !found {
		return nil
	}
	ours := map[string]int64{}
	rows, err := src.QueryContext(ctx, `SELECT slug, id FROM sources`)
	if err != nil {
		return fmt.Errorf("read sqlite sources: %w", err)
	}
	for rows.Next() {
		var slug string
		var id int64
		if err := rows.Scan(&slug, &id); err != nil {
			rows.Close()
			return fmt.Errorf("read sqlite sources: %w", err)
		}
		ours[slug] = id
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read sqlite sources: %w", err)
	}

	prows, err := dst.Query(ctx, `SELECT slug, id FROM sources ORDER BY id`)
	if err != nil {
		return fmt.Errorf("read postgres sources: %w", err)
	}
	defer prows.Close()
	var foreign []string
	n := 0
	for prows.Next() {
		var slug string
		var id int64
		if err := prows.Scan(&slug, &id); err != nil {
			return fmt.Errorf("read postgres sources: %w", err)
		}
		if theirs, ok := ours[slug]; !ok || theirs != id {
			n++
			if len(foreign) < 5 {
				foreign = append(foreign, fmt.Sprintf("%s (id %d)", slug, id))
			}
		}
	}
	if err := prows.Err(); err != nil {
		return fmt.Errorf("read postgres sources: %w", err)
	}
	if n > 0 {
		more := ""
		if n > len(foreign) {
			more = fmt.Sprintf(" and %d more", n-len(foreign))
		}
		return fmt.Errorf("%w: its sources %s%s are not in the SQLite archive under the same ID",
			ErrDifferentHub, strings.Join(foreign, ", "), more)
	}
	return nil
}
