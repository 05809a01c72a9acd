package jobs

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverpgxv5"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"
)

// NewPostgres makes a Runner whose River tables live in the store's
// database and schema (pool is the store's, see postgres.Store.Pool). Any
// number of worker processes may run against one database:
//
//   - per-host limits hold across them through session advisory locks,
//     PerHost slots per host, taken on one dedicated connection per
//     process (so the pool is not drained by waiting polls, and a dead
//     process's slots are freed with its session);
//   - one of them is the grouper, the holder of another session advisory
//     lock; the others take over when its session ends.
func NewPostgres(pool *pgxpool.Pool, opt Options) (*Runner, error) {
	b := &pgBackend{
		pool:    pool,
		drv:     riverpgxv5.New(pool),
		grouper: &pgSessionLock{pool: pool, key: grouperLockKey},
	}
	b.slots = &pgHostSlots{pool: pool, slots: max(opt.PerHost, 1), held: map[string][]bool{}}
	c, err := newCore[pgx.Tx](b, opt)
	if err != nil {
		return nil, err
	}
	return &Runner{impl: c}, nil
}

// Advisory lock keys. The two-int form keeps them apart from the store's
// migration lock (0x63770001, schema) and River's own (single bigint).
const (
	riverMigrateLockKey = 0x63770003 // with hashtext(current_schema())
	grouperLockKey      = 0x63770002 // with hashtext(current_schema())
	hostSlotKeyBase     = 0x63770100 // + slot, with hashtext(schema || ' ' || host)
)

// lockTimeout bounds a lock statement. Lock statements run detached from
// the job's context: a cancelled query makes pgx close the connection,
// which would drop every lock of the process's session.
const lockTimeout = 5 * time.Second

type pgBackend struct {
	pool    *pgxpool.Pool
	drv     *riverpgxv5.Driver
	slots   *pgHostSlots
	grouper *pgSessionLock
}

func (b *pgBackend) driver() riverdriver.Driver[pgx.Tx] { return b.drv }

// migrate applies River's migrations under a session advisory lock, so of
// several processes starting at once one migrates and the others then find
// nothing left to do. (Not in one transaction: a River migration adds an
// enum value that a later one uses, which PostgreSQL refuses within one.)
func (b *pgBackend) migrate(ctx context.Context) error {
	m, err := rivermigrate.New(b.drv, nil)
	if err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	conn, err := b.pool.Acquire(ctx)
	if err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	defer conn.Release()
	if _, err := conn.Exec(ctx, `SELECT pg_advisory_lock($1, hashtext(current_schema()))`, riverMigrateLockKey); err != nil {
		return fmt.Errorf("jobs: river migrations: take lock: %w", err)
	}
	defer func() {
		_, _ = conn.Exec(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock($1, hashtext(current_schema()))`, riverMigrateLockKey)
	}()
	if _, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil); err != nil {
		return fmt.Errorf("jobs: river migrations: %w", err)
	}
	return nil
}

func (b *pgBackend) inTx(ctx context.Context, fn func(tx pgx.Tx) error) error {
	return pgx.BeginFunc(ctx, b.pool, fn)
}

func (b *pgBackend) completeTx(ctx context.Context, tx pgx.Tx, row *rivertype.JobRow) error {
	_, err := river.JobCompleteTx[*riverpgxv5.Driver](ctx, tx, &river.Job[rowOnly]{JobRow: row})
	return err
}

// unscheduledFeedsPostgres: the subquery is a hashed subplan, read once
// through River's (state, queue, ...) index.
var unscheduledFeedsPostgres = `SELECT f.id, f.next_poll_at FROM feeds f JOIN sources s ON s.id = f.source_id
WHERE NOT s.paused AND f.id NOT IN (
	SELECT (j.args ->> 'feed_id')::bigint FROM river_job j
	WHERE j.state IN (` + activeStatesSQL + `)
		AND j.kind = '` + KindPoll + `' AND j.args ->> 'feed_id' IS NOT NULL)
ORDER BY f.id`

func (b *pgBackend) unscheduledFeeds(ctx context.Context) ([]feedDue, error) {
	rows, err := b.pool.Query(ctx, unscheduledFeedsPostgres)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []feedDue
	for rows.Next() {
		var (
			f    feedDue
			next *time.Time
		)
		if err := rows.Scan(&f.id, &next); err != nil {
			return nil, err
		}
		if next != nil {
			f.next = next.UTC()
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

func (b *pgBackend) queueStats(ctx context.Context, now time.Time) (int, time.Time, error) {
	var n int
	var oldest *time.Time
	err := b.pool.QueryRow(ctx, `SELECT count(*), min(scheduled_at) FROM river_job
		WHERE state = 'available' OR (state = 'scheduled' AND scheduled_at <= $1)`, now).Scan(&n, &oldest)
	if err != nil || oldest == nil {
		return n, time.Time{}, err
	}
	return n, *oldest, nil
}

func (b *pgBackend) hosts() hostLimiter         { return b.slots }
func (b *pgBackend) grouperLock() exclusiveLock { return b.grouper }

func (b *pgBackend) close() {
	b.slots.close()
	b.grouper.close()
}

// session is a connection taken out of the pool for session advisory
// locks, which belong to the connection that took them.
func session(ctx context.Context, pool *pgxpool.Pool) (*pgx.Conn, error) {
	c, err := pool.Acquire(ctx)
	if err != nil {
		return nil, err
	}
	return c.Hijack(), nil
}

// pgHostSlots gives each host `slots` advisory locks; a request holds one.
// All are taken on one session per process, guarded by mu. PostgreSQL's
// session locks are reentrant, so the process remembers which slots it
// holds and only tries the others.
type pgHostSlots struct {
	pool  *pgxpool.Pool
	slots int

	mu   sync.Mutex
	conn *pgx.Conn
	gen  int               // bumped when the session is lost, and its locks with it
	held map[string][]bool // host → slots held in session gen
	next int               // where the next try starts, so tries spread over the slots
}

// slotWait is the first and the longest pause between tries for a slot.
const (
	slotWaitMin = 2 * time.Millisecond
	slotWaitMax = 100 * time.Millisecond
)

func (h *pgHostSlots) acquire(ctx context.Context, host string) (func(), error) {
	wait := slotWaitMin
	for {
		slot, gen, err := h.try(ctx, host)
		if err != nil {
			return nil, err
		}
		if slot >= 0 {
			return func() { h.release(host, slot, gen) }, nil
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, context.Cause(ctx)
		case <-t.C:
		}
		wait = min(wait*2, slotWaitMax)
	}
}

// try takes a free slot of host, or returns -1. It offers the slots this
// process does not hold, slotBatch at a time from a rotating start, to one
// fixed statement (CASE evaluates its branches in order and stops at the
// first lock it gets): a statement naming every slot, as per_host grows
// into the hundreds, cost PostgreSQL a parse and a millisecond per request,
// and all of a process's requests queue on its one session.
func (h *pgHostSlots) try(ctx context.Context, host string) (slot, gen int, err error) {
	h.mu.Lock()
	defer h.mu.Unlock()
	held := h.held[host]
	if held == nil {
		held = make([]bool, h.slots)
		h.held[host] = held
	}
	var free []int
	h.next++
	for i := range h.slots {
		if s := (h.next + i) % h.slots; !held[s] {
			free = append(free, s)
		}
	}
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lockTimeout)
	defer cancel()
	for len(free) > 0 {
		batch := free[:min(slotBatch, len(free))]
		free = free[len(batch):]
		args := []any{host}
		for i := range slotBatch {
			// Padding repeats a slot just found taken, which fails
			// again; never a held one, which would succeed again.
			args = append(args, hostSlotKeyBase+batch[min(i, len(batch)-1)])
		}
		if h.conn == nil {
			if h.conn, err = session(lctx, h.pool); err != nil {
				return -1, h.gen, err
			}
		}
		var key int
		if err := h.conn.QueryRow(lctx, trySlotsSQL, args...).Scan(&key); err != nil {
			h.lost(lctx)
			return -1, h.gen, err
		}
		if key >= 0 {
			slot = key - hostSlotKeyBase
			held[slot] = true
			return slot, h.gen, nil
		}
	}
	return -1, h.gen, nil
}

// slotBatch is how many slots one statement tries.
const slotBatch = 8

// trySlotsSQL tries the slot keys $2.. of host $1 in order and returns the
// first one locked, or -1.
var trySlotsSQL = func() string {
	var q strings.Builder
	q.WriteString("SELECT CASE")
	for i := range slotBatch {
		fmt.Fprintf(&q, " WHEN pg_try_advisory_lock(hashtext(current_schema() || ' ' || $1), $%d::integer) THEN $%[1]d::integer", i+2)
	}
	q.WriteString(" ELSE -1 END")
	return q.String()
}()

func (h *pgHostSlots) release(host string, slot, gen int) {
	h.mu.Lock()
	defer h.mu.Unlock()
	if gen != h.gen || h.conn == nil {
		return // the session ended and took the lock with it
	}
	h.held[host][slot] = false
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	if _, err := h.conn.Exec(ctx, `SELECT pg_advisory_unlock(hashtext(current_schema() || ' ' || $1), $2::integer)`, host, hostSlotKeyBase+slot); err != nil {
		h.lost(ctx)
	}
}

// lost drops a failed session; its locks are gone with it.
func (h *pgHostSlots) lost(ctx context.Context) {
	if h.conn != nil {
		_ = h.conn.Close(ctx)
	}
	h.conn = nil
	h.gen++
	clear(h.held)
}

func (h *pgHostSlots) close() {
	h.mu.Lock()
	defer h.mu.Unlock()
	ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
	defer cancel()
	h.lost(ctx)
}

// pgSessionLock is an exclusive lock held by one session for as long as
// it lives: the grouper's. A process that dies releases it with its
// connection.
type pgSessionLock struct {
	pool *pgxpool.Pool
	key  int32

	mu   sync.Mutex
	conn *pgx.Conn
	held bool
}

func (l *pgSessionLock) local() bool { return false }

func (l *pgSessionLock) ensure(ctx context.Context) (held, fresh bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	lctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), lockTimeout)
	defer cancel()
	if l.conn != nil {
		if _, err := l.conn.Exec(lctx, `SELECT 1`); err != nil {
			_ = l.conn.Close(lctx)
			l.conn, l.held = nil, false
		} else if l.held {
			return true, false, nil
		}
	}
	if l.conn == nil {
		if l.conn, err = session(lctx, l.pool); err != nil {
			return false, false, err
		}
	}
	if err := l.conn.QueryRow(lctx, `SELECT pg_try_advisory_lock($1, hashtext(current_schema()))`, l.key).Scan(&l.held); err != nil {
		_ = l.conn.Close(lctx)
		l.conn, l.held = nil, false
		return false, false, err
	}
	return l.held, l.held, nil
}

func (l *pgSessionLock) close() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.conn != nil {
		ctx, cancel := context.WithTimeout(context.Background(), lockTimeout)
		defer cancel()
		_ = l.conn.Close(ctx)
	}
	l.conn, l.held = nil, false
}
