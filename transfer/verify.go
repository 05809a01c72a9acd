package transfer

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"sync"
)

// Check is one table's verification: its rows and a checksum of their
// content on each side.
type Check struct {
	Table                  string
	SourceRows, TargetRows int64
	SourceSum, TargetSum   string // hex SHA-256
}

// OK reports whether both sides hold the same rows.
func (c Check) OK() bool {
	return c.SourceRows == c.TargetRows && c.SourceSum == c.TargetSum
}

// Verify counts and checksums every copied table on both sides. The
// checksum covers every copied column of every row, in primary-key order,
// so it tells apart a missing, extra or altered row (an article's text in
// a revision included); rows PostgreSQL has in columns SQLite lacks are not
// compared. Both sides are read at once.
func (t *Transfer) Verify(ctx context.Context) ([]Check, error) {
	src, err := t.Src.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("read sqlite archive: %w", err)
	}
	defer src.Rollback()
	tables, err := plan(ctx, src, t.Dst)
	if err != nil {
		return nil, err
	}
	checks := make([]Check, len(tables))
	for i, tb := range tables {
		var wg sync.WaitGroup
		var srcErr error
		wg.Go(func() {
			checks[i].SourceRows, checks[i].SourceSum, srcErr = sumSQLite(ctx, src, tb)
		})
		rows, sum, dstErr := sumPostgres(ctx, t.Dst, tb)
		wg.Wait()
		if srcErr != nil {
			return nil, fmt.Errorf("verify %s: sqlite: %w", tb.name, srcErr)
		}
		if dstErr != nil {
			return nil, fmt.Errorf("verify %s: postgres: %w", tb.name, dstErr)
		}
		checks[i].Table = tb.name
		checks[i].TargetRows, checks[i].TargetSum = rows, sum
	}
	return checks, nil
}

func sumSQLite(ctx context.Context, src *sql.Tx, tb table) (int64, string, error) {
	rows, err := src.QueryContext(ctx, `SELECT `+tb.colList(false)+` FROM `+ident(tb.name)+
		` ORDER BY `+ident(tb.keyCol().name))
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	c := checksum{h: sha256.New()}
	raw := make([]any, len(tb.cols))
	ptrs := make([]any, len(tb.cols))
	for i := range raw {
		ptrs[i] = &raw[i]
	}
	for rows.Next() {
		if err := rows.Scan(ptrs...); err != nil {
			return 0, "", err
		}
		for i, col := range tb.cols {
			if err := c.sqliteValue(col.kind, raw[i]); err != nil {
				return 0, "", fmt.Errorf("row %s %v, column %s: %w", tb.keyCol().name, raw[tb.key], col.name, err)
			}
		}
		c.rows++
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	return c.rows, hex.EncodeToString(c.h.Sum(nil)), nil
}

func sumPostgres(ctx context.Context, dst pgQuerier, tb table) (int64, string, error) {
	rows, err := dst.Query(ctx, `SELECT `+tb.colList(true)+` FROM `+ident(tb.name)+` ORDER BY `+tb.pgKey())
	if err != nil {
		return 0, "", err
	}
	defer rows.Close()
	c := checksum{h: sha256.New()}
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return 0, "", err
		}
		for i, col := range tb.cols {
			if err := c.postgresValue(col.kind, vals[i]); err != nil {
				return 0, "", fmt.Errorf("row %s %v, column %s: %w", tb.keyCol().name, vals[tb.key], col.name, err)
			}
		}
		c.rows++
	}
	if err := rows.Err(); err != nil {
		return 0, "", err
	}
	return c.rows, hex.EncodeToString(c.h.Sum(nil)), nil
}
