package main

import (
	"bufio"
	"context"
	"fmt"
	"os/exec"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// storyResult is one story-grouping benchmark: the median of its runs.
type storyResult struct {
	name      string // the benchmark's sub-name, e.g. articles=10000
	nsPerArt  float64
	runs      int
	liveStory float64
}

func (s storyResult) rate() float64 {
	if s.nsPerArt <= 0 {
		return 0
	}
	return 1e9 / s.nsPerArt
}

// runStories runs the story package's grouping benchmarks: BenchmarkGroup
// (a whole synthetic archive of 10k and 100k articles through one
// story.Grouper, the code the live pipeline and `crosswire stories group`
// use) and, when the package has it, BenchmarkDense (a feedfarm-shaped
// cold ingest, where every article lands within a few days).
func (h *harness) runStories(ctx context.Context) error {
	var sizes []string
	for _, n := range h.opt.storySizes {
		sizes = append(sizes, strconv.Itoa(n))
	}
	count := max(3, h.opt.repeat)
	// -bench splits its pattern at slashes, one part per level of
	// sub-benchmarks.
	pattern := fmt.Sprintf("^Benchmark(Group|Dense)$/^(articles=(%s)|arrival|published)$", strings.Join(sizes, "|"))
	args := []string{"test", "-run", "^$", "-bench", pattern, "-benchtime", "1x", "-count", strconv.Itoa(count), "./story"}
	h.logf("story grouping: go %s", strings.Join(args, " "))
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = h.root
	start := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		return fmt.Errorf("go %s: %w\n%s", strings.Join(args, " "), err, tail(string(out), 2000))
	}
	h.rep.addCommand("go " + strings.Join(quoteArgs(args), " "))
	res := parseStoryBench(string(out))
	if len(res) == 0 {
		return fmt.Errorf("no ns/article in the benchmark output:\n%s", tail(string(out), 2000))
	}
	h.rep.stories = res
	h.rep.storiesLoad = loadAvg()
	h.logf("story grouping done in %s", time.Since(start).Round(time.Second))
	return nil
}

func quoteArgs(args []string) []string {
	out := make([]string, len(args))
	for i, a := range args {
		if strings.ContainsAny(a, "^$|()*? ") {
			a = "'" + a + "'"
		}
		out[i] = a
	}
	return out
}

var benchLine = regexp.MustCompile(`^Benchmark(\S+?)(?:-\d+)?\s+\d+\s+(.*)$`)

// parseStoryBench reads `go test -bench` output and returns, per
// benchmark, the median ns/article of its runs, in first-seen order.
func parseStoryBench(out string) []storyResult {
	type acc struct {
		ns, live []float64
	}
	byName := map[string]*acc{}
	var order []string
	sc := bufio.NewScanner(strings.NewReader(out))
	for sc.Scan() {
		m := benchLine.FindStringSubmatch(strings.TrimSpace(sc.Text()))
		if m == nil {
			continue
		}
		metrics := map[string]float64{}
		f := strings.Fields(m[2])
		for i := 0; i+1 < len(f); i += 2 {
			if v, err := strconv.ParseFloat(f[i], 64); err == nil {
				metrics[f[i+1]] = v
			}
		}
		ns, ok := metrics["ns/article"]
		if !ok {
			continue
		}
		a := byName[m[1]]
		if a == nil {
			a = &acc{}
			byName[m[1]] = a
			order = append(order, m[1])
		}
		a.ns = append(a.ns, ns)
		a.live = append(a.live, metrics["live-stories"])
	}
	var res []storyResult
	for _, name := range order {
		a := byName[name]
		res = append(res, storyResult{name: name, nsPerArt: median(a.ns), runs: len(a.ns), liveStory: median(a.live)})
	}
	return res
}

func median(xs []float64) float64 {
	if len(xs) == 0 {
		return 0
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
