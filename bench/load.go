package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"slices"
	"sync"
	"time"
)

// loadResult is what one URL did under load.
type loadResult struct {
	requests int
	errors   int
	elapsed  time.Duration
	bytes    int64 // body bytes of one response
	p50, p99 time.Duration
}

func (r loadResult) rate() float64 {
	if r.elapsed <= 0 {
		return 0
	}
	return float64(r.requests) / r.elapsed.Seconds()
}

// runLoad keeps conns keep-alive HTTP/1.1 connections to addr busy with GET
// path, one request at a time each, for warm (not counted) and then d, and
// reports the rate and latency percentiles of the counted requests. It
// speaks HTTP on raw connections (net/http's ReadResponse) so that the
// generator costs as little CPU as possible: it shares the machine with
// the server it measures. A response other than 200 counts as an error.
func runLoad(ctx context.Context, addr, path string, conns int, warm, d time.Duration) (loadResult, error) {
	req := []byte(fmt.Sprintf("GET %s HTTP/1.1\r\nHost: %s\r\nUser-Agent: crosswire-bench\r\n\r\n", path, addr))
	start := time.Now()
	measureFrom := start.Add(warm)
	end := measureFrom.Add(d)

	type worker struct {
		lat    []time.Duration
		errors int
		bytes  int64
		err    error
	}
	ws := make([]worker, conns)
	var wg sync.WaitGroup
	for i := range ws {
		w := &ws[i]
		w.lat = make([]time.Duration, 0, 4096)
		wg.Go(func() {
			var (
				conn net.Conn
				br   *bufio.Reader
			)
			defer func() {
				if conn != nil {
					conn.Close()
				}
			}()
			dialer := net.Dialer{Timeout: 5 * time.Second}
			for ctx.Err() == nil {
				if conn == nil {
					c, err := dialer.DialContext(ctx, "tcp", addr)
					if err != nil {
						w.err = err
						return
					}
					conn, br = c, bufio.NewReaderSize(c, 64<<10)
				}
				t0 := time.Now()
				if t0.After(end) {
					return
				}
				_ = conn.SetDeadline(t0.Add(30 * time.Second))
				n, status, closeConn, err := roundTrip(conn, br, req)
				t1 := time.Now()
				counted := !t0.Before(measureFrom) && !t1.After(end)
				if err != nil || status != http.StatusOK {
					if counted {
						w.errors++
					}
					if err != nil || closeConn {
						conn.Close()
						conn = nil
					}
					continue
				}
				if closeConn {
					conn.Close()
					conn = nil
				}
				if counted {
					w.lat = append(w.lat, t1.Sub(t0))
					w.bytes = n
				}
			}
		})
	}
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return loadResult{}, err
	}
	var all []time.Duration
	res := loadResult{elapsed: d}
	for _, w := range ws {
		if w.err != nil && len(w.lat) == 0 {
			return res, fmt.Errorf("load %s: %w", path, w.err)
		}
		all = append(all, w.lat...)
		res.errors += w.errors
		res.bytes = max(res.bytes, w.bytes)
	}
	res.requests = len(all)
	slices.Sort(all)
	res.p50, res.p99 = percentile(all, 0.50), percentile(all, 0.99)
	return res, nil
}

// roundTrip writes one request and reads its whole response, returning
// the body size, the status and whether the server closes the connection.
func roundTrip(conn net.Conn, br *bufio.Reader, req []byte) (int64, int, bool, error) {
	if _, err := conn.Write(req); err != nil {
		return 0, 0, true, err
	}
	resp, err := http.ReadResponse(br, nil)
	if err != nil {
		return 0, 0, true, err
	}
	n, err := io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return n, resp.StatusCode, true, err
	}
	return n, resp.StatusCode, resp.Close, nil
}

// percentile is the nearest-rank percentile of sorted durations.
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	i := int(math.Ceil(float64(len(sorted))*p)) - 1
	return sorted[min(max(i, 0), len(sorted)-1)]
}
