package main

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

func TestPercentile(t *testing.T) {
	ms := func(xs ...int) []time.Duration {
		out := make([]time.Duration, len(xs))
		for i, x := range xs {
			out[i] = time.Duration(x) * time.Millisecond
		}
		return out
	}
	hundred := make([]int, 100)
	for i := range hundred {
		hundred[i] = i + 1
	}
	tests := []struct {
		sorted []time.Duration
		p      float64
		want   time.Duration
	}{
		{nil, 0.5, 0},
		{ms(7), 0.99, 7 * time.Millisecond},
		{ms(1, 2, 3, 4), 0.5, 2 * time.Millisecond}, // nearest rank: ceil(0.5*4) = 2nd
		{ms(hundred...), 0.99, 99 * time.Millisecond},
		{ms(hundred...), 0.50, 50 * time.Millisecond},
		{ms(hundred...), 1, 100 * time.Millisecond},
	}
	for _, tc := range tests {
		if got := percentile(tc.sorted, tc.p); got != tc.want {
			t.Errorf("percentile(%d values, %v) = %s, want %s", len(tc.sorted), tc.p, got, tc.want)
		}
	}
}

func TestRunLoad(t *testing.T) {
	body := strings.Repeat("<p>crosswire</p>\n", 100)
	var served atomic.Int64
	var closes atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("/ok", func(w http.ResponseWriter, r *http.Request) {
		served.Add(1)
		w.Write([]byte(body))
	})
	mux.HandleFunc("/fail", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "no", http.StatusInternalServerError)
	})
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		closes.Add(1)
		w.Header().Set("Connection", "close")
		w.Write([]byte("bye"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "http://")
	ctx := context.Background()

	res, err := runLoad(ctx, addr, "/ok", 4, 50*time.Millisecond, 200*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.requests == 0 || res.errors != 0 {
		t.Fatalf("ok: %d requests, %d errors", res.requests, res.errors)
	}
	if int64(res.requests) > served.Load() {
		t.Errorf("counted %d requests, the server answered only %d", res.requests, served.Load())
	}
	if res.bytes != int64(len(body)) {
		t.Errorf("bytes %d, want %d", res.bytes, len(body))
	}
	if res.p50 <= 0 || res.p50 > res.p99 {
		t.Errorf("p50 %s, p99 %s", res.p50, res.p99)
	}

	res, err = runLoad(ctx, addr, "/fail", 2, 0, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.requests != 0 || res.errors == 0 {
		t.Errorf("fail: %d requests, %d errors; want 0 and some", res.requests, res.errors)
	}

	// A server that closes every connection: the generator reconnects.
	res, err = runLoad(ctx, addr, "/close", 2, 0, 100*time.Millisecond)
	if err != nil {
		t.Fatal(err)
	}
	if res.requests < 2 || res.errors != 0 {
		t.Errorf("close: %d requests, %d errors", res.requests, res.errors)
	}
}

func TestRunLoadRefused(t *testing.T) {
	addr, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	if _, err := runLoad(context.Background(), addr, "/", 2, 0, 50*time.Millisecond); err == nil {
		t.Error("no error when nothing listens")
	}
}
