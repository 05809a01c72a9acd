package fetch

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// inflight counts concurrent requests and holds each one until released.
type inflight struct {
	now, max atomic.Int32
	release  chan struct{}
}

func (f *inflight) handler(w http.ResponseWriter, r *http.Request) {
	n := f.now.Add(1)
	defer f.now.Add(-1)
	for {
		m := f.max.Load()
		if n <= m || f.max.CompareAndSwap(m, n) {
			break
		}
	}
	select {
	case <-f.release:
	case <-r.Context().Done():
	}
	w.Write([]byte("ok"))
}

// waitFor polls until cond holds (or fails the test after 5 s).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// fire starts n Gets of urls[i%len(urls)] and returns a wait func that fails
// the test on any error.
func fire(t *testing.T, c *Client, n int, urls ...string) func() {
	var wg sync.WaitGroup
	errs := make(chan error, n)
	for i := 0; i < n; i++ {
		wg.Go(func() {
			if _, err := c.Get(context.Background(), Request{URL: urls[i%len(urls)]}); err != nil {
				errs <- err
			}
		})
	}
	return func() {
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}

func TestPerHostLimit(t *testing.T) {
	const perHost = 3
	f := &inflight{release: make(chan struct{})}
	srv := serve(t, f.handler)
	c := testClient(t, Options{PerHost: perHost})

	wait := fire(t, c, 12, srv.URL)
	waitFor(t, "the first requests to arrive", func() bool { return f.now.Load() == perHost })
	// Give the other nine every chance to break the limit before releasing.
	time.Sleep(100 * time.Millisecond)
	if n := f.now.Load(); n != perHost {
		t.Fatalf("%d requests in flight, limit %d", n, perHost)
	}
	close(f.release)
	wait()
	if m := f.max.Load(); m != perHost {
		t.Fatalf("max in flight %d, want exactly %d", m, perHost)
	}
}

// MaxConns bounds the total across hosts: two hosts with room for 4 each
// still see only 3 requests between them.
func TestMaxConns(t *testing.T) {
	f := &inflight{release: make(chan struct{})}
	a := serve(t, f.handler)
	ln, err := net.Listen("tcp", "127.0.0.2:0")
	if err != nil {
		t.Skipf("no second loopback address to act as another host: %v", err)
	}
	b := httptest.NewUnstartedServer(http.HandlerFunc(f.handler))
	b.Listener.Close()
	b.Listener = ln
	b.Start()
	t.Cleanup(b.Close)

	c := testClient(t, Options{PerHost: 4, MaxConns: 3})
	wait := fire(t, c, 10, a.URL, b.URL)
	waitFor(t, "the first requests to arrive", func() bool { return f.now.Load() == 3 })
	time.Sleep(100 * time.Millisecond)
	if n := f.now.Load(); n != 3 {
		t.Fatalf("%d requests in flight, MaxConns 3", n)
	}
	close(f.release)
	wait()
	if m := f.max.Load(); m != 3 {
		t.Fatalf("max in flight %d, want 3", m)
	}
}

// A request waiting for a slot gives up with its context.
func TestSlotWaitHonoursContext(t *testing.T) {
	f := &inflight{release: make(chan struct{})}
	srv := serve(t, f.handler)
	c := testClient(t, Options{PerHost: 1})
	wait := fire(t, c, 1, srv.URL)
	waitFor(t, "the first request", func() bool { return f.now.Load() == 1 })

	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := c.Get(ctx, Request{URL: srv.URL}); err == nil {
		t.Fatal("second request got through a full host")
	}
	close(f.release)
	wait()
}
