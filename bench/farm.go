package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"time"
)

// farm is a running feedfarm.
type farm struct {
	url     string // http://127.0.0.1:PORT
	feeds   int
	latency time.Duration
	cmd     *exec.Cmd
	command string
	client  *http.Client
}

// farmStats is the part of feedfarm's /stats the report uses.
type farmStats struct {
	Seconds              float64          `json:"seconds"`
	Epoch                int              `json:"epoch"`
	Requests             int64            `json:"requests"`
	Status200            int64            `json:"status_200"`
	Status304            int64            `json:"status_304"`
	BytesSent            int64            `json:"bytes_sent"`
	GzipResponses        int64            `json:"gzip_responses"`
	ConditionalRequests  int64            `json:"conditional_requests"`
	FeedFetches          int64            `json:"feed_fetches"`
	DistinctFeedsFetched int              `json:"distinct_feeds_fetched"`
	MaxFetchesOneFeed    int              `json:"max_fetches_one_feed"`
	InFlight             int64            `json:"in_flight"`
	MaxInFlight          int64            `json:"max_in_flight"`
	ByStatus             map[string]int64 `json:"by_status"`
	ByKind               map[string]int64 `json:"by_kind"`
}

// advanceResult is /advance's answer.
type advanceResult struct {
	Epoch             int `json:"epoch"`
	FeedsChanged      int `json:"feeds_changed"`
	ItemsAdded        int `json:"items_added"`
	HealthyItemsAdded int `json:"healthy_items_added"`
}

// freePort asks the kernel for a free loopback port. Another process could
// take it before the child binds it; on this loopback-only harness that
// race is theoretical, and a failed start says so.
func freePort() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// startFarm starts feedfarm with every feed prewarmed (rendering stays
// out of the measurement) and waits until it answers.
func startFarm(ctx context.Context, bin, logDir string, feeds, items int, latency time.Duration, base string) (*farm, error) {
	addr, err := freePort()
	if err != nil {
		return nil, err
	}
	args := []string{"-addr", addr, "-feeds", fmt.Sprint(feeds), "-items", fmt.Sprint(items),
		"-latency", latency.String(), "-prewarm", "-base", base, "-seed", "1"}
	logf, err := os.Create(filepath.Join(logDir, fmt.Sprintf("feedfarm-%d-%s.log", feeds, latency)))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	if err := cmd.Start(); err != nil {
		logf.Close()
		return nil, fmt.Errorf("start feedfarm: %w", err)
	}
	logf.Close() // the child holds its own descriptor
	f := &farm{
		url: "http://" + addr, feeds: feeds, latency: latency, cmd: cmd,
		command: commandLine(nil, bin, args),
		client:  &http.Client{Timeout: time.Minute},
	}
	// Prewarming 10k feeds takes tens of seconds on a busy machine.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		if _, err := f.stats(ctx, false); err == nil {
			return f, nil
		}
		if time.Now().After(deadline) || ctx.Err() != nil {
			f.stop()
			return nil, fmt.Errorf("feedfarm did not answer on %s (see %s)", addr, logf.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func (f *farm) stop() {
	if f.cmd.Process != nil {
		_ = f.cmd.Process.Kill()
		_ = f.cmd.Wait()
	}
}

func (f *farm) getJSON(ctx context.Context, path string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url+path, nil)
	if err != nil {
		return err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("feedfarm %s: %s", path, resp.Status)
	}
	return json.NewDecoder(resp.Body).Decode(v)
}

// stats reads the counters; reset zeroes them in the same call.
func (f *farm) stats(ctx context.Context, reset bool) (farmStats, error) {
	var s farmStats
	p := "/stats"
	if reset {
		p += "?reset=1"
	}
	err := f.getJSON(ctx, p, &s)
	return s, err
}

func (f *farm) advance(ctx context.Context, frac float64) (advanceResult, error) {
	var a advanceResult
	err := f.getJSON(ctx, fmt.Sprintf("/advance?frac=%g", frac), &a)
	return a, err
}

// download saves a farm URL to a file (the OPML subscription list).
func (f *farm) download(ctx context.Context, path, file string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.url+path, nil)
	if err != nil {
		return err
	}
	resp, err := f.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("feedfarm %s: %s", path, resp.Status)
	}
	out, err := os.Create(file)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, resp.Body); err != nil {
		out.Close()
		return err
	}
	return out.Close()
}
