package web

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func testResponse(n int) *response {
	return &response{status: http.StatusOK, body: make([]byte, n)}
}

func TestPageCacheBounds(t *testing.T) {
	c := newPageCache(3, 1000)
	for i := range 10 {
		c.put(fmt.Sprint(i), testResponse(100))
		if len(c.entries) > 3 {
			t.Fatalf("%d entries, max 3", len(c.entries))
		}
	}
	c = newPageCache(100, 1000)
	for i := range 10 {
		c.put(fmt.Sprint(i), testResponse(200))
		if c.bytes > 1000 {
			t.Fatalf("%d bytes, max 1000", c.bytes)
		}
	}
	c.put("huge", testResponse(600))
	if _, ok := c.entries["huge"]; ok {
		t.Error("an entry over a quarter of the budget was kept")
	}
	// Replacing a key does not count it twice.
	c = newPageCache(10, 1000)
	c.put("a", testResponse(300))
	c.put("a", testResponse(200))
	if c.bytes != 200 || len(c.entries) != 1 {
		t.Errorf("after replacing: %d bytes, %d entries", c.bytes, len(c.entries))
	}
}

func TestPageCacheVersionsAndTTL(t *testing.T) {
	c := newPageCache(10, 1<<20)
	now := time.Unix(1000, 0)
	st := &state{now: now, ver: version{lastChange: 1}}
	renders := 0
	render := func(context.Context) (*response, error) { renders++; return testResponse(10), nil }
	ctx := context.Background()
	c.do(ctx, "k", st, time.Minute, render)
	if _, hit, _ := c.do(ctx, "k", st, time.Minute, render); !hit || renders != 1 {
		t.Errorf("same version: hit %v, %d renders", hit, renders)
	}
	st2 := &state{now: now, ver: version{lastChange: 2}}
	if _, hit, _ := c.do(ctx, "k", st2, time.Minute, render); hit || renders != 2 {
		t.Errorf("new version: hit %v, %d renders", hit, renders)
	}
	later := &state{now: now.Add(time.Minute), ver: st2.ver}
	if _, hit, _ := c.do(ctx, "k", later, time.Minute, render); hit || renders != 3 {
		t.Errorf("after the TTL: hit %v, %d renders", hit, renders)
	}
	if _, hit, _ := c.do(ctx, "k", later, -1, render); hit || renders != 4 {
		t.Errorf("negative TTL caches: hit %v, %d renders", hit, renders)
	}
}

func TestPageCacheRendersOnceForConcurrentMisses(t *testing.T) {
	c := newPageCache(10, 1<<20)
	st := &state{now: time.Unix(1000, 0), ver: version{lastChange: 1}}
	var renders atomic.Int32
	release := make(chan struct{})
	render := func(context.Context) (*response, error) {
		renders.Add(1)
		<-release
		return testResponse(10), nil
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, _, err := c.do(context.Background(), "k", st, time.Minute, render); err != nil {
				t.Error(err)
			}
		}()
	}
	// Let the goroutines pile up on the one rendering.
	for {
		c.mu.RLock()
		_, busy := c.inflight["k"]
		c.mu.RUnlock()
		if busy {
			break
		}
		time.Sleep(time.Millisecond)
	}
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := renders.Load(); n != 1 {
		t.Errorf("%d renders for concurrent misses, want 1", n)
	}
}
