package transfer

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"
)

// kind is how a column's values are converted and compared. The PostgreSQL
// column type decides it, because SQLite's INTEGER holds times, booleans
// and plain numbers alike.
type kind int

const (
	kindInt   kind = iota // bigint, integer, smallint
	kindFloat             // double precision, real
	kindBool              // boolean (SQLite 0/1)
	kindTime              // timestamptz (SQLite unix milliseconds, NULL the zero time)
	kindJSON              // jsonb (SQLite JSON text, "" for NULL)
	kindText              // text
	kindBytes             // bytea
)

func (k kind) String() string {
	return [...]string{"integer", "float", "boolean", "time", "json", "text", "bytes"}[k]
}

// kindOf maps a PostgreSQL type (information_schema udt_name) to a kind.
func kindOf(udt string) (kind, bool) {
	switch udt {
	case "int2", "int4", "int8":
		return kindInt, true
	case "float4", "float8":
		return kindFloat, true
	case "bool":
		return kindBool, true
	case "timestamptz", "timestamp":
		return kindTime, true
	case "json", "jsonb":
		return kindJSON, true
	case "text", "varchar", "bpchar":
		return kindText, true
	case "bytea":
		return kindBytes, true
	}
	return 0, false
}

// storage is the SQLite storage class a kind's values have in a STRICT
// table; a column declared otherwise means the two schemas disagree.
func (k kind) storage() []string {
	switch k {
	case kindInt, kindBool, kindTime:
		return []string{"INTEGER", "INT"}
	case kindFloat:
		return []string{"REAL", "INTEGER", "INT"}
	case kindJSON, kindText:
		return []string{"TEXT"}
	default:
		return []string{"BLOB"}
	}
}

type column struct {
	name string
	kind kind
}

// table is one table to copy: the columns both schemas have, in SQLite's
// order, and the single-column primary key the copy pages and resumes by.
type table struct {
	name string
	cols []column
	key  int // index of the primary key in cols
}

func (t table) keyCol() column { return t.cols[t.key] }

// colList is the quoted column list, optionally cast for reading back
// (jsonb as text, so that both sides hash the JSON the same way).
func (t table) colList(castJSON bool) string {
	parts := make([]string, len(t.cols))
	for i, c := range t.cols {
		parts[i] = ident(c.name)
		if castJSON && c.kind == kindJSON {
			parts[i] += "::text"
		}
	}
	return strings.Join(parts, ", ")
}

// pgOrder is the PostgreSQL expression that sorts keys the way SQLite's
// BINARY collation does: byte order ("C") for text.
func (t table) pgKey() string {
	k := t.keyCol()
	if k.kind == kindText {
		return ident(k.name) + ` COLLATE "C"`
	}
	return ident(k.name)
}

func ident(name string) string { return pgx.Identifier{name}.Sanitize() }

// skipped says which SQLite tables are not part of the archive: each side
// keeps its own schema version, and River's job tables hold only transient
// work (on PostgreSQL the job runner's reconcile job schedules every feed's
// next poll from the copied feeds on start).
func skipped(name string) bool {
	return name == "schema_migrations" || strings.HasPrefix(name, "river_") || strings.HasPrefix(name, "sqlite_")
}

// sqlQuerier is a *sql.DB or *sql.Tx.
type sqlQuerier interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
}

// pgQuerier is a *pgx.Conn or *pgxpool.Pool.
type pgQuerier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// plan discovers the tables to copy from the SQLite schema, matches their
// columns with the target's and orders them so that every table comes after
// the tables its foreign keys reference. A SQLite table or column the target
// lacks is an error (its data would be lost); target columns SQLite lacks
// (an archive at an older schema version) keep their defaults.
func plan(ctx context.Context, src sqlQuerier, dst pgQuerier) ([]table, error) {
	names, err := queryStrings(ctx, src, `SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY rowid`)
	if err != nil {
		return nil, fmt.Errorf("read sqlite schema: %w", err)
	}
	pgCols, err := targetColumns(ctx, dst)
	if err != nil {
		return nil, err
	}
	var tables []table
	deps := map[string][]string{}
	for _, name := range names {
		if skipped(name) {
			continue
		}
		target, ok := pgCols[name]
		if !ok {
			return nil, fmt.Errorf("table %s: not in the PostgreSQL schema (is the target at an older schema version?)", name)
		}
		t, err := planTable(ctx, src, name, target)
		if err != nil {
			return nil, fmt.Errorf("table %s: %w", name, err)
		}
		refs, err := queryStrings(ctx, src, `SELECT DISTINCT "table" FROM pragma_foreign_key_list(?)`, name)
		if err != nil {
			return nil, fmt.Errorf("table %s: foreign keys: %w", name, err)
		}
		deps[name] = refs
		tables = append(tables, t)
	}
	return orderByDependency(tables, deps)
}

func planTable(ctx context.Context, src sqlQuerier, name string, target map[string]string) (table, error) {
	rows, err := src.QueryContext(ctx, `SELECT name, upper(type), pk FROM pragma_table_info(?) ORDER BY cid`, name)
	if err != nil {
		return table{}, fmt.Errorf("columns: %w", err)
	}
	defer rows.Close()
	t := table{name: name, key: -1}
	for rows.Next() {
		var col, typ string
		var pk int
		if err := rows.Scan(&col, &typ, &pk); err != nil {
			return table{}, fmt.Errorf("columns: %w", err)
		}
		udt, ok := target[col]
		if !ok {
			return table{}, fmt.Errorf("column %s: not in the PostgreSQL table", col)
		}
		k, ok := kindOf(udt)
		if !ok {
			return table{}, fmt.Errorf("column %s: PostgreSQL type %s is not supported", col, udt)
		}
		if !slices.Contains(k.storage(), typ) {
			return table{}, fmt.Errorf("column %s: SQLite type %s cannot hold PostgreSQL %s values", col, typ, udt)
		}
		switch {
		case pk == 1 && t.key >= 0, pk > 1:
			return table{}, errors.New("composite primary keys are not supported")
		case pk == 1:
			t.key = len(t.cols)
		}
		t.cols = append(t.cols, column{name: col, kind: k})
	}
	if err := rows.Err(); err != nil {
		return table{}, fmt.Errorf("columns: %w", err)
	}
	if t.key < 0 {
		return table{}, errors.New("no primary key to copy it in order by")
	}
	if k := t.keyCol().kind; k != kindInt && k != kindText {
		return table{}, fmt.Errorf("primary key %s: %s keys are not supported", t.keyCol().name, k)
	}
	return t, nil
}

// targetColumns maps table -> column -> type of the tables in the target's
// schema (the first of its search_path, where postgres.Open migrated).
func targetColumns(ctx context.Context, dst pgQuerier) (map[string]map[string]string, error) {
	rows, err := dst.Query(ctx, `SELECT table_name, column_name, udt_name FROM information_schema.columns
		WHERE table_schema = current_schema()`)
	if err != nil {
		return nil, fmt.Errorf("read postgres schema: %w", err)
	}
	defer rows.Close()
	cols := map[string]map[string]string{}
	for rows.Next() {
		var t, c, udt string
		if err := rows.Scan(&t, &c, &udt); err != nil {
			return nil, fmt.Errorf("read postgres schema: %w", err)
		}
		if cols[t] == nil {
			cols[t] = map[string]string{}
		}
		cols[t][c] = udt
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read postgres schema: %w", err)
	}
	return cols, nil
}

// orderByDependency sorts tables so referenced ones come first, keeping
// schema order otherwise (a stable topological sort). References to
// tables outside the copy (none today) are ignored; a cycle is an error.
func orderByDependency(tables []table, deps map[string][]string) ([]table, error) {
	inCopy := map[string]bool{}
	for _, t := range tables {
		inCopy[t.name] = true
	}
	done := map[string]bool{}
	var out []table
	for len(out) < len(tables) {
		progressed := false
		for _, t := range tables {
			if done[t.name] {
				continue
			}
			ready := true
			for _, d := range deps[t.name] {
				if d != t.name && inCopy[d] && !done[d] {
					ready = false
				}
			}
			if ready {
				done[t.name] = true
				out = append(out, t)
				progressed = true
			}
		}
		if !progressed {
			return nil, errors.New("foreign keys form a cycle between tables")
		}
	}
	return out, nil
}

func queryStrings(ctx context.Context, q sqlQuerier, query string, args ...any) ([]string, error) {
	rows, err := q.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
