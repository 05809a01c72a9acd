package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"crosswire/storetest"
)

// TestMultiProcess runs the scaled deployment on this machine's
// PostgreSQL: three worker processes and one web process of the real
// binary against one fresh schema, polling feedfarm's 2000 feeds through
// an initial ingest and three change epochs. In the second epoch one
// worker is killed with SIGKILL mid-round; the others finish the round
// once River rescues the dead worker's jobs. After every round:
//
//   - every article is stored exactly once (the count by key equals
//     feedfarm's items, and no article has a second revision);
//   - no job is lost: feedfarm saw every feed fetched since the round
//     began (distinct_feeds_fetched), and each feed still has one job;
//   - the web process serves the newest article in /feed.xml within a few
//     seconds of its storage.
//
// At the end every article is in a story (one grouper at a time).
func TestMultiProcess(t *testing.T) {
	if testing.Short() {
		t.Skip("multi-process test skipped in -short mode")
	}
	dsn := os.Getenv("CROSSWIRE_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("multi-process test skipped: set CROSSWIRE_TEST_POSTGRES to a database DSN, " +
			"e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable")
	}
	farmDir, err := filepath.Abs(filepath.Join("..", "..", "..", "shared", "tools", "feedfarm"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(farmDir, "go.mod")); err != nil {
		t.Skipf("multi-process test skipped: feedfarm not found at %s (../shared is absent)", farmDir)
	}
	const (
		feeds   = 2000
		items   = 3
		epochs  = 3
		killIn  = 2 // the epoch in which a worker dies
		workers = 3
	)
	ctx := context.Background()
	dir := t.TempDir()
	bin := goBuild(t, ".", filepath.Join(dir, "crosswire"))
	farmBin := goBuild(t, farmDir, filepath.Join(dir, "feedfarm"))

	farmAddr := freeAddr(t)
	// With 100 ms per answer every worker has polls in flight when one is
	// killed.
	farm := startProc(t, dir, "feedfarm", farmBin, "-addr", farmAddr, "-feeds", fmt.Sprint(feeds), "-items", fmt.Sprint(items),
		"-seed", "7", "-latency", "100ms")
	farmURL := "http://" + farmAddr
	waitHTTP(t, farmURL+"/stats", 20*time.Second)
	urls := strings.Fields(string(httpGet(t, farmURL+"/feeds.txt")))
	if len(urls) != feeds {
		t.Fatalf("feedfarm lists %d feeds, want %d", len(urls), feeds)
	}

	schemaDSN := storetest.PostgresDSN(t)
	webAddr := freeAddr(t)
	cfgPath := filepath.Join(dir, "hub.yaml")
	// A small pool: the machine's PostgreSQL serves other tests too, and
	// each worker holds three more sessions (River's listener, the host
	// slots, the grouper lock).
	writeConfig(t, cfgPath, schemaDSN+"&pool_max_conns=4", webAddr, urls)
	db, err := pgx.Connect(ctx, schemaDSN)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close(ctx)

	web := startProc(t, dir, "web", bin, "serve", "--config", cfgPath, "--role", "web")
	waitHTTP(t, "http://"+webAddr+"/readyz", 60*time.Second)
	var ws []*proc
	for i := range workers {
		ws = append(ws, startProc(t, dir, fmt.Sprintf("worker%d", i+1), bin, "serve", "--config", cfgPath, "--role", "worker"))
	}
	procs := append([]*proc{farm, web}, ws...)
	// Every wait below also fails at once when a process died unasked.
	await := func(t *testing.T, what string, timeout time.Duration, cond func() bool) {
		t.Helper()
		waitCond(t, what, timeout, func() bool {
			for _, p := range procs {
				if p.exited() && !p.killed {
					t.Fatalf("%s exited while waiting for %s", p.name, what)
				}
			}
			return cond()
		})
	}
	defer func() {
		if t.Failed() {
			for _, p := range procs {
				t.Logf("--- %s log (tail):\n%s", p.name, p.tail(30))
			}
		}
	}()

	round := func(name string, want int, kill *proc) {
		t.Helper()
		began := time.Now()
		if kill != nil {
			// Mid-round: some of this round's polls are done, some in flight.
			await(t, name+": half the round", 60*time.Second, func() bool {
				return farmStats(t, farmURL).DistinctFeedsFetched >= feeds/2
			})
			kill.killed = true
			if err := kill.cmd.Process.Signal(syscall.SIGKILL); err != nil {
				t.Fatal(err)
			}
			<-kill.done
			killed := time.Now()
			t.Logf("%s: killed %s after %s", name, kill.name, killed.Sub(began).Round(time.Millisecond))
			// Jobs still running two seconds later that began before the
			// kill are the dead worker's (the others' polls take
			// milliseconds): River must run them again, not lose them.
			time.Sleep(2 * time.Second)
			orphans := ids(t, db, `SELECT id FROM river_job WHERE kind = 'poll_feed' AND state = 'running' AND attempted_at < $1`, killed)
			if len(orphans) == 0 {
				t.Errorf("%s: no job of %s was in flight at the kill: the kill tested nothing", name, kill.name)
			}
			defer func() {
				await(t, name+": the dead worker's jobs rescued", 120*time.Second, func() bool {
					return len(ids(t, db, `SELECT id FROM river_job WHERE id = ANY($1) AND state = 'running'`, orphans)) == 0
				})
				if lost := ids(t, db, `SELECT id FROM river_job WHERE id = ANY($1) AND state IN ('discarded', 'cancelled')`, orphans); len(lost) > 0 {
					t.Errorf("%s: orphaned jobs %v given up", name, lost)
				}
				t.Logf("%s: the %d jobs the dead worker had in flight were rescued and run again within %s",
					name, len(orphans), time.Since(killed).Round(time.Second))
			}()
		}
		// River rescues a dead worker's running jobs after its rescue
		// delay and the rescuer's period (30 s): allow for both.
		await(t, name+": every article stored", 150*time.Second, func() bool {
			return count(t, db, `SELECT count(*) FROM articles`) >= want
		})
		stored := time.Now()
		await(t, name+": every feed polled", 150*time.Second, func() bool {
			return farmStats(t, farmURL).DistinctFeedsFetched == feeds
		})
		t.Logf("%s: %d articles in %s, every feed polled after %s", name, want,
			stored.Sub(began).Round(time.Millisecond), time.Since(began).Round(time.Millisecond))
		if n := count(t, db, `SELECT count(*) FROM articles`); n != want {
			t.Errorf("%s: %d articles stored, want exactly %d", name, n, want)
		}
		if n := count(t, db, `SELECT count(*) FROM revisions`); n != want {
			t.Errorf("%s: %d revisions for %d articles: a poll had an effect twice", name, n, want)
		}
		if n := count(t, db, `SELECT count(DISTINCT (j.args->>'feed_id')) FROM river_job j
			WHERE j.kind = 'poll_feed' AND j.state IN ('available','pending','retryable','running','scheduled')`); n != feeds {
			t.Errorf("%s: %d feeds have a poll job, want %d", name, n, feeds)
		}
		var newest string
		if err := db.QueryRow(ctx, `SELECT url FROM articles ORDER BY display_at DESC, id DESC LIMIT 1`).Scan(&newest); err != nil {
			t.Fatal(err)
		}
		read := time.Now()
		await(t, name+": the web process serving "+newest, 5*time.Second, func() bool {
			return strings.Contains(string(httpGet(t, "http://"+webAddr+"/feed.xml")), newest)
		})
		t.Logf("%s: /feed.xml on the web process shows the newest article, %s, within %s of the round's end",
			name, newest, time.Since(read).Round(time.Millisecond))
	}

	want := feeds * items
	round("initial ingest", want, nil)
	for epoch := 1; epoch <= epochs; epoch++ {
		farmStats(t, farmURL+"/stats?reset=1")
		var adv struct {
			HealthyItemsAdded int `json:"healthy_items_added"`
		}
		if err := json.Unmarshal(httpGet(t, farmURL+"/advance?frac=0.1"), &adv); err != nil {
			t.Fatal(err)
		}
		want += adv.HealthyItemsAdded
		var kill *proc
		if epoch == killIn {
			kill = ws[0]
		}
		round(fmt.Sprintf("epoch %d", epoch), want, kill)
	}
	// One grouper at a time put every article in a story, whichever worker
	// died.
	began := time.Now()
	await(t, "every article grouped", 120*time.Second, func() bool {
		return count(t, db, `SELECT count(*) FROM articles WHERE story_id IS NULL`) == 0
	})
	t.Logf("all %d articles in stories %s after the last round", want, time.Since(began).Round(time.Millisecond))
}

// goBuild builds the main package in dir into out.
func goBuild(t *testing.T, dir, out string) string {
	t.Helper()
	cmd := exec.Command("go", "build", "-o", out, ".")
	cmd.Dir = dir
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("go build in %s: %v\n%s", dir, err, b)
	}
	return out
}

// freeAddr is a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

type proc struct {
	name   string
	cmd    *exec.Cmd
	log    string
	done   chan struct{} // closed when the process has exited
	killed bool          // by the test, on purpose
}

func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// startProc runs a process with its output in dir/name.log, and ends it
// (SIGTERM, then SIGKILL) when the test ends.
func startProc(t *testing.T, dir, name, bin string, args ...string) *proc {
	t.Helper()
	p := &proc{name: name, log: filepath.Join(dir, name+".log"), done: make(chan struct{})}
	f, err := os.Create(p.log)
	if err != nil {
		t.Fatal(err)
	}
	p.cmd = exec.Command(bin, args...)
	p.cmd.Stdout, p.cmd.Stderr = f, f
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { _ = p.cmd.Wait(); close(p.done) }()
	t.Cleanup(func() {
		defer f.Close()
		if p.exited() {
			return
		}
		_ = p.cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-p.done:
		case <-time.After(15 * time.Second):
			t.Errorf("%s did not stop within 15 s of SIGTERM", name)
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})
	return p
}

func (p *proc) tail(n int) string {
	f, err := os.Open(p.log)
	if err != nil {
		return err.Error()
	}
	defer f.Close()
	var lines []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		lines = append(lines, sc.Text())
	}
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// writeConfig writes a hub with one source per feed, polled every 10 s,
// at most 24 requests at once to feedfarm across the processes.
func writeConfig(t *testing.T, path, database, listen string, urls []string) {
	t.Helper()
	var b strings.Builder
	fmt.Fprintf(&b, "site:\n  title: Multi\n  listen: %s\n  base_url: http://%s\n", listen, listen)
	fmt.Fprintf(&b, "database: %q\n", database)
	b.WriteString("polling:\n  interval: 10s\n  min_interval: 10s\n  max_interval: 10s\n  workers: 8\n  per_host: 24\n  timeout: 3s\n  allow_private: true\n")
	b.WriteString("sources:\n")
	for i, u := range urls {
		fmt.Fprintf(&b, "  - name: Outlet %d\n    slug: outlet-%d\n    feeds: [%q]\n", i, i, u)
	}
	if err := os.WriteFile(path, []byte(b.String()), 0o644); err != nil {
		t.Fatal(err)
	}
}

func count(t *testing.T, db *pgx.Conn, query string) int {
	t.Helper()
	var n int
	if err := db.QueryRow(context.Background(), query).Scan(&n); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return n
}

func ids(t *testing.T, db *pgx.Conn, query string, args ...any) []int64 {
	t.Helper()
	rows, err := db.Query(context.Background(), query, args...)
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	out, err := pgx.CollectRows(rows, pgx.RowTo[int64])
	if err != nil {
		t.Fatalf("%s: %v", query, err)
	}
	return out
}

type farmStatsJSON struct {
	DistinctFeedsFetched int `json:"distinct_feeds_fetched"`
}

func farmStats(t *testing.T, url string) farmStatsJSON {
	t.Helper()
	if !strings.Contains(url, "/stats") {
		url += "/stats"
	}
	var s farmStatsJSON
	if err := json.Unmarshal(httpGet(t, url), &s); err != nil {
		t.Fatal(err)
	}
	return s
}

func httpGet(t *testing.T, url string) []byte {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %d %v", url, resp.StatusCode, err)
	}
	return b
}

// waitHTTP waits until url answers 200.
func waitHTTP(t *testing.T, url string, timeout time.Duration) {
	t.Helper()
	waitCond(t, url, timeout, func() bool {
		resp, err := http.Get(url)
		if err != nil {
			return false
		}
		resp.Body.Close()
		return resp.StatusCode == http.StatusOK
	})
}

func waitCond(t *testing.T, what string, timeout time.Duration, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %s waiting for %s", timeout, what)
		}
		time.Sleep(100 * time.Millisecond)
	}
}
