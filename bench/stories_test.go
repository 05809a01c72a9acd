package main

import (
	"math"
	"testing"
)

func TestParseStoryBench(t *testing.T) {
	out := `goos: linux
goarch: amd64
pkg: crosswire/story
cpu: Intel(R) Xeon(R) Processor
BenchmarkGroup/articles=10000-2         	       1	 401000000 ns/op	     40100 ns/article	       812.0 live-stories	     30000 terms
BenchmarkGroup/articles=10000-2         	       1	 399000000 ns/op	     39900 ns/article	       812.0 live-stories	     30000 terms
BenchmarkGroup/articles=10000-2         	       1	 500000000 ns/op	     50000 ns/article	       812.0 live-stories	     30000 terms
BenchmarkGroup/articles=100000-2        	       1	4200000000 ns/op	     42000 ns/article	       900.0 live-stories	     31000 terms
BenchmarkDense/arrival-2                	       1	 900000000 ns/op	     30000 ns/article	      1000 live-stories
BenchmarkAddAfter/archive=10000-2       	  100000	     12000 ns/op
PASS
ok  	crosswire/story	12.3s
`
	got := parseStoryBench(out)
	if len(got) != 3 {
		t.Fatalf("got %d results: %+v", len(got), got)
	}
	want := []storyResult{
		{name: "Group/articles=10000", nsPerArt: 40100, runs: 3, liveStory: 812},
		{name: "Group/articles=100000", nsPerArt: 42000, runs: 1, liveStory: 900},
		{name: "Dense/arrival", nsPerArt: 30000, runs: 1, liveStory: 1000},
	}
	for i, w := range want {
		if got[i] != w {
			t.Errorf("result %d = %+v, want %+v", i, got[i], w)
		}
	}
	if r := got[0].rate(); math.Abs(r-1e9/40100) > 1e-6 {
		t.Errorf("rate %f", r)
	}
}

func TestMedian(t *testing.T) {
	for _, tc := range []struct {
		xs   []float64
		want float64
	}{{nil, 0}, {[]float64{3}, 3}, {[]float64{5, 1, 3}, 3}, {[]float64{4, 1, 3, 2}, 2.5}} {
		if got := median(tc.xs); got != tc.want {
			t.Errorf("median(%v) = %v, want %v", tc.xs, got, tc.want)
		}
	}
}
