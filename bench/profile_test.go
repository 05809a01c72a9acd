package main

import "testing"

func TestParseCum(t *testing.T) {
	out := `File: crosswire
Type: cpu
Duration: 34.51s, Total samples = 40.67s (117.86%)
Showing nodes accounting for 5.06s, 12.44% of 40.67s total
      flat  flat%   sum%        cum   cum%
         0     0%     0%     35.88s 88.22%  crosswire/schedule.(*Runner).pollOne
     0.01s 0.025% 0.025%     35.80s 88.03%  crosswire/ingest.(*Pipeline).poll
     0.02s 0.049% 0.074%     25.99s 63.90%  crosswire/ingest.(*Grouping).Assign
     0.07s  0.17%  4.45%      350ms  0.86%  slices.pdqsortCmpFunc[go.shape.*uint8]
     0.35s  0.86%  5.43%      3.70s  9.10%  modernc.org/sqlite/lib._sqlite3VdbeExec
     0.50s  1.23% 39.71%      0.55s  1.35%  golang.org/x/net/html.(*Tokenizer).readByte (inline)
`
	cum, total, dur := parseCum(out)
	if total != 40.67 || dur != "34.51s" {
		t.Errorf("total %v, duration %q", total, dur)
	}
	for fn, want := range map[string]float64{
		"crosswire/ingest.(*Pipeline).poll":           35.80,
		"crosswire/ingest.(*Grouping).Assign":         25.99,
		"slices.pdqsortCmpFunc[go.shape.*uint8]":      0.35,
		"golang.org/x/net/html.(*Tokenizer).readByte": 0.55,
	} {
		if got := cum[fn]; got != want {
			t.Errorf("%s: %v, want %v", fn, got, want)
		}
	}
}
