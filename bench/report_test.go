package main

import (
	"errors"
	"regexp"
	"strings"
	"testing"
	"time"
)

func TestFetchSummary(t *testing.T) {
	// The line `crosswire fetch` prints (cmd/crosswire/fetch.go).
	line := "polled 1000 feeds in 34.482s: 999 ok (12 not modified), 1 failed; 29970 new articles, 3 new revisions\n"
	m := fetchSummary.FindStringSubmatch(line)
	if m == nil {
		t.Fatal("no match")
	}
	want := []string{"1000", "34.482s", "999", "12", "1", "29970", "3"}
	for i, w := range want {
		if m[i+1] != w {
			t.Errorf("group %d = %q, want %q", i+1, m[i+1], w)
		}
	}
}

func round(name string, wall time.Duration, polls, arts int, cpu time.Duration, rssMB int64) roundResult {
	return roundResult{name: name, wall: wall, inside: wall, stored: -1, polls: polls, newArts: arts, hubCPU: cpu,
		pgCPU: -1, pgOwn: -1, rss: rssMB << 20, stats: farmStats{Requests: int64(polls), FeedFetches: int64(polls), Status200: int64(polls)}}
}

func TestReportTargets(t *testing.T) {
	fast := &scenario{backend: "sqlite", feeds: 1000, latency: 0, runs: [][]roundResult{
		{round("cold", 5*time.Second, 1000, 30000, 10*time.Second, 50), round("unchanged", 400*time.Millisecond, 1000, 0, time.Second, 30), round("changed", 2*time.Second, 1000, 200, time.Second, 40)},
		{round("cold", 7*time.Second, 1000, 30000, 12*time.Second, 60), round("unchanged", 600*time.Millisecond, 1000, 0, time.Second, 30), round("changed", 3*time.Second, 1000, 200, time.Second, 40)},
		{round("cold", 6*time.Second, 1000, 30000, 11*time.Second, 55), round("unchanged", 500*time.Millisecond, 1000, 0, time.Second, 30), round("changed", 4*time.Second, 1000, 200, time.Second, 40)},
	}}
	slow := &scenario{backend: "sqlite", feeds: 1000, latency: 20 * time.Millisecond, runs: [][]roundResult{
		{round("cold", 6*time.Second, 1000, 30000, 10*time.Second, 50), round("unchanged", 2*time.Second, 1000, 0, time.Second, 30), round("changed", 5*time.Second, 1000, 200, time.Second, 40)},
	}}
	pgRound := round("cold", 50*time.Second, 1000, 30000, 25*time.Second, 220)
	pgRound.wait, pgRound.stored = 100*time.Millisecond, 10*time.Second+100*time.Millisecond
	workers := &scenario{backend: "postgres", feeds: 1000, procs: 1, runs: [][]roundResult{{pgRound}}}
	failed := &scenario{backend: "postgres", feeds: 1000, procs: 2, err: errors.New("connection refused\nat | somewhere")}
	r := &report{scenarios: []*scenario{fast, slow, workers, failed}}
	var b strings.Builder
	r.write(&b)
	out := b.String()

	// Medians of three runs, with the range of the wall time.
	if !strings.Contains(out, "| cold | 6.00 [5.00–7.00] | 6.00 | – |") {
		t.Errorf("no median and range of the cold round:\n%s", out)
	}
	verdicts := map[string]string{
		"SQLite 1000 feeds: cold ingest rate":             "met",  // 30000/6s = 5000/s
		"SQLite 1000 feeds: cold ingest CPU":              "met",  // 11 s
		"SQLite 1000 feeds: unchanged round":              "met",  // 1000/0.5s
		"SQLite 1000 feeds: changed round":                "miss", // 3 s
		"SQLite 1000 feeds: unchanged round at 20ms vs 0": "miss", // 4x
		"SQLite 1000 feeds: cold round at 20ms vs 0":      "met",  // 1x
		"SQLite 1000 feeds: peak RSS":                     "met",  // 55 MB
	}
	for what, v := range verdicts {
		re := regexp.MustCompile(regexp.QuoteMeta(what) + `[^|]*\|[^|]*\|[^|]*\| (met|miss) \|`)
		m := re.FindStringSubmatch(out)
		if m == nil {
			t.Errorf("no target row %q", what)
			continue
		}
		if m[1] != v {
			t.Errorf("%s: %s, want %s", what, m[1], v)
		}
	}
	// Phases: 0.1 s to the first request, 10 s of polling (100 feeds/s,
	// 3000 articles/s), 39.9 s of grouping after.
	if !strings.Contains(out, "| PostgreSQL, 1 worker | 1000 | 0s | cold | 0.10 | 10.00 | 100 | 3000 | 39.90 |") {
		t.Errorf("no phase row of the worker round:\n%s", out)
	}
	if !strings.Contains(out, "| PostgreSQL, 2 workers | 1000 | 0s | failed: connection refused at / somewhere |") {
		t.Errorf("the failed scenario is not one table row:\n%s", out)
	}
}
