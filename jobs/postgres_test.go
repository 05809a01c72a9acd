package jobs

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"

	"crosswire/storetest"
)

type coreOnPostgres = core[pgx.Tx]

// pools opens n pools on one fresh schema: n "processes".
func pools(t *testing.T, n int) []*pgxpool.Pool {
	t.Helper()
	dsn := storetest.PostgresDSN(t)
	var ps []*pgxpool.Pool
	for range n {
		p, err := pgxpool.New(context.Background(), dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(p.Close)
		ps = append(ps, p)
	}
	return ps
}

// TestHostSlotsAcrossProcesses: PerHost slots of one host are shared by
// every process, a process never takes a slot twice, other hosts are
// independent, and a dead session frees its slots.
func TestHostSlotsAcrossProcesses(t *testing.T) {
	ps := pools(t, 2)
	a := &pgHostSlots{pool: ps[0], slots: 2, held: map[string][]bool{}}
	b := &pgHostSlots{pool: ps[1], slots: 2, held: map[string][]bool{}}
	defer a.close()
	defer b.close()
	ctx := context.Background()

	relA1, err := a.acquire(ctx, "news.example")
	if err != nil {
		t.Fatal(err)
	}
	relB1, err := b.acquire(ctx, "news.example")
	if err != nil {
		t.Fatal(err)
	}
	for name, h := range map[string]*pgHostSlots{"a": a, "b": b} {
		if slot, _, err := h.try(ctx, "news.example"); err != nil || slot != -1 {
			t.Errorf("process %s took slot %d (%v) of a host whose 2 slots are taken", name, slot, err)
		}
	}
	if slot, _, err := b.try(ctx, "other.example"); err != nil || slot < 0 {
		t.Errorf("another host: slot %d, %v; want a free one", slot, err)
	}

	// A waiter gets the slot released by the other process.
	got := make(chan error, 1)
	go func() {
		rel, err := a.acquire(ctx, "news.example")
		if err == nil {
			rel()
		}
		got <- err
	}()
	select {
	case err := <-got:
		t.Fatalf("acquired a slot while none was free (err %v)", err)
	case <-time.After(200 * time.Millisecond):
	}
	relB1()
	select {
	case err := <-got:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the waiter never got the released slot")
	}

	// The end of a's session frees a's slot for b.
	a.close()
	relA1() // a no-op now: the lock went with the session
	for i := range 2 {
		// The server frees the slots when a's backend has exited, which can
		// lag the client's close by a moment.
		deadline := time.Now().Add(5 * time.Second)
		for {
			slot, _, err := b.try(ctx, "news.example")
			if err == nil && slot >= 0 {
				break
			}
			if err != nil || time.Now().After(deadline) {
				t.Errorf("slot %d after a's session ended: %d, %v; want free", i, slot, err)
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
	}
}

// TestHostSlotsMoreThanOneBatch: with more slots than one statement tries,
// two processes together take every slot exactly once, then none.
func TestHostSlotsMoreThanOneBatch(t *testing.T) {
	ps := pools(t, 2)
	const n = 3*slotBatch + 1
	procs := []*pgHostSlots{
		{pool: ps[0], slots: n, held: map[string][]bool{}},
		{pool: ps[1], slots: n, held: map[string][]bool{}},
	}
	defer procs[0].close()
	defer procs[1].close()
	ctx := context.Background()
	taken := [2]map[int]bool{{}, {}}
	for i := range n {
		p := i % 2
		slot, _, err := procs[p].try(ctx, "wire.example")
		if err != nil || slot < 0 {
			t.Fatalf("try %d (process %d): slot %d, %v; want a free one", i, p, slot, err)
		}
		if taken[p][slot] {
			t.Fatalf("process %d took slot %d twice", p, slot)
		}
		taken[p][slot] = true
	}
	for p, h := range procs {
		if slot, _, err := h.try(ctx, "wire.example"); err != nil || slot != -1 {
			t.Errorf("process %d took slot %d (%v) after all %d were taken", p, slot, err, n)
		}
	}
	if len(taken[0])+len(taken[1]) != n {
		t.Errorf("took %d + %d slots, want %d in all", len(taken[0]), len(taken[1]), n)
	}
}

// TestGrouperLockOneHolder: one process holds the grouper lock; another
// gets it, fresh, once the holder's session ends.
func TestGrouperLockOneHolder(t *testing.T) {
	ps := pools(t, 2)
	a := &pgSessionLock{pool: ps[0], key: grouperLockKey}
	b := &pgSessionLock{pool: ps[1], key: grouperLockKey}
	defer a.close()
	defer b.close()
	ctx := context.Background()

	steps := []struct {
		name        string
		l           *pgSessionLock
		held, fresh bool
	}{
		{"a takes it", a, true, true},
		{"b finds it taken", b, false, false},
		{"a still holds it", a, true, false},
	}
	for _, s := range steps {
		held, fresh, err := s.l.ensure(ctx)
		if err != nil || held != s.held || fresh != s.fresh {
			t.Errorf("%s: held %v fresh %v err %v; want %v %v", s.name, held, fresh, err, s.held, s.fresh)
		}
	}
	a.close()
	// The server frees a session's locks when its backend has exited,
	// which can lag the client's close by a moment.
	var held, fresh bool
	var err error
	deadline := time.Now().Add(5 * time.Second)
	for {
		held, fresh, err = b.ensure(ctx)
		if err != nil || held || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if err != nil || !held || !fresh {
		t.Errorf("b after a's session ended: held %v fresh %v err %v; want it, fresh", held, fresh, err)
	}
}

// TestOneGrouperAmongWorkers: of two worker processes, one adds the group
// queue and groups; the other does not.
func TestOneGrouperAmongWorkers(t *testing.T) {
	e := postgresEnv(t)
	var rs []*Runner
	for range 2 {
		r := e.open(t, Options{Policy: hourly, NewGrouping: grouping(e.store), GroupSweepEvery: -1})
		start(t, r)
		rs = append(rs, r)
	}
	waitFor(t, "a grouper", 10*time.Second, func() bool {
		n := 0
		for _, r := range rs {
			c := r.impl.(*coreOnPostgres)
			c.grouperMu.Lock()
			if c.grouping != nil {
				n++
			}
			c.grouperMu.Unlock()
		}
		if n > 1 {
			t.Fatalf("%d processes hold grouping state", n)
		}
		return n == 1
	})
}
