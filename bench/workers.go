package main

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// worker is one `crosswire serve --role worker` process.
type worker struct {
	cmd  *exec.Cmd
	log  string
	done chan struct{}
	err  error
}

// startWorker starts worker i; with profile set, it CPU-profiles its whole
// life into that file (written when it stops).
func (h *harness) startWorker(dir, cfg string, i int, profile string) (*worker, error) {
	logPath := filepath.Join(dir, fmt.Sprintf("worker-%d.log", i))
	logf, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	defer logf.Close()
	cmd := exec.Command(h.crosswire, "serve", "--role", "worker", "--config", cfg)
	cmd.Stdout, cmd.Stderr = logf, logf
	if profile != "" {
		cmd.Env = append(os.Environ(), "CROSSWIRE_CPUPROFILE="+profile)
	}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start worker: %w", err)
	}
	w := &worker{cmd: cmd, log: logPath, done: make(chan struct{})}
	go func() { w.err = cmd.Wait(); close(w.done) }()
	return w, nil
}

func (w *worker) exited() bool {
	select {
	case <-w.done:
		return true
	default:
		return false
	}
}

func (w *worker) stop() {
	if w.exited() {
		return
	}
	_ = w.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-w.done:
	case <-time.After(20 * time.Second):
		_ = w.cmd.Process.Kill()
		<-w.done
	}
}

func (w *worker) cpu() time.Duration {
	d, _, _ := procCPU(w.cmd.Process.Pid)
	return d
}

// workerRounds drives the PostgreSQL scenario with River worker processes
// (`crosswire serve --role worker`), which stay up across the rounds.
//
// A round starts at its trigger: for the cold round, the start of the
// workers (the import left every feed due, and each worker gives every
// feed without a job one at start); for the others, every feed made due at
// once, by moving the feeds' next poll to now and their scheduled poll
// jobs to available (see triggerRound). A round ends when the store has recorded a poll of every
// feed since the trigger (last_poll_at; a failed poll counts, and is
// reported), no poll job is left available or running (each has inserted
// its successor, which the next trigger moves), and no article is left
// without a story (grouping is a job of its own on workers). Without failures that is also when feedfarm's
// /stats shows every feed fetched once more.
func (h *harness) workerRounds(ctx context.Context, sc *scenario, fm *farm, cfg, dir string, pg *pgBench) ([]roundResult, error) {
	if h.rep.machine.pgVersion == "" {
		h.rep.machine.pgVersion = pg.serverVersion(ctx)
	}
	local := isLocal(h.opt.pgDSN)
	var workers []*worker
	// The first worker of the first PostgreSQL scenario of each size is
	// profiled over its three rounds (the cold one dominates).
	profile := ""
	if h.opt.profile && !h.profiledPG[sc.feeds] {
		h.profiledPG[sc.feeds] = true
		profile = filepath.Join(dir, fmt.Sprintf("worker-%d.prof", sc.feeds))
	}
	defer func() {
		for _, w := range workers {
			w.stop()
		}
		if profile != "" && len(workers) > 0 {
			h.addProfile(ctx, fmt.Sprintf("PostgreSQL worker 0 of %d, its three rounds (%d feeds, latency %s)", sc.procs, sc.feeds, sc.latency), ingestStages, profile)
		}
	}()
	var out []roundResult
	for _, name := range []string{"cold", "unchanged", "changed"} {
		r := roundResult{name: name, pgCPU: -1, pgOwn: -1, load: loadAvg()}
		if name == "changed" {
			a, err := fm.advance(ctx, 0.1)
			if err != nil {
				return out, err
			}
			r.adv = &a
		}
		if _, err := fm.stats(ctx, true); err != nil {
			return out, err
		}
		arts0, err := pg.count(ctx, `SELECT count(*) FROM articles`)
		if err != nil {
			return out, err
		}
		cpu0 := make([]time.Duration, len(workers))
		for i, w := range workers {
			cpu0[i] = w.cpu()
		}
		var pgc pgCPU
		if local {
			pgc = startPGCPU()
		}
		h.logf("  %s round", name)
		t0 := time.Now().Truncate(time.Millisecond)
		if name == "cold" {
			for i := range sc.procs {
				p := ""
				if i == 0 {
					p = profile
				}
				w, err := h.startWorker(dir, cfg, i, p)
				if err != nil {
					return out, err
				}
				workers = append(workers, w)
				cpu0 = append(cpu0, 0)
			}
			h.rep.addCommand("crosswire serve --role worker --config hub.yaml   # x " + fmt.Sprint(sc.procs))
		} else if err := pg.triggerRound(ctx, t0); err != nil {
			return out, err
		}
		first, end, ph, err := h.waitRound(ctx, fm, pg, workers, sc.feeds, t0)
		if err != nil {
			return out, fmt.Errorf("%s round: %w", name, err)
		}
		r.wall, r.inside, r.wait, r.stored = end.Sub(t0), end.Sub(first), first.Sub(t0), ph.stored
		h.logf("  %s: every feed fetched at +%s (0: not all), polls stored at +%s, grouped at +%s", name, ph.fetched.Round(time.Millisecond), ph.stored.Round(time.Millisecond), r.wall.Round(time.Millisecond))
		if r.stats, err = fm.stats(ctx, true); err != nil {
			return out, err
		}
		for i, w := range workers {
			r.hubCPU += w.cpu() - cpu0[i]
			if rss, err := procPeakRSS(w.cmd.Process.Pid); err == nil {
				r.rss = max(r.rss, rss)
			}
		}
		if local {
			own, err := pg.ownPIDs(ctx)
			if err != nil {
				own = nil
			}
			r.pgCPU, r.pgOwn = pgc.since(own)
		}
		arts1, err := pg.count(ctx, `SELECT count(*) FROM articles`)
		if err != nil {
			return out, err
		}
		r.newArts = arts1 - arts0
		if err := pg.conn.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE last_error <> '') FROM feeds WHERE last_poll_at >= $1`, t0).Scan(&r.polls, &r.failed); err != nil {
			return out, err
		}
		out = append(out, r)
		h.logf("  %s: %s (first request after %s), %d polls (%d failed), %d new, %d 200s, %d 304s, max in flight %d, workers cpu %s, pg cpu %s (hub's %s), rss %d MB", name,
			r.wall.Round(time.Millisecond), r.wait.Round(time.Millisecond), r.polls, r.failed, r.newArts, r.stats.Status200, r.stats.Status304,
			r.stats.MaxInFlight, r.hubCPU.Round(time.Millisecond), fmtDur(r.pgCPU), fmtDur(r.pgOwn), r.rss>>20)
	}
	return out, nil
}

// triggerRound makes every feed due now: the feeds' next poll and their
// poll jobs, which it moves to available and announces on River's insert
// channel, as River's scheduler would at its next tick (up to 5 s away:
// a wait that belongs to no round).
func (p *pgBench) triggerRound(ctx context.Context, now time.Time) error {
	tx, err := p.conn.Begin(ctx)
	if err != nil {
		return err
	}
	defer func() { _ = tx.Rollback(context.WithoutCancel(ctx)) }()
	if _, err := tx.Exec(ctx, `UPDATE feeds SET next_poll_at = $1`, now); err != nil {
		return fmt.Errorf("trigger round: %w", err)
	}
	if _, err := tx.Exec(ctx, `UPDATE river_job SET scheduled_at = $1, state = 'available' WHERE kind = 'poll_feed' AND state = 'scheduled'`, now); err != nil {
		return fmt.Errorf("trigger round: %w", err)
	}
	// River's listeners prefix the channel with the schema they run in.
	if _, err := tx.Exec(ctx, `SELECT pg_notify(current_schema() || '.river_insert', '{"queue": "poll"}')`); err != nil {
		return fmt.Errorf("trigger round: %w", err)
	}
	return tx.Commit(ctx)
}

// waitRound waits for the end of a worker round (see workerRounds) and
// returns when the farm saw the first request and when the round ended.
// The farm's counters are read every 10 ms (control endpoints are not
// counted in /stats); the database every 200 ms, and every 10 ms once the
// farm has seen every feed.
func (h *harness) waitRound(ctx context.Context, fm *farm, pg *pgBench, workers []*worker, feeds int, t0 time.Time) (first, end time.Time, ph phases, err error) {
	deadline := t0.Add(h.opt.roundTimeout)
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	var lastDB time.Time
	for {
		select {
		case <-ctx.Done():
			return first, end, ph, ctx.Err()
		case <-tick.C:
		}
		now := time.Now()
		for _, w := range workers {
			if w.exited() {
				b, _ := os.ReadFile(w.log)
				return first, end, ph, fmt.Errorf("a worker exited (%v): %s", w.err, tail(string(b), 1500))
			}
		}
		st, err := fm.stats(ctx, false)
		if err != nil {
			return first, end, ph, err
		}
		if first.IsZero() && st.Requests > 0 {
			// The request began at most one tick ago.
			first = now.Add(-5 * time.Millisecond)
		}
		if ph.fetched == 0 && st.DistinctFeedsFetched >= feeds {
			ph.fetched = now.Sub(t0)
		}
		if now.After(deadline) {
			polled, _ := pg.count(ctx, `SELECT count(*) FROM feeds WHERE last_poll_at >= $1`, t0)
			return first, end, ph, fmt.Errorf("not done after %s: the farm saw %d of %d feeds, the store recorded %d polls", h.opt.roundTimeout, st.DistinctFeedsFetched, feeds, polled)
		}
		if ph.fetched == 0 && now.Sub(lastDB) < 200*time.Millisecond {
			continue
		}
		lastDB = now
		if ph.stored == 0 {
			polled, err := pg.count(ctx, `SELECT count(*) FROM feeds WHERE last_poll_at >= $1`, t0)
			if err != nil {
				return first, end, ph, err
			}
			if polled < feeds {
				continue
			}
			ph.stored = now.Sub(t0)
		}
		// Every poll job done with its successor in place (a job that
		// recorded its feed may still be completing), and every article in
		// a story.
		var busy int
		var ungrouped bool
		if err := pg.conn.QueryRow(ctx, `SELECT
			(SELECT count(*) FROM river_job WHERE kind = 'poll_feed' AND state IN ('available', 'pending', 'running', 'retryable')),
			EXISTS (SELECT 1 FROM articles WHERE story_id IS NULL)`).Scan(&busy, &ungrouped); err != nil {
			return first, end, ph, err
		}
		if busy == 0 && !ungrouped {
			return first, time.Now(), ph, nil
		}
	}
}

// phases are when, after the trigger, the farm had seen every feed and
// the store had recorded every poll.
type phases struct{ fetched, stored time.Duration }

var errNoRoles = errors.New("this crosswire has no `serve --role worker`")

// hasRoles reports whether the built crosswire runs worker processes.
func (h *harness) hasRoles(ctx context.Context) bool {
	out, _ := exec.CommandContext(ctx, h.crosswire, "serve", "--help").CombinedOutput()
	return strings.Contains(string(out), "-role")
}
