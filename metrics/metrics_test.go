package metrics

import (
	"errors"
	"io"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"crosswire"
)

func TestExposition(t *testing.T) {
	m := New()
	m.ObservePoll(crosswire.PollResult{Status: 200, New: 3, Updated: 1, Bytes: 2048, Duration: 30 * time.Millisecond})
	m.ObservePoll(crosswire.PollResult{Status: 304, NotModified: true})
	m.ObservePoll(crosswire.PollResult{Status: 503, Err: errors.New("busy")})
	m.ObserveHTTP("GET /articles/{idslug}", "GET", 200, 2*time.Millisecond)
	m.ObserveHTTP("", "GET", 404, time.Millisecond)
	depth := 7.0
	m.Gauges([]GaugeSpec{{Name: "crosswire_jobs_available", Help: "Jobs waiting."}}, func() []float64 { return []float64{depth} })

	rec := httptest.NewRecorder()
	m.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/metrics", nil))
	body, _ := io.ReadAll(rec.Body)
	for _, want := range []string{
		`crosswire_polls_total{outcome="ok",status="200"} 1`,
		`crosswire_polls_total{outcome="not_modified",status="304"} 1`,
		`crosswire_polls_total{outcome="error",status="503"} 1`,
		`crosswire_articles_stored_total 3`,
		`crosswire_revisions_stored_total 1`,
		`crosswire_fetched_bytes_total 2048`,
		`crosswire_http_request_duration_seconds_count{code="200",method="GET",route="GET /articles/{idslug}"} 1`,
		`route="unmatched"`,
		`crosswire_jobs_available 7`,
		`go_goroutines`,
	} {
		if !strings.Contains(string(body), want) {
			t.Errorf("exposition lacks %s", want)
		}
	}
}
