package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"text/tabwriter"
	"time"

	"crosswire/postgres"
	"crosswire/transfer"

	"github.com/jackc/pgx/v5/pgconn"
)

const migrateUsage = `Usage: crosswire migrate SUBCOMMAND [flags]

  sqlite-to-postgres --to postgres://... [--from FILE.db | --config FILE] [--batch N] [--force]
        copy a hub's SQLite archive into PostgreSQL, then verify the copy;
        run it again after an interrupt to resume where it stopped

Run 'crosswire migrate SUBCOMMAND --help' for its flags.`

func runMigrate(ctx context.Context, sio stdio, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(sio.err, migrateUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	switch args[0] {
	case "sqlite-to-postgres":
		return migrateSQLiteToPostgres(ctx, sio, args[1:])
	}
	fmt.Fprintf(sio.err, "crosswire migrate: unknown subcommand %q\n\n%s\n", args[0], migrateUsage)
	return errUsage
}

const sqliteToPostgresSynopsis = `--to DSN [--from FILE.db | --config FILE] [--batch N] [--force]

Copies every table of a SQLite archive (sources, feeds, articles with all
their revisions, stories and assignments, mirrored-media records) into the
PostgreSQL database DSN, keeping IDs, after migrating its schema. The
SQLite file is only read; stop the hub first, or what it writes during the
copy is missing and the verification says so. Interrupted (Ctrl-C, a killed
process), the same command resumes where it stopped. At the end both sides'
row counts and content checksums are compared per table; any difference
exits with status 1. Mirrored image files are not copied: point the new
configuration's media_dir at the same directory.

DSN is a postgres:// URL; a search_path parameter selects the schema.`

func migrateSQLiteToPostgres(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "migrate sqlite-to-postgres", sqliteToPostgresSynopsis)
	from := fs.String("from", "", "SQLite archive to copy (default: the database of the configuration)")
	cfgPath := configFlag(fs)
	to := fs.String("to", "", "PostgreSQL database to copy into (required)")
	batch := fs.Int("batch", transfer.DefaultBatchSize, "rows per transaction")
	force := fs.Bool("force", false, "copy even into a database that holds a different hub's sources")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	switch {
	case fs.NArg() != 0:
		fmt.Fprintf(sio.err, "unexpected argument %q\n", fs.Arg(0))
	case *to == "":
		fmt.Fprintln(sio.err, "--to is required")
	case *batch <= 0:
		fmt.Fprintln(sio.err, "--batch must be positive")
	default:
		return copySQLiteToPostgres(ctx, sio, *from, *cfgPath, *to, *batch, *force)
	}
	fs.Usage()
	return errUsage
}

func copySQLiteToPostgres(ctx context.Context, sio stdio, from, cfgPath, to string, batch int, force bool) error {
	if from == "" {
		cfg, err := loadConfig(cfgPath)
		if err != nil {
			return err
		}
		if cfg.PostgreSQL() {
			return errors.New("the configured database is already PostgreSQL: name the SQLite archive with --from")
		}
		from = cfg.Database
	}
	src, err := transfer.OpenSQLite(ctx, from)
	if err != nil {
		return err
	}
	defer src.Close()
	dst, err := postgres.Open(ctx, to)
	if err != nil {
		return err
	}
	defer dst.Close()

	fmt.Fprintf(sio.out, "copying %s into %s\n", from, describeDSN(to))
	pp := &progressPrinter{w: sio.out, terminal: isTerminal(sio.out), now: time.Now, every: 10 * time.Second}
	tr := &transfer.Transfer{Src: src, Dst: dst.Pool(), BatchSize: batch, Force: force, Progress: pp.update, Now: time.Now}
	start := time.Now()
	if err := tr.Copy(ctx); err != nil {
		pp.endLine()
		switch {
		case ctx.Err() != nil:
			return fmt.Errorf("interrupted (%v): run the same command again to resume where it stopped", err)
		case errors.Is(err, transfer.ErrDifferentHub):
			return fmt.Errorf("%w; copy into an empty database (or schema), or pass --force to copy anyway", err)
		}
		return err
	}
	fmt.Fprintf(sio.out, "copied in %s; verifying\n", time.Since(start).Round(time.Millisecond))
	checks, err := tr.Verify(ctx)
	if err != nil {
		return err
	}
	bad := printChecks(sio.out, checks)
	if bad > 0 {
		return fmt.Errorf("verification failed: %d of %d tables differ between the SQLite archive and PostgreSQL", bad, len(checks))
	}
	fmt.Fprintf(sio.out, "verified: every table has the same rows and content on both sides\n")
	return nil
}

// describeDSN names the target without its password.
func describeDSN(dsn string) string {
	cfg, err := pgconn.ParseConfig(dsn)
	if err != nil {
		return "PostgreSQL"
	}
	s := fmt.Sprintf("postgres %s@%s:%d/%s", cfg.User, cfg.Host, cfg.Port, cfg.Database)
	if sp := cfg.RuntimeParams["search_path"]; sp != "" {
		s += " (schema " + sp + ")"
	}
	return s
}

// printChecks prints the verification table and returns how many tables
// differ.
func printChecks(w io.Writer, checks []transfer.Check) int {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tSQLITE ROWS\tPOSTGRES ROWS\tSQLITE CHECKSUM\tPOSTGRES CHECKSUM\t")
	bad := 0
	for _, c := range checks {
		verdict := "ok"
		if !c.OK() {
			verdict = "DIFFERS"
			bad++
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\t%s\n", c.Table, c.SourceRows, c.TargetRows, short(c.SourceSum), short(c.TargetSum), verdict)
	}
	tw.Flush()
	return bad
}

func short(sum string) string { return sum[:min(len(sum), 16)] }

// progressPrinter shows each table's copy: on a terminal one line that
// rewrites itself, else a line every so often and one when a table is done.
type progressPrinter struct {
	w        io.Writer
	terminal bool
	now      func() time.Time
	every    time.Duration // plain output: time between lines of one table

	last    time.Time
	pending bool // a terminal line without its newline yet
}

// redraw is how often a terminal line is rewritten at most.
const redraw = 100 * time.Millisecond

func (p *progressPrinter) update(pr transfer.Progress) {
	now := p.now()
	line := formatProgress(pr)
	switch {
	case pr.Finished && p.terminal:
		fmt.Fprintf(p.w, "\r\033[K%s\n", line)
		p.pending = false
	case pr.Finished:
		fmt.Fprintln(p.w, line)
	case pr.Copied == 0 && pr.Skipped == 0:
		// A table starting: time the next line from here.
		p.last = now
		if p.terminal {
			fmt.Fprintf(p.w, "\r\033[K%s", line)
			p.pending = true
		}
	case p.terminal && now.Sub(p.last) >= redraw:
		fmt.Fprintf(p.w, "\r\033[K%s", line)
		p.last, p.pending = now, true
	case !p.terminal && now.Sub(p.last) >= p.every:
		fmt.Fprintln(p.w, line)
		p.last = now
	}
}

// endLine ends a terminal line left open by an interrupted table.
func (p *progressPrinter) endLine() {
	if p.pending {
		fmt.Fprintln(p.w)
		p.pending = false
	}
}

func formatProgress(p transfer.Progress) string {
	pct := 100.0
	if p.Total > 0 {
		pct = 100 * float64(p.Done) / float64(p.Total)
	}
	s := fmt.Sprintf("%-18s %10d / %-10d %5.1f%%  %8.0f rows/s", p.Table, p.Done, p.Total, pct, p.Rate())
	if !p.Finished {
		return s
	}
	s += fmt.Sprintf("  done in %s", p.Elapsed.Round(time.Millisecond))
	if p.Resumed > 0 {
		s += fmt.Sprintf(", %d copied before", p.Resumed)
	}
	if p.Skipped > 0 {
		s += fmt.Sprintf(", %d already in the target (skipped)", p.Skipped)
	}
	return s
}
