package fetch

import (
	"context"
	"fmt"
	"strings"
	"sync"
)

// hostLimiter keeps one counting semaphore per host name, created on first
// use. Entries are never removed: one costs a few dozen bytes, a hub follows
// at most tens of thousands of hosts, and removing idle ones would allocate a
// new channel on every poll of a quiet host.
type hostLimiter struct {
	per  int
	mu   sync.Mutex
	sems map[string]chan struct{}
}

func (h *hostLimiter) get(host string) chan struct{} {
	host = strings.ToLower(host)
	h.mu.Lock()
	s, ok := h.sems[host]
	if !ok {
		s = make(chan struct{}, h.per)
		h.sems[host] = s
	}
	h.mu.Unlock()
	return s
}

// acquire takes a slot for host, then one of the MaxConns overall slots. The
// host slot comes first so a request queued behind a busy host does not hold
// an overall slot that a request to another host could use.
func (c *Client) acquire(ctx context.Context, host string) (chan struct{}, error) {
	sem := c.hosts.get(host)
	select {
	case sem <- struct{}{}:
	case <-ctx.Done():
		return nil, fmt.Errorf("waiting for a slot on %s: %w", host, ctx.Err())
	}
	select {
	case c.conns <- struct{}{}:
	case <-ctx.Done():
		<-sem
		return nil, fmt.Errorf("waiting for a connection slot: %w", ctx.Err())
	}
	return sem, nil
}

func (c *Client) release(sem chan struct{}) {
	<-c.conns
	<-sem
}
