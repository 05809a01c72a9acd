package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"time"
)

// servingResult compares one page served by the hub with the same bytes
// served as a static file by the same binary.
type servingResult struct {
	feeds    int
	page     string // home, article, feed.xml
	path     string
	dyn, st  loadResult
	dynCPU   time.Duration // server CPU per request
	stCPU    time.Duration
	articles int
	load     string
}

var articleLink = regexp.MustCompile(`href="(/articles/[^"/?#]+)"`)

// runServing starts `crosswire serve --no-poll --files DIR` on the hub an
// ingest scenario left, saves the home page, one article page and
// /feed.xml into DIR, and loads each next to its static copy.
func (h *harness) runServing(ctx context.Context, feeds int, hubDir string) error {
	cfg := filepath.Join(hubDir, "hub.yaml")
	files := filepath.Join(hubDir, "files")
	if err := os.MkdirAll(files, 0o755); err != nil {
		return err
	}
	addr, err := freePort()
	if err != nil {
		return err
	}
	logf, err := os.Create(filepath.Join(hubDir, "serve.log"))
	if err != nil {
		return err
	}
	defer logf.Close()
	args := []string{"serve", "--no-poll", "--config", cfg, "--listen", addr, "--files", files}
	cmd := exec.Command(h.crosswire, args...)
	cmd.Stdout, cmd.Stderr = logf, logf
	profile := ""
	if h.opt.profile {
		profile = filepath.Join(hubDir, "serve.prof")
		cmd.Env = append(os.Environ(), "CROSSWIRE_CPUPROFILE="+profile)
	}
	h.logf("serving benchmark, %d feeds: %s", feeds, commandLine(nil, h.crosswire, args))
	if err := cmd.Start(); err != nil {
		return err
	}
	stopped := false
	stop := func() {
		if stopped {
			return
		}
		stopped = true
		_ = cmd.Process.Signal(syscall.SIGTERM)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(15 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	}
	defer stop()
	if profile != "" {
		h.rep.addCommand("CROSSWIRE_CPUPROFILE=serve.prof crosswire serve --no-poll --config hub.yaml --listen 127.0.0.1:PORT --files files/")
	} else {
		h.rep.addCommand("crosswire serve --no-poll --config hub.yaml --listen 127.0.0.1:PORT --files files/")
	}

	base := "http://" + addr
	client := &http.Client{Timeout: 30 * time.Second, Transport: &http.Transport{DisableCompression: true}}
	deadline := time.Now().Add(time.Minute)
	for {
		if body, err := get(ctx, client, base+"/healthz"); err == nil && body != nil {
			break
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("serve did not answer on %s (see %s)", addr, logf.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
	home, err := get(ctx, client, base+"/")
	if err != nil {
		return err
	}
	m := articleLink.FindSubmatch(home)
	if m == nil {
		return fmt.Errorf("no article link on the home page")
	}
	pages := []struct{ name, path, file string }{
		{"home page", "/", "home.html"},
		{"article page", string(m[1]), "article.html"},
		{"/feed.xml", "/feed.xml", "feed.xml"},
	}
	for _, p := range pages {
		body, err := get(ctx, client, base+p.path)
		if err != nil {
			return err
		}
		if err := os.WriteFile(filepath.Join(files, p.file), body, 0o644); err != nil {
			return err
		}
	}
	warm := min(2*time.Second, h.opt.serveFor/5)
	for _, p := range pages {
		r := servingResult{feeds: feeds, page: p.name, path: p.path, load: loadAvg()}
		for i, path := range []string{p.path, "/files/" + p.file} {
			h.logf("  load %s for %s (%d connections)", path, h.opt.serveFor, h.opt.conns)
			cpu0, _, _ := procCPU(cmd.Process.Pid)
			lr, err := runLoad(ctx, addr, path, h.opt.conns, warm, h.opt.serveFor)
			if err != nil {
				return err
			}
			cpu1, _, _ := procCPU(cmd.Process.Pid)
			var perReq time.Duration
			if lr.requests > 0 {
				// The warm-up's requests cost CPU too: divide by all of them
				// at the measured rate.
				perReq = time.Duration(float64(cpu1-cpu0) / (lr.rate() * (warm + h.opt.serveFor).Seconds()))
			}
			if i == 0 {
				r.dyn, r.dynCPU = lr, perReq
			} else {
				r.st, r.stCPU = lr, perReq
			}
			h.logf("  %s: %.0f req/s, p50 %s, p99 %s, %d errors, %d bytes", path, lr.rate(), lr.p50, lr.p99, lr.errors, lr.bytes)
		}
		h.rep.serving = append(h.rep.serving, r)
	}
	if profile != "" {
		stop() // the profile is written at exit
		h.addProfile(ctx, fmt.Sprintf("serving (`crosswire serve`, %d feeds, every load above: dynamic and static)", feeds), serveStages, profile)
	}
	return nil
}

func get(ctx context.Context, c *http.Client, u string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: %s: %s", u, resp.Status, tail(strings.TrimSpace(string(b)), 200))
	}
	return b, nil
}
