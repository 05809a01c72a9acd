package main

import (
	"context"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
)

// profileTop is the digest of one CPU profile.
type profileTop struct {
	title  string
	total  float64 // seconds of samples
	wall   string  // pprof's Duration
	stages []stageCost
	flat   string // pprof -top
}

// stageCost is the cumulative CPU of one pipeline stage's entry function.
type stageCost struct {
	stage string
	fn    string
	cum   float64 // seconds
}

type stage struct{ stage, fn string }

// ingestStages are the pipeline's entry points, outermost first; they nest
// (grouping's store writes are inside grouping), so they do not add up.
var ingestStages = []stage{
	{"whole poll (fetch, parse, clean, store)", "crosswire/ingest.(*Pipeline).poll"},
	{"HTTP fetch", "crosswire/fetch.(*Client).Get"},
	{"feed parsing", "crosswire/feed.Parse"},
	{"article building: sanitize, plain text, excerpt", "crosswire/ingest.toArticle"},
	{"full text of teaser items (article pages)", "crosswire/ingest.(*Pipeline).prepare"},
	{"storing articles (SQLite)", "crosswire/sqlite.(*Store).SaveArticles"},
	{"storing articles (PostgreSQL)", "crosswire/postgres.(*Store).SaveArticles"},
	{"saving feed state (SQLite)", "crosswire/sqlite.(*Store).SaveFeedState"},
	{"saving feed state (PostgreSQL)", "crosswire/postgres.(*Store).SaveFeedState"},
	{"story grouping, all of it", "crosswire/ingest.(*Grouping).GroupPending"},
	{"  in memory: story.Grouper.Add", "crosswire/story.(*Grouper).Add"},
	{"  stored: AssignArticles (SQLite)", "crosswire/sqlite.(*Store).AssignArticles"},
	{"  stored: AssignArticles (PostgreSQL)", "crosswire/postgres.(*Store).AssignArticles"},
	{"loading the grouper's state at start", "crosswire/ingest.(*Grouping).load"},
	{"SQLite statement compilation (inside the store rows above)", "modernc.org/sqlite.(*conn).prepareV2"},
	{"SQLite bytecode execution (inside the store rows above)", "modernc.org/sqlite/lib._sqlite3VdbeExec"},
	{"garbage collector (background marking)", "runtime.gcBgMarkWorker"},
}

// serveStages are where a request's CPU goes in `crosswire serve`.
var serveStages = []stage{
	{"every HTTP connection (dynamic and static)", "net/http.(*conn).serve"},
	{"the site: middleware and handlers", "crosswire/web.(*Server).serve"},
	{"page cache lookup or render", "crosswire/web.(*pageCache).do"},
	{"home page rendering (misses)", "crosswire/web.(*Server).renderHome"},
	{"writing a cached response", "crosswire/web.(*response).write"},
	{"store: last change (cache validation)", "crosswire/sqlite.(*Store).LastChange"},
	{"access log", "log/slog.(*Logger).LogAttrs"},
	{"static files (/files/)", "net/http.(*fileHandler).ServeHTTP"},
	{"system calls (read, write, epoll)", "internal/runtime/syscall/linux.Syscall6"},
	{"garbage collector (background marking)", "runtime.gcBgMarkWorker"},
}

var (
	pprofLine  = regexp.MustCompile(`^\s*\S+\s+\S+%\s+\S+%\s+([0-9.]+)(ms|s)\s+\S+%\s+(.+?)(?: \(inline\))?$`)
	pprofTotal = regexp.MustCompile(`Total samples = ([0-9.]+)(ms|s)`)
	pprofDur   = regexp.MustCompile(`Duration: ([^,\s]+)`)
)

// parseCum reads `go tool pprof -top -cum` output into cumulative seconds
// by function.
func parseCum(out string) (map[string]float64, float64, string) {
	cum := map[string]float64{}
	var total float64
	var dur string
	if m := pprofTotal.FindStringSubmatch(out); m != nil {
		total = seconds(m[1], m[2])
	}
	if m := pprofDur.FindStringSubmatch(out); m != nil {
		dur = m[1]
	}
	for _, line := range strings.Split(out, "\n") {
		m := pprofLine.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		cum[m[3]] = max(cum[m[3]], seconds(m[1], m[2]))
	}
	return cum, total, dur
}

func seconds(v, unit string) float64 {
	x, err := strconv.ParseFloat(v, 64)
	if err != nil {
		return 0
	}
	if unit == "ms" {
		return x / 1000
	}
	return x
}

// addProfile puts pprof's view of a profile in the report: the stages'
// cumulative CPU and the top functions by their own CPU.
func (h *harness) addProfile(ctx context.Context, title string, stages []stage, file string) {
	p := profileTop{title: title}
	cumOut, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-cum", "-nodecount=500", h.crosswire, file).Output()
	if err != nil {
		h.logf("pprof: %v", err)
		return
	}
	flatOut, err := exec.CommandContext(ctx, "go", "tool", "pprof", "-top", "-nodecount=25", h.crosswire, file).Output()
	if err != nil {
		h.logf("pprof: %v", err)
		return
	}
	cum, total, dur := parseCum(string(cumOut))
	p.total, p.wall = total, dur
	for _, s := range stages {
		if c, ok := cum[s.fn]; ok {
			p.stages = append(p.stages, stageCost{s.stage, s.fn, c})
		}
	}
	p.flat = trimPprof(string(flatOut))
	h.rep.profiles = append(h.rep.profiles, p)
	h.rep.addCommand("go tool pprof -top [-cum] crosswire " + filepath.Base(file))
	if h.opt.keep {
		h.logf("profile kept at %s", file)
	}
}

// trimPprof drops pprof's header lines up to the table's.
func trimPprof(s string) string {
	lines := strings.Split(strings.TrimSpace(s), "\n")
	for i, l := range lines {
		if strings.Contains(l, "flat%") {
			return strings.Join(lines[i:], "\n")
		}
	}
	return s
}
