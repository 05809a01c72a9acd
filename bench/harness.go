package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

type harness struct {
	opt  *options
	root string
	tmp  string
	log  io.Writer
	rep  *report

	crosswire  string // built binaries
	feedfarm   string
	seq        int
	profiled   map[int]bool // sizes whose cold ingest was profiled
	profiledPG map[int]bool // sizes whose PostgreSQL worker was profiled
}

func (h *harness) logf(format string, args ...any) {
	fmt.Fprintf(h.log, "bench: "+format+"\n", args...)
}

// roundResult is one round of polls.
type roundResult struct {
	name    string // cold, unchanged, changed
	wall    time.Duration
	inside  time.Duration // SQLite: fetch's own "polled in" time; workers: first request to done
	wait    time.Duration // workers: trigger to the first request (River's scheduler)
	stored  time.Duration // workers: trigger to every poll recorded (grouping may still run); -1 for fetch
	polls   int           // feed polls the hub reported (or the farm saw, for workers)
	newArts int
	revs    int
	failed  int
	hubCPU  time.Duration
	pgCPU   time.Duration // every postgres process; -1 when not on PostgreSQL
	pgOwn   time.Duration // the hub's backends and the server's auxiliary processes
	rss     int64         // peak RSS of the hub process (largest of the workers)
	stats   farmStats
	adv     *advanceResult
	load    string // load average when the round started
}

// scenario is one store, size, latency and process count, run opt.repeat
// times with a fresh database each.
type scenario struct {
	backend string // sqlite or postgres
	feeds   int
	latency time.Duration
	procs   int // worker processes (PostgreSQL); 0: `crosswire fetch`
	runs    [][]roundResult
	imports []time.Duration
	err     error
}

func (s *scenario) label() string {
	if s.backend == "sqlite" {
		return "SQLite, crosswire fetch"
	}
	return fmt.Sprintf("PostgreSQL, %d worker%s", s.procs, plural(s.procs))
}

func plural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

func (h *harness) runAll(ctx context.Context) error {
	if err := h.build(ctx); err != nil {
		return err
	}
	var errs []error
	if h.feedfarm != "" {
		for _, n := range h.opt.feeds {
			served := false
			for _, lat := range h.opt.latencies {
				for _, be := range h.opt.backends {
					procs := []int{0}
					if be == "postgres" {
						procs = h.opt.procs
					}
					for _, p := range procs {
						sc := &scenario{backend: be, feeds: n, latency: lat, procs: p}
						h.rep.scenarios = append(h.rep.scenarios, sc)
						repeat := h.opt.repeat
						if be == "postgres" {
							repeat = h.opt.pgRepeat
						}
						for r := range repeat {
							hubDir, err := h.runScenario(ctx, sc, r)
							if err != nil {
								sc.err = err
								errs = append(errs, fmt.Errorf("%s, %d feeds, latency %s: %w", sc.label(), n, lat, err))
								h.logf("%s, %d feeds, latency %s: %v", sc.label(), n, lat, err)
								break
							}
							if be == "sqlite" && h.opt.serve && !served {
								served = true
								if err := h.runServing(ctx, n, hubDir); err != nil {
									errs = append(errs, fmt.Errorf("serving, %d feeds: %w", n, err))
									h.logf("serving, %d feeds: %v", n, err)
								}
							}
							if ctx.Err() != nil {
								return errors.Join(append(errs, ctx.Err())...)
							}
						}
					}
				}
			}
		}
	}
	if h.opt.stories {
		if err := h.runStories(ctx); err != nil {
			errs = append(errs, fmt.Errorf("stories: %w", err))
			h.logf("stories: %v", err)
		}
	}
	return errors.Join(errs...)
}

// build compiles crosswire and, when its sources are there, feedfarm.
func (h *harness) build(ctx context.Context) error {
	h.crosswire = filepath.Join(h.tmp, "crosswire")
	h.logf("building crosswire")
	cmd := exec.CommandContext(ctx, "go", "build", "-o", h.crosswire, "./cmd/crosswire")
	cmd.Dir = h.root
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build crosswire: %w\n%s", err, out)
	}
	h.rep.commands = append(h.rep.commands, "go build -o crosswire ./cmd/crosswire")
	if _, err := os.Stat(filepath.Join(h.opt.farmDir, "main.go")); err != nil {
		h.rep.notes = append(h.rep.notes, fmt.Sprintf("feedfarm not found at %s: the ingest and serving benchmarks were skipped.", h.opt.farmDir))
		h.logf("feedfarm not found at %s: skipping the ingest and serving benchmarks", h.opt.farmDir)
		return nil
	}
	h.feedfarm = filepath.Join(h.tmp, "feedfarm")
	h.logf("building feedfarm")
	cmd = exec.CommandContext(ctx, "go", "build", "-o", h.feedfarm, ".")
	cmd.Dir = h.opt.farmDir
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("build feedfarm: %w\n%s", err, out)
	}
	h.rep.commands = append(h.rep.commands, "(cd ../shared/tools/feedfarm && go build -o feedfarm .)")
	return nil
}

// hubConfig writes the hub's configuration; workers is polling.workers.
func (h *harness) hubConfig(dir, database, listen string, workers int) (string, error) {
	cfg := fmt.Sprintf(`# written by crosswire's benchmark harness (bench/)
site:
  title: crosswire bench
  listen: %[1]s
  base_url: http://%[1]s
database: %[2]q
polling:
  workers: %[3]d
  per_host: %[4]d
  allow_private: true
  timeout: 30s
`, listen, database, workers, h.opt.perHost)
	path := filepath.Join(dir, "hub.yaml")
	return path, os.WriteFile(path, []byte(cfg), 0o644)
}

// runScenario runs the three rounds of one scenario with a fresh farm and
// database; it returns the hub's directory (its SQLite database stays for
// the serving benchmark).
func (h *harness) runScenario(ctx context.Context, sc *scenario, rep int) (string, error) {
	h.seq++
	dir := filepath.Join(h.tmp, fmt.Sprintf("hub-%02d-%s-%d-%s-p%d", h.seq, sc.backend, sc.feeds, sc.latency, sc.procs))
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", err
	}
	h.logf("%s, %d feeds, latency %s, run %d: starting feedfarm", sc.label(), sc.feeds, sc.latency, rep+1)
	fm, err := startFarm(ctx, h.feedfarm, dir, sc.feeds, h.opt.items, sc.latency, h.opt.base)
	if err != nil {
		return "", err
	}
	defer fm.stop()
	h.rep.addCommand(strings.Replace(fm.command, "127.0.0.1:"+strings.TrimPrefix(fm.url, "http://127.0.0.1:"), "127.0.0.1:PORT", 1))

	listen, err := freePort()
	if err != nil {
		return "", err
	}
	var db string
	var pg *pgBench
	if sc.backend == "sqlite" {
		db = filepath.Join(dir, "crosswire.db")
	} else {
		if !h.hasRoles(ctx) {
			return "", errNoRoles
		}
		if pg, err = newPGBench(ctx, h.opt.pgDSN, h.seq, h.opt.pgPool); err != nil {
			return "", err
		}
		defer pg.close(ctx, h.opt.keep)
		db = pg.hubDSN
	}
	workers := h.opt.pollWorkers
	if pg != nil {
		workers = h.opt.pgWorkers
	}
	cfg, err := h.hubConfig(dir, db, listen, workers)
	if err != nil {
		return "", err
	}
	opmlFile := filepath.Join(dir, "farm.opml")
	if err := fm.download(ctx, "/opml.xml", opmlFile); err != nil {
		return "", err
	}
	u, err := runMeasured(ctx, nil, h.crosswire, "sources", "import", "--config", cfg, opmlFile)
	if err != nil {
		return "", err
	}
	h.rep.addCommand("curl -s http://127.0.0.1:PORT/opml.xml > farm.opml")
	h.rep.addCommand(strings.Replace(strings.Replace(u.command, cfg, "hub.yaml", 1), opmlFile, "farm.opml", 1))
	sc.imports = append(sc.imports, u.wall)

	var rounds []roundResult
	if sc.backend == "sqlite" {
		rounds, err = h.sqliteRounds(ctx, sc, fm, cfg, dir, rep)
	} else {
		rounds, err = h.workerRounds(ctx, sc, fm, cfg, dir, pg)
	}
	if len(rounds) > 0 {
		sc.runs = append(sc.runs, rounds)
	}
	return dir, err
}

// sqliteRounds: each round is one `crosswire fetch`, which polls every
// feed once and exits.
func (h *harness) sqliteRounds(ctx context.Context, sc *scenario, fm *farm, cfg, dir string, rep int) ([]roundResult, error) {
	var out []roundResult
	for _, name := range []string{"cold", "unchanged", "changed"} {
		var adv *advanceResult
		if name == "changed" {
			a, err := fm.advance(ctx, 0.1)
			if err != nil {
				return out, err
			}
			adv = &a
		}
		profile := ""
		if name == "cold" && rep == 0 && h.opt.profile && !h.profiled[sc.feeds] {
			h.profiled[sc.feeds] = true
			profile = filepath.Join(dir, fmt.Sprintf("cold-%d.prof", sc.feeds))
		}
		h.logf("  %s round", name)
		r, err := h.fetchRound(ctx, fm, cfg, profile)
		if err != nil {
			return out, fmt.Errorf("%s round: %w", name, err)
		}
		r.name, r.adv = name, adv
		out = append(out, r)
		h.logf("  %s: %s, %d polls, %d new, %d 200s, %d 304s, cpu %s, rss %d MB", name,
			r.wall.Round(time.Millisecond), r.polls, r.newArts, r.stats.Status200, r.stats.Status304, r.hubCPU.Round(time.Millisecond), r.rss>>20)
		if profile != "" {
			h.addProfile(ctx, fmt.Sprintf("cold ingest (SQLite, `crosswire fetch`, %d feeds, latency %s)", sc.feeds, sc.latency), ingestStages, profile)
		}
	}
	return out, nil
}

var fetchSummary = regexp.MustCompile(`polled (\d+) feeds in (\S+): (\d+) ok \((\d+) not modified\), (\d+) failed; (\d+) new articles, (\d+) new revisions`)

func (h *harness) fetchRound(ctx context.Context, fm *farm, cfg, profile string) (roundResult, error) {
	r := roundResult{pgCPU: -1, pgOwn: -1, stored: -1, load: loadAvg()}
	if _, err := fm.stats(ctx, true); err != nil {
		return r, err
	}
	var env []string
	if profile != "" {
		env = []string{"CROSSWIRE_CPUPROFILE=" + profile}
	}
	rctx, cancel := context.WithTimeout(ctx, h.opt.roundTimeout)
	defer cancel()
	u, err := runMeasured(rctx, env, h.crosswire, "fetch", "-q", "--config", cfg)
	if err != nil {
		return r, err
	}
	h.rep.addCommand(strings.Replace(u.command, cfg, "hub.yaml", 1))
	if r.stats, err = fm.stats(ctx, true); err != nil {
		return r, err
	}
	r.wall, r.hubCPU, r.rss = u.wall, u.cpu, u.maxRSS
	m := fetchSummary.FindStringSubmatch(u.stdout)
	if m == nil {
		return r, fmt.Errorf("no summary in the output of fetch: %q", tail(u.stdout, 300))
	}
	r.polls, _ = strconv.Atoi(m[1])
	r.inside, _ = time.ParseDuration(m[2])
	r.failed, _ = strconv.Atoi(m[5])
	r.newArts, _ = strconv.Atoi(m[6])
	r.revs, _ = strconv.Atoi(m[7])
	return r, nil
}
