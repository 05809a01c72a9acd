package fetch

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

var (
	// ErrTooLarge: the body (after decoding) exceeds Options.MaxBodyBytes.
	// Reading stops at the cap; nothing larger is ever held in memory.
	ErrTooLarge = errors.New("body exceeds size cap")

	// ErrPrivateAddress: the address resolved to a private, loopback,
	// link-local or otherwise non-public IP (or is a local file) and
	// Options.AllowPrivate is off.
	ErrPrivateAddress = errors.New("refused non-public address")

	// ErrTooManyRedirects: more than Options.MaxRedirects redirects.
	ErrTooManyRedirects = errors.New("too many redirects")

	// ErrUnsupportedScheme: neither http(s) nor a local file, or a redirect
	// to anything but http(s).
	ErrUnsupportedScheme = errors.New("unsupported URL scheme")

	// ErrTimeout: Options.Timeout ran out. Errors that wrap it also wrap
	// context.DeadlineExceeded.
	ErrTimeout = errors.New("timed out")
)

// StatusError is an answer other than 2xx or 304 (or a redirect without a
// usable Location). The caller stores Status as the feed's last status and
// combines RetryAfter with its backoff (see Client.RetryDelay).
type StatusError struct {
	URL        string // the address that answered (credentials redacted)
	Status     int
	RetryAfter time.Duration // from Retry-After on 429 and 503; 0 if absent or past
}

func (e *StatusError) Error() string {
	msg := fmt.Sprintf("fetch %s: HTTP %d %s", e.URL, e.Status, http.StatusText(e.Status))
	if e.RetryAfter > 0 {
		msg += fmt.Sprintf(" (retry after %s)", e.RetryAfter)
	}
	return msg
}

// maxRetryAfter bounds what a server can ask for: a larger figure is a bug
// or hostility, and seconds*1e9 must not overflow a Duration.
const maxRetryAfter = 30 * 24 * time.Hour

// parseRetryAfter reads Retry-After as delay-seconds or an HTTP-date
// (RFC 9110 §10.2.3). Garbage and dates in the past give 0.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs <= 0 {
			return 0
		}
		if secs > int64(maxRetryAfter/time.Second) {
			return maxRetryAfter
		}
		return time.Duration(secs) * time.Second
	}
	t, err := http.ParseTime(v)
	if err != nil {
		return 0
	}
	d := t.Sub(now)
	if d <= 0 {
		return 0
	}
	return min(d, maxRetryAfter)
}
