package main

import (
	"fmt"
	"io"
	"slices"
	"strings"
	"time"
)

type report struct {
	machine     machine
	args        []string
	commands    []string
	notes       []string
	scenarios   []*scenario
	serving     []servingResult
	stories     []storyResult
	storiesLoad string
	profiles    []profileTop
}

func (r *report) addCommand(c string) {
	if !slices.Contains(r.commands, c) {
		r.commands = append(r.commands, c)
	}
}

// agg is one round of a scenario over its repeated runs.
type agg struct {
	name  string
	runs  []roundResult
	first roundResult
}

func (a agg) med(f func(roundResult) float64) float64 {
	xs := make([]float64, len(a.runs))
	for i, r := range a.runs {
		xs[i] = f(r)
	}
	return median(xs)
}

func (a agg) span(f func(roundResult) float64) (lo, hi float64) {
	lo, hi = f(a.runs[0]), f(a.runs[0])
	for _, r := range a.runs[1:] {
		lo, hi = min(lo, f(r)), max(hi, f(r))
	}
	return lo, hi
}

func (s *scenario) rounds() []agg {
	var out []agg
	for _, run := range s.runs {
		for i, r := range run {
			if i == len(out) {
				out = append(out, agg{name: r.name, first: r})
			}
			out[i].runs = append(out[i].runs, r)
		}
	}
	return out
}

func secs(d time.Duration) float64 { return d.Seconds() }

func wallOf(r roundResult) float64    { return secs(r.wall) }
func feedsPerS(r roundResult) float64 { return float64(r.polls) / max(secs(r.wall), 1e-9) }
func artsPerS(r roundResult) float64  { return float64(r.newArts) / max(secs(r.wall), 1e-9) }

func fmtDur(d time.Duration) string {
	if d < 0 {
		return "n/a"
	}
	return fmt.Sprintf("%.2f", d.Seconds())
}

func (r *report) write(w io.Writer) {
	m := r.machine
	fmt.Fprintf(w, "# crosswire benchmark results\n\n")
	fmt.Fprintf(w, "- date: %s; tree: %s\n", m.date, orDash(m.commit))
	fmt.Fprintf(w, "- machine: %d CPUs (%s), %s RAM, Linux %s, %s\n", m.cpus, m.cpuModel, m.memory, m.kernel, m.goVersion)
	if m.pgVersion != "" {
		fmt.Fprintf(w, "- PostgreSQL: %s\n", m.pgVersion)
	}
	fmt.Fprintf(w, "- load average (1/5/15 min) at start: %s; at end: %s\n", m.loadStart, m.loadEnd)
	fmt.Fprintf(w, "- command: `%s`\n", strings.Join(r.args, " "))
	for _, n := range r.notes {
		fmt.Fprintf(w, "- note: %s\n", n)
	}
	if len(r.scenarios) > 0 {
		r.writeIngest(w)
		r.writePhases(w)
		r.writeTargets(w)
	}
	if len(r.serving) > 0 {
		r.writeServing(w)
	}
	if len(r.stories) > 0 {
		fmt.Fprintf(w, "\n## Story grouping\n\n")
		fmt.Fprintf(w, "The story package's benchmarks (`go test -bench`): one `story.Grouper` fed a whole synthetic archive, the code the live pipeline and `crosswire stories group` run. Median of the runs; load average at the end: %s.\n\n", r.storiesLoad)
		fmt.Fprintf(w, "| benchmark | articles/s | µs/article | live stories | runs |\n|---|---:|---:|---:|---:|\n")
		for _, s := range r.stories {
			fmt.Fprintf(w, "| %s | %.0f | %.1f | %.0f | %d |\n", s.name, s.rate(), s.nsPerArt/1e3, s.liveStory, s.runs)
		}
	}
	for _, p := range r.profiles {
		fmt.Fprintf(w, "\n## CPU profile: %s\n\n", p.title)
		fmt.Fprintf(w, "`CROSSWIRE_CPUPROFILE`: %.1f CPU s sampled over %s. Cumulative CPU of each stage's entry function (stages nest, so they do not add up):\n\n", p.total, p.wall)
		fmt.Fprintf(w, "| stage | function | CPU s | share |\n|---|---|---:|---:|\n")
		for _, s := range p.stages {
			fmt.Fprintf(w, "| %s | `%s` | %.2f | %.0f%% |\n", s.stage, s.fn, s.cum, 100*s.cum/max(p.total, 1e-9))
		}
		fmt.Fprintf(w, "\nTop functions by their own CPU (`go tool pprof -top`):\n\n```\n%s\n```\n", p.flat)
	}
	fmt.Fprintf(w, "\n## Commands run\n\n```\n%s\n```\n", strings.Join(r.commands, "\n"))
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (r *report) writeIngest(w io.Writer) {
	fmt.Fprintf(w, "\n## Ingest rounds\n\n")
	fmt.Fprintf(w, "Each scenario: a fresh feedfarm and database, `crosswire sources import` of the farm's OPML, then three rounds: **cold** (every feed new), **unchanged** (every feed answers 304), **changed** (after `/advance?frac=0.1`). ")
	fmt.Fprintf(w, "Wall, rates, CPU, RSS: median over runs (wall range in brackets when repeated); farm counters: first run. ")
	fmt.Fprintf(w, "\"polling s\" is `crosswire fetch`'s own timer (without process start and database open) or, for workers, first request to the end of the round; \"polls stored s\" (workers) is trigger to every poll recorded, before grouping caught up.\n\n")
	fmt.Fprintf(w, "| store | feeds | latency | round | wall s | polling s | polls stored s | feeds/s | new articles | articles/s | hub CPU s | PG CPU s (hub's / all) | peak RSS MB | 200 | 304 | requests | max in flight | MB sent | runs | load at start |\n")
	fmt.Fprintf(w, "|---|---:|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	for _, s := range r.scenarios {
		if len(s.runs) == 0 {
			fmt.Fprintf(w, "| %s | %d | %s | failed: %s ||||||||||||||||\n", s.label(), s.feeds, s.latency, oneLine(s.err))
			continue
		}
		for _, a := range s.rounds() {
			f := a.first
			wall := fmt.Sprintf("%.2f", a.med(wallOf))
			if len(a.runs) > 1 {
				lo, hi := a.span(wallOf)
				wall += fmt.Sprintf(" [%.2f–%.2f]", lo, hi)
			}
			pg := "–"
			if f.pgCPU >= 0 {
				pg = fmt.Sprintf("%s / %s", fmtDur(time.Duration(a.med(func(r roundResult) float64 { return float64(r.pgOwn) }))),
					fmtDur(time.Duration(a.med(func(r roundResult) float64 { return float64(r.pgCPU) }))))
			}
			round := a.name
			if f.adv != nil {
				round += fmt.Sprintf(" (%d feeds, %d items)", f.adv.FeedsChanged, f.adv.ItemsAdded)
			}
			stored := "–"
			if f.stored >= 0 {
				stored = fmt.Sprintf("%.2f", a.med(func(r roundResult) float64 { return secs(r.stored) }))
			}
			fmt.Fprintf(w, "| %s | %d | %s | %s | %s | %.2f | %s | %.0f | %.0f | %.0f | %.2f | %s | %.0f | %d | %d | %d | %d | %.1f | %d | %s |\n",
				s.label(), s.feeds, s.latency, round, wall,
				a.med(func(r roundResult) float64 { return secs(r.inside) }), stored,
				a.med(feedsPerS), a.med(func(r roundResult) float64 { return float64(r.newArts) }), a.med(artsPerS),
				a.med(func(r roundResult) float64 { return secs(r.hubCPU) }), pg,
				a.med(func(r roundResult) float64 { return float64(r.rss) / (1 << 20) }),
				f.stats.Status200, f.stats.Status304, f.stats.Requests, f.stats.MaxInFlight, float64(f.stats.BytesSent)/(1<<20),
				len(a.runs), f.load)
		}
	}
	for _, s := range r.scenarios {
		for _, a := range s.rounds() {
			f := a.first
			if f.failed > 0 || f.stats.Status200+f.stats.Status304 != f.stats.Requests || f.stats.FeedFetches != f.stats.Requests {
				fmt.Fprintf(w, "\n- %s, %d feeds, latency %s, %s round: %d polls failed; farm statuses %v, requests by kind %v", s.label(), s.feeds, s.latency, a.name, f.failed, f.stats.ByStatus, f.stats.ByKind)
			}
		}
	}
	fmt.Fprintln(w)
}

// writePhases splits the worker rounds: the wait for the first request
// (the workers fetching the jobs the trigger made available), the polls
// themselves, and grouping catching up.
func (r *report) writePhases(w io.Writer) {
	var rows []string
	for _, s := range r.scenarios {
		for _, a := range s.rounds() {
			if a.first.stored < 0 {
				continue
			}
			poll := func(r roundResult) float64 { return secs(r.stored - r.wait) }
			rows = append(rows, fmt.Sprintf("| %s | %d | %s | %s | %.2f | %.2f | %.0f | %.0f | %.2f |",
				s.label(), s.feeds, s.latency, a.name,
				a.med(func(r roundResult) float64 { return secs(r.wait) }), a.med(poll),
				a.med(func(r roundResult) float64 { return float64(r.polls) / max(poll(r), 1e-9) }),
				a.med(func(r roundResult) float64 { return float64(r.newArts) / max(poll(r), 1e-9) }),
				a.med(func(r roundResult) float64 { return secs(r.wall - r.stored) })))
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n## Worker rounds, phase by phase\n\n")
	fmt.Fprintf(w, "Trigger to first request (the workers fetching the jobs the trigger made available), first request to every poll recorded (the rates are over this phase), and from there until grouping caught up.\n\n")
	fmt.Fprintf(w, "| store | feeds | latency | round | to first request s | polling s | feeds/s | new articles/s | grouping tail s |\n|---|---:|---:|---|---:|---:|---:|---:|---:|\n")
	fmt.Fprintln(w, strings.Join(rows, "\n"))
}

func oneLine(err error) string {
	if err == nil {
		return "no rounds"
	}
	s := strings.ReplaceAll(err.Error(), "\n", " ")
	s = strings.ReplaceAll(s, "|", "/")
	return tail(s, 300)
}

// writeTargets checks issue 5's targets against the medians.
func (r *report) writeTargets(w io.Writer) {
	type key struct {
		backend string
		feeds   int
		latency time.Duration
		procs   int
	}
	rounds := map[key][]agg{}
	var sizes []int
	for _, s := range r.scenarios {
		if len(s.runs) == 0 {
			continue
		}
		rounds[key{s.backend, s.feeds, s.latency, s.procs}] = s.rounds()
		if !slices.Contains(sizes, s.feeds) {
			sizes = append(sizes, s.feeds)
		}
	}
	get := func(k key, name string) (agg, bool) {
		for _, a := range rounds[k] {
			if a.name == name {
				return a, true
			}
		}
		return agg{}, false
	}
	type row struct{ what, target, got, verdict string }
	var rows []row
	check := func(what, target string, got float64, unit string, ok bool) {
		v := "miss"
		if ok {
			v = "met"
		}
		rows = append(rows, row{what, target, fmt.Sprintf("%.2f %s", got, unit), v})
	}
	for _, n := range sizes {
		k := key{"sqlite", n, 0, 0}
		if a, ok := get(k, "cold"); ok {
			check(fmt.Sprintf("SQLite %d feeds: cold ingest rate", n), ">= 5000 articles/s", a.med(artsPerS), "articles/s", a.med(artsPerS) >= 5000)
			if n == 1000 {
				cpu := a.med(func(r roundResult) float64 { return secs(r.hubCPU) })
				check("SQLite 1000 feeds: cold ingest CPU (hub; the database is in it)", "<= 18.7 s (Miniflux 57 + PostgreSQL 317 CPU s, / 20)", cpu, "CPU s", cpu <= 18.7)
			}
		}
		if a, ok := get(k, "unchanged"); ok {
			check(fmt.Sprintf("SQLite %d feeds: unchanged round", n), ">= 2000 feeds/s", a.med(feedsPerS), "feeds/s", a.med(feedsPerS) >= 2000)
		}
		if a, ok := get(k, "changed"); ok && n == 1000 {
			check("SQLite 1000 feeds: changed round", "<= 1 s", a.med(wallOf), "s", a.med(wallOf) <= 1)
		}
		for _, lat := range []time.Duration{20 * time.Millisecond} {
			for _, name := range []string{"cold", "unchanged", "changed"} {
				a0, ok0 := get(k, name)
				a1, ok1 := get(key{"sqlite", n, lat, 0}, name)
				if ok0 && ok1 {
					ratio := a1.med(wallOf) / a0.med(wallOf)
					check(fmt.Sprintf("SQLite %d feeds: %s round at %s vs 0", n, name, lat), "<= 2x", ratio, "x", ratio <= 2)
				}
			}
		}
		limit := 64.0
		if n > 1000 {
			limit = 160
		}
		var peak float64
		for kk, as := range rounds {
			if kk.backend == "sqlite" && kk.feeds == n {
				for _, a := range as {
					peak = max(peak, a.med(func(r roundResult) float64 { return float64(r.rss) / (1 << 20) }))
				}
			}
		}
		if peak > 0 && (n == 1000 || n == 10000) {
			check(fmt.Sprintf("SQLite %d feeds: peak RSS", n), fmt.Sprintf("<= %.0f MB", limit), peak, "MB", peak <= limit)
		}
		for _, lat := range []time.Duration{0, 20 * time.Millisecond} {
			for _, name := range []string{"cold", "unchanged", "changed"} {
				sq, ok0 := get(key{"sqlite", n, lat, 0}, name)
				pg, ok1 := get(key{"postgres", n, lat, 2}, name)
				if ok0 && ok1 {
					check(fmt.Sprintf("PostgreSQL 2 workers, %d feeds, latency %s: %s round wall vs SQLite", n, lat, name),
						"<= SQLite's", pg.med(wallOf)/sq.med(wallOf), "x SQLite's", pg.med(wallOf) <= sq.med(wallOf))
				}
			}
		}
	}
	if len(rows) == 0 {
		return
	}
	fmt.Fprintf(w, "\n## Issue 5's targets (medians above)\n\n| what | target | measured | |\n|---|---|---:|---|\n")
	for _, rw := range rows {
		fmt.Fprintf(w, "| %s | %s | %s | %s |\n", rw.what, rw.target, rw.got, rw.verdict)
	}
}

func (r *report) writeServing(w io.Writer) {
	fmt.Fprintf(w, "\n## Serving\n\n")
	fmt.Fprintf(w, "`crosswire serve --no-poll --files DIR` on the SQLite hub of the first cold ingest; the built-in load generator keeps N keep-alive HTTP/1.1 connections busy (no gzip asked) and runs on the same machine. ")
	fmt.Fprintf(w, "\"static\" is the same bytes, saved from the page, served by the same binary under /files/. CPU/request is the server's.\n\n")
	fmt.Fprintf(w, "| feeds | page | bytes | req/s | p50 ms | p99 ms | CPU µs/req | static req/s | static p50 ms | static p99 ms | static CPU µs/req | ratio (req/s) | errors | load at start |\n")
	fmt.Fprintf(w, "|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n")
	ms := func(d time.Duration) float64 { return float64(d) / 1e6 }
	for _, s := range r.serving {
		ratio := 0.0
		if s.st.rate() > 0 {
			ratio = s.dyn.rate() / s.st.rate()
		}
		fmt.Fprintf(w, "| %d | %s (`%s`) | %d | %.0f | %.2f | %.2f | %.0f | %.0f | %.2f | %.2f | %.0f | %.2f | %d | %s |\n",
			s.feeds, s.page, s.path, s.dyn.bytes, s.dyn.rate(), ms(s.dyn.p50), ms(s.dyn.p99), float64(s.dynCPU)/1e3,
			s.st.rate(), ms(s.st.p50), ms(s.st.p99), float64(s.stCPU)/1e3, ratio, s.dyn.errors+s.st.errors, s.load)
	}
}
