package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync"
	"time"

	"crosswire"
	"crosswire/ingest"
)

func runFetch(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "fetch", "[--config FILE] [--source SLUG]")
	cfgPath := configFlag(fs)
	slug := fs.String("source", "", "poll only this source's feeds")
	quiet := fs.Bool("q", false, "print only the summary")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	log := newLogger(sio.err, slog.LevelError)
	h, err := openHub(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer h.store.Close()
	// A one-shot poll groups the articles it stores itself.
	gr, err := newGrouping(ctx, h.store)
	if err != nil {
		return err
	}

	var sourceID int64
	if *slug != "" {
		src, err := h.store.SourceBySlug(ctx, *slug)
		if err != nil {
			return fmt.Errorf("source %q: %w", *slug, err)
		}
		sourceID = src.ID
	}
	feeds, err := h.store.Feeds(ctx, sourceID)
	if err != nil {
		return err
	}
	if len(feeds) == 0 {
		fmt.Fprintln(sio.out, "no feeds to poll: add sources to the config file or with `crosswire sources add`")
		return nil
	}

	prog := newProgress(sio.err, len(feeds))
	h.runner.OnPoll = func(r crosswire.PollResult) {
		prog.add(r)
		if !*quiet && r.Err != nil {
			prog.printf(sio.out, "error  %s: %v\n", r.URL, r.Err)
		}
	}
	start := time.Now()
	polled := make(chan []crosswire.PollResult, 1)
	go func() { polled <- h.runner.PollAll(ctx, feeds) }()
	results, groupErr := groupAlongside(ctx, gr, polled)
	prog.done()

	var s fetchSummary
	for _, r := range results {
		s.add(r)
	}
	fmt.Fprintf(sio.out, "polled %d feeds in %s: %d ok (%d not modified), %d failed; %d new articles, %d new revisions\n",
		len(results), time.Since(start).Round(time.Millisecond), s.ok, s.notModified, s.failed, s.new, s.updated)
	if ctx.Err() != nil {
		return ctx.Err()
	}
	if groupErr != nil {
		// The articles are stored; the next fetch groups what is left.
		return fmt.Errorf("group articles: %w", groupErr)
	}
	return nil
}

// groupAlongside groups what the polls store while they run (grouping is
// the serial stage, and its batches span polls) and once more after they
// ended, then returns their results. After a grouping error it only waits.
func groupAlongside(ctx context.Context, gr *ingest.Grouping, polled <-chan []crosswire.PollResult) ([]crosswire.PollResult, error) {
	tick := time.NewTicker(50 * time.Millisecond)
	defer tick.Stop()
	var err error
	for {
		select {
		case results := <-polled:
			if err == nil {
				_, _, err = gr.GroupPending(ctx, time.Time{})
			}
			return results, err
		case <-tick.C:
			if err == nil {
				_, _, err = gr.GroupPending(ctx, time.Time{})
			}
		}
	}
}

type fetchSummary struct{ ok, notModified, failed, new, updated int }

func (s *fetchSummary) add(r crosswire.PollResult) {
	if r.Err != nil {
		s.failed++
		return
	}
	s.ok++
	if r.NotModified {
		s.notModified++
	}
	s.new += r.New
	s.updated += r.Updated
}

// progress prints a one-line, self-overwriting progress line when w is a
// terminal, and nothing otherwise (logs and CI stay clean).
type progress struct {
	mu    sync.Mutex
	w     io.Writer
	tty   bool
	total int
	sum   fetchSummary
	last  time.Time
}

func newProgress(w io.Writer, total int) *progress {
	return &progress{w: w, tty: isTerminal(w), total: total}
}

func (p *progress) add(r crosswire.PollResult) {
	p.mu.Lock()
	defer p.mu.Unlock()
	p.sum.add(r)
	if !p.tty || time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	n := p.sum.ok + p.sum.failed
	fmt.Fprintf(p.w, "\r%d/%d feeds  %d new  %d failed ", n, p.total, p.sum.new, p.sum.failed)
}

// printf writes a full line without leaving the progress line mangled.
func (p *progress) printf(w io.Writer, format string, args ...any) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
	fmt.Fprintf(w, format, args...)
}

func (p *progress) done() {
	if p.tty {
		fmt.Fprint(p.w, "\r\033[K")
	}
}
