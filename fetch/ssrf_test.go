package fetch

import (
	"context"
	"errors"
	"net/http"
	"net/netip"
	"strings"
	"sync/atomic"
	"testing"
)

func TestIsPublic(t *testing.T) {
	tests := []struct {
		addr   string
		public bool
	}{
		{"8.8.8.8", true},
		{"1.1.1.1", true},
		{"93.184.215.14", true},
		{"100.63.255.255", true}, // just below CGNAT
		{"100.128.0.0", true},    // just above CGNAT
		{"172.32.0.1", true},     // just above 172.16/12
		{"2606:4700:4700::1111", true},
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::808:808", true}, // NAT64 of 8.8.8.8
		{"2002:808:808::1", true},  // 6to4 of 8.8.8.8

		{"127.0.0.1", false},
		{"127.255.0.9", false},
		{"10.1.2.3", false},
		{"172.16.0.1", false},
		{"172.31.255.255", false},
		{"192.168.1.1", false},
		{"169.254.169.254", false}, // cloud metadata
		{"169.254.0.1", false},
		{"100.64.0.1", false},
		{"100.127.255.254", false},
		{"0.0.0.0", false},
		{"0.1.2.3", false},
		{"255.255.255.255", false},
		{"224.0.0.1", false},
		{"239.255.255.250", false},
		{"198.18.0.1", false},
		{"::1", false},
		{"::", false},
		{"fe80::1", false},
		{"fe80::1%eth0", false},
		{"fc00::1", false},
		{"fd12:3456::1", false},
		{"ff02::1", false},
		{"ff05::2", false},
		{"fec0::1", false},
		{"::ffff:127.0.0.1", false},
		{"::ffff:10.0.0.1", false},
		{"::ffff:169.254.169.254", false},
		{"::ffff:100.64.0.1", false},
		{"::127.0.0.1", false},        // IPv4-compatible
		{"64:ff9b::7f00:1", false},    // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", false}, // NAT64 of 169.254.169.254
		{"2002:a00:1::1", false},      // 6to4 of 10.0.0.1
		{"64:ff9b:1::1", false},
	}
	for _, tt := range tests {
		a := netip.MustParseAddr(tt.addr)
		if got := isPublic(a); got != tt.public {
			t.Errorf("isPublic(%s) = %v, want %v", tt.addr, got, tt.public)
		}
	}
}

// With AllowPrivate off, a loopback server is never reached, whether it is
// addressed by IP or by a name that resolves to it.
func TestPrivateAddressRefused(t *testing.T) {
	var hits atomic.Int32
	srv := serve(t, func(w http.ResponseWriter, r *http.Request) { hits.Add(1) })
	port := srv.URL[strings.LastIndex(srv.URL, ":"):]
	c := New(Options{})
	t.Cleanup(c.CloseIdleConnections)

	for _, u := range []string{srv.URL + "/feed", "http://localhost" + port + "/feed", "http://[::ffff:127.0.0.1]" + port + "/"} {
		_, err := c.Get(context.Background(), Request{URL: u})
		if !errors.Is(err, ErrPrivateAddress) {
			t.Errorf("%s: err = %v, want ErrPrivateAddress", u, err)
			continue
		}
		if !strings.Contains(err.Error(), u) {
			t.Errorf("error does not name the URL: %v", err)
		}
	}
	if n := hits.Load(); n != 0 {
		t.Fatalf("refused server still saw %d requests", n)
	}
}

// A public server (here: the one exempted address) that redirects to a
// private one does not get the hub to connect there: the check is at dial
// time, on every hop.
func TestRedirectToPrivateRefused(t *testing.T) {
	var inner atomic.Int32
	private := serve(t, func(w http.ResponseWriter, r *http.Request) { inner.Add(1) })
	public := serve(t, func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			w.Write([]byte("fine"))
			return
		}
		http.Redirect(w, r, private.URL+"/admin", http.StatusMovedPermanently)
	})
	allowed := addrPort(t, public)
	c := newClient(Options{}, func(ap netip.AddrPort) bool { return ap == allowed })
	t.Cleanup(c.CloseIdleConnections)

	// The exemption is narrow: the public server itself is reachable...
	if res, err := c.Get(context.Background(), Request{URL: public.URL + "/ok"}); err != nil || string(res.Body) != "fine" {
		t.Fatalf("exempted server unreachable: %v", err)
	}
	// ...but not where it redirects to.
	_, err := c.Get(context.Background(), Request{URL: public.URL + "/feed"})
	if !errors.Is(err, ErrPrivateAddress) {
		t.Fatalf("err = %v, want ErrPrivateAddress", err)
	}
	if !strings.Contains(err.Error(), public.URL+"/feed") || !strings.Contains(err.Error(), private.URL+"/admin") {
		t.Fatalf("error should name both the URL and the hop: %v", err)
	}
	if n := inner.Load(); n != 0 {
		t.Fatalf("private server saw %d requests", n)
	}
}
