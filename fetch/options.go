package fetch

import (
	"math/rand/v2"
	"time"

	"crosswire"
)

// Options configure a Client. Zero values take the defaults shown.
type Options struct {
	// UserAgent defaults to "crosswire/VERSION (+PROJECT URL)", so the
	// operators of fetched sites can find out who is polling them.
	UserAgent string

	// AllowPrivate turns the address guard off: private, loopback,
	// link-local and other non-public IPs may be dialled, and local files
	// read. For tests, the offline demo and intranets. It applies to every
	// address, including links taken from fetched documents.
	AllowPrivate bool

	MaxBodyBytes   int64         // decoded body cap; default 10 MiB
	ConnectTimeout time.Duration // dial and TLS handshake; default 10s
	Timeout        time.Duration // whole Get: redirects and body; default 30s
	MaxRedirects   int           // default 5; negative follows none
	PerHost        int           // requests in flight per host name; default 4
	MaxConns       int           // requests in flight overall; default 64

	Now  func() time.Time // default time.Now
	Rand func() float64   // uniform in [0,1) for backoff jitter; default math/rand/v2
}

// AcceptFeeds is an Accept value for feed polls: the feed formats first,
// generic XML/JSON next, anything else last (some servers send feeds as
// text/html, and the parser sniffs).
const AcceptFeeds = "application/rss+xml, application/atom+xml, application/feed+json, " +
	"application/rdf+xml;q=0.9, application/xml;q=0.9, text/xml;q=0.9, application/json;q=0.8, */*;q=0.5"

// AcceptPages is the Accept value for article pages (full text, revisits).
const AcceptPages = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5"

func (o Options) withDefaults() Options {
	if o.UserAgent == "" {
		o.UserAgent = "crosswire/" + crosswire.Version + " (+" + crosswire.ProjectURL + ")"
	}
	if o.MaxBodyBytes <= 0 {
		o.MaxBodyBytes = 10 << 20
	}
	if o.ConnectTimeout <= 0 {
		o.ConnectTimeout = 10 * time.Second
	}
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	switch {
	case o.MaxRedirects == 0:
		o.MaxRedirects = 5
	case o.MaxRedirects < 0:
		o.MaxRedirects = 0
	}
	if o.PerHost <= 0 {
		o.PerHost = 4
	}
	if o.MaxConns <= 0 {
		o.MaxConns = 64
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Rand == nil {
		o.Rand = rand.Float64
	}
	return o
}
