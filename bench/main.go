// Command bench is crosswire's benchmark harness (issue 5, docs/benchmarks.md):
// it builds the hub and feedfarm, drives ingest rounds against the farm on
// SQLite and on PostgreSQL with 1 and 2 worker processes, load-tests the
// site next to the same bytes served as static files, times story grouping,
// and prints a Markdown report with the machine and the exact commands.
//
//	go run ./bench                          # 1k feeds, latency 0 and 20ms, every scenario
//	go run ./bench -feeds 1000,10000 -repeat 3 -out /tmp/bench.md
//
// Everything it starts listens on loopback ports it picks, in a temporary
// directory it removes (unless -keep); each round is bounded by
// -round-timeout.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"
)

type options struct {
	feeds        []int
	latencies    []time.Duration
	backends     []string
	procs        []int // PostgreSQL worker processes per scenario
	repeat       int
	pgRepeat     int
	items        int
	pollWorkers  int
	pgWorkers    int
	perHost      int
	roundTimeout time.Duration
	serve        bool
	serveFor     time.Duration
	conns        int
	stories      bool
	storySizes   []int
	profile      bool
	farmDir      string
	pgDSN        string
	pgPool       int
	out          string
	keep         bool
	base         string
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if err := run(ctx, os.Args[1:], os.Stdout, os.Stderr); err != nil {
		fmt.Fprintf(os.Stderr, "bench: %v\n", err)
		if errors.Is(err, flag.ErrHelp) {
			os.Exit(0)
		}
		os.Exit(1)
	}
}

func parseOptions(args []string, stderr io.Writer) (*options, error) {
	fs := flag.NewFlagSet("bench", flag.ContinueOnError)
	fs.SetOutput(stderr)
	o := &options{}
	feeds := fs.String("feeds", "1000", "feed counts, comma-separated (e.g. 1000,10000)")
	lat := fs.String("latency", "0,20ms", "feedfarm -latency values, comma-separated")
	backends := fs.String("backends", "sqlite,postgres", "stores to run: sqlite, postgres")
	procs := fs.String("procs", "1,2", "PostgreSQL worker processes, comma-separated")
	fs.IntVar(&o.repeat, "repeat", 1, "runs of each ingest scenario (fresh database each); the table shows medians")
	fs.IntVar(&o.pgRepeat, "pg-repeat", 1, "runs of each PostgreSQL scenario (their cold rounds take minutes)")
	fs.IntVar(&o.items, "items", 30, "items per feed")
	fs.IntVar(&o.pollWorkers, "workers", 256, "polling.workers of the hub on SQLite")
	fs.IntVar(&o.pgWorkers, "pg-workers", 64, "polling.workers of each worker process on PostgreSQL (they share -pg-pool connections)")
	fs.IntVar(&o.perHost, "per-host", 256, "polling.per_host of the hub (feedfarm is one host)")
	fs.DurationVar(&o.roundTimeout, "round-timeout", 10*time.Minute, "longest time one round may take")
	fs.BoolVar(&o.serve, "serve", true, "run the serving benchmark (on the first SQLite hub of each size)")
	fs.DurationVar(&o.serveFor, "serve-duration", 10*time.Second, "load-generation time per URL")
	fs.IntVar(&o.conns, "conns", 64, "concurrent keep-alive connections of the load generator")
	fs.BoolVar(&o.stories, "stories", true, "run the story-grouping benchmark")
	sizes := fs.String("story-sizes", "10000,100000", "story grouping archive sizes")
	fs.BoolVar(&o.profile, "profile", true, "CPU-profile the first SQLite cold ingest of each size and the serving benchmark, and put pprof's top costs in the report")
	fs.StringVar(&o.farmDir, "farm", "", "feedfarm source directory (default ../shared/tools/feedfarm beside the module)")
	fs.StringVar(&o.pgDSN, "pg", "", "PostgreSQL DSN (default $CROSSWIRE_TEST_POSTGRES, else postgres://postgres@127.0.0.1:5432/test?sslmode=disable)")
	fs.IntVar(&o.pgPool, "pg-pool", 10, "pool_max_conns of each hub process on PostgreSQL (pgxpool's default is 4)")
	fs.StringVar(&o.out, "out", "", "also write the report to this file")
	fs.BoolVar(&o.keep, "keep", false, "keep the temporary directory (databases, logs, profiles) and the PostgreSQL schemas")
	fs.StringVar(&o.base, "base", "2026-11-01T00:00:00Z", "feedfarm -base (fixed, so runs are comparable)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: go run ./bench [flags]\n\nRuns crosswire's benchmarks and prints a Markdown report (docs/benchmarks.md).\n\nFlags:")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	var err error
	if o.feeds, err = intList(*feeds); err != nil {
		return nil, fmt.Errorf("-feeds: %w", err)
	}
	if o.storySizes, err = intList(*sizes); err != nil {
		return nil, fmt.Errorf("-story-sizes: %w", err)
	}
	if o.procs, err = intList(*procs); err != nil {
		return nil, fmt.Errorf("-procs: %w", err)
	}
	for _, s := range strings.Split(*lat, ",") {
		d, err := time.ParseDuration(strings.TrimSpace(s))
		if err != nil {
			return nil, fmt.Errorf("-latency: %w", err)
		}
		o.latencies = append(o.latencies, d)
	}
	for _, b := range strings.Split(*backends, ",") {
		switch b = strings.TrimSpace(b); b {
		case "sqlite", "postgres":
			o.backends = append(o.backends, b)
		case "":
		default:
			return nil, fmt.Errorf("-backends: unknown backend %q", b)
		}
	}
	if o.repeat < 1 || o.pgRepeat < 1 || o.pollWorkers < 1 || o.pgWorkers < 1 || o.perHost < 1 || o.conns < 1 {
		return nil, errors.New("-repeat, -pg-repeat, -workers, -per-host and -conns must be positive")
	}
	if _, err := time.Parse(time.RFC3339, o.base); err != nil {
		return nil, fmt.Errorf("-base: %w", err)
	}
	if o.pgDSN == "" {
		o.pgDSN = os.Getenv("CROSSWIRE_TEST_POSTGRES")
	}
	if o.pgDSN == "" {
		o.pgDSN = "postgres://postgres@127.0.0.1:5432/test?sslmode=disable"
	}
	return o, nil
}

func intList(s string) ([]int, error) {
	var out []int
	for _, f := range strings.Split(s, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		f = strings.NewReplacer("k", "000", "K", "000", "_", "").Replace(f)
		n, err := strconv.Atoi(f)
		if err != nil || n <= 0 {
			return nil, fmt.Errorf("%q is not a positive count", f)
		}
		out = append(out, n)
	}
	if len(out) == 0 {
		return nil, errors.New("empty list")
	}
	return out, nil
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseOptions(args, stderr)
	if err != nil {
		return err
	}
	root, err := moduleRoot()
	if err != nil {
		return err
	}
	if o.farmDir == "" {
		o.farmDir = filepath.Join(root, "..", "shared", "tools", "feedfarm")
	}
	tmp, err := os.MkdirTemp("", "crosswire-bench-")
	if err != nil {
		return err
	}
	if o.keep {
		fmt.Fprintf(stderr, "bench: working directory %s (kept)\n", tmp)
	} else {
		defer os.RemoveAll(tmp)
	}
	h := &harness{opt: o, root: root, tmp: tmp, log: stderr, rep: &report{}, profiled: map[int]bool{}, profiledPG: map[int]bool{}}
	h.rep.machine = machineInfo(ctx, root)
	h.rep.args = append([]string{"go", "run", "./bench"}, args...)
	err = h.runAll(ctx)
	h.rep.machine.loadEnd = loadAvg()
	var b strings.Builder
	h.rep.write(&b)
	fmt.Fprint(stdout, b.String())
	if o.out != "" {
		if werr := os.WriteFile(o.out, []byte(b.String()), 0o644); werr != nil {
			return errors.Join(err, werr)
		}
	}
	return err
}

// moduleRoot finds the crosswire module's directory from the working
// directory up.
func moduleRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		b, err := os.ReadFile(filepath.Join(dir, "go.mod"))
		if err == nil && strings.HasPrefix(string(b), "module crosswire\n") {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("run the harness inside the crosswire module (go run ./bench)")
		}
		dir = parent
	}
}
