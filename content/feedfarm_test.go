package content

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"crosswire"
)

// feedfarm pages (../shared/tools/feedfarm) are written by another hand
// than the fixtures, so they check the defaults are not tuned to them.
// The truth is read from the page's own structure: every <p> of
// .article-body is required; the standfirst and lead caption are
// optional.
var (
	farmBody     = cascadia.MustCompile(".article-body > p")
	farmOptional = cascadia.MustCompile("p.standfirst, figure.lead-image figcaption")
)

type prCount struct{ tp, fp, fn int }

func (c *prCount) add(o prCount) { c.tp += o.tp; c.fp += o.fp; c.fn += o.fn }

func (c prCount) String() string {
	return fmt.Sprintf("precision %.3f (%d/%d), recall %.3f (%d/%d)",
		float64(c.tp)/float64(c.tp+c.fp), c.tp, c.tp+c.fp, float64(c.tp)/float64(c.tp+c.fn), c.tp, c.tp+c.fn)
}

func scoreFarmPage(t testing.TB, page []byte, pageURL *url.URL) prCount {
	t.Helper()
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	want, opt := map[string]bool{}, map[string]bool{}
	for _, p := range farmBody.MatchAll(doc) {
		want[normPara(plainTextNodes([]*html.Node{p}))] = true
	}
	for _, p := range farmOptional.MatchAll(doc) {
		opt[normPara(plainTextNodes([]*html.Node{p}))] = true
	}
	if len(want) == 0 {
		t.Fatalf("%s: no .article-body paragraphs: not a feedfarm page?", pageURL)
	}
	ex, err := Extract(page, pageURL, "text/html; charset=utf-8", crosswire.Rules{})
	if err != nil {
		t.Errorf("%s: %v", pageURL, err)
		return prCount{fn: len(want)}
	}
	var c prCount
	found := map[string]bool{}
	for _, g := range paragraphs(ex.Text) {
		switch {
		case want[g]:
			if !found[g] {
				c.tp++
				found[g] = true
			}
		case opt[g]:
		default:
			c.fp++
			t.Logf("%s: extra %q", pageURL, g)
		}
	}
	c.fn = len(want) - len(found)
	return c
}

func TestExtractFeedfarmSaved(t *testing.T) {
	files, _ := filepath.Glob("testdata/feedfarm/*.html")
	if len(files) == 0 {
		t.Fatal("no saved feedfarm pages")
	}
	var total prCount
	for _, f := range files {
		page, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		total.add(scoreFarmPage(t, page, mustURL(t, "http://127.0.0.1:8802/articles/"+strings.ReplaceAll(strings.TrimSuffix(filepath.Base(f), ".html"), "-", "/")+".html")))
	}
	t.Logf("saved feedfarm pages (%d): %s", len(files), total)
	if total.fp > 0 || total.fn > 0 {
		t.Errorf("feedfarm pages not extracted exactly: %s", total)
	}
}

// TestExtractFeedfarmLive runs extraction on pages of a running feedfarm:
// CROSSWIRE_FEEDFARM=http://127.0.0.1:8802 (and optionally
// CROSSWIRE_FEEDFARM_FEEDS=50, CROSSWIRE_FEEDFARM_ITEMS=20, the default
// 1000 pages).
func TestExtractFeedfarmLive(t *testing.T) {
	base := os.Getenv("CROSSWIRE_FEEDFARM")
	if base == "" {
		t.Skip("set CROSSWIRE_FEEDFARM=http://127.0.0.1:PORT to run against a live feedfarm")
	}
	feeds, items := envInt("CROSSWIRE_FEEDFARM_FEEDS", 50), envInt("CROSSWIRE_FEEDFARM_ITEMS", 20)
	client := &http.Client{Timeout: 10 * time.Second}
	var total prCount
	var bytesIn int
	var extractTime time.Duration
	for i := 0; i < feeds; i++ {
		for j := 0; j < items; j++ {
			u := mustURL(t, fmt.Sprintf("%s/articles/%d/%d.html", base, i, j))
			resp, err := client.Get(u.String())
			if err != nil {
				t.Fatal(err)
			}
			page, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("%s: %d %v", u, resp.StatusCode, err)
			}
			bytesIn += len(page)
			start := time.Now()
			total.add(scoreFarmPage(t, page, u))
			extractTime += time.Since(start)
		}
	}
	n := feeds * items
	t.Logf("live feedfarm: %d pages, %d KB, %s; %.0f pages/s in extraction+scoring", n, bytesIn>>10, total, float64(n)/extractTime.Seconds())
	if total.fn > 0 {
		t.Errorf("%d paragraphs lost", total.fn)
	}
}

func envInt(key string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(key)); err == nil && v > 0 {
		return v
	}
	return def
}

// BenchmarkExtractFeedfarm is extraction throughput on saved feedfarm
// pages (7-8 KB each); pages/s is per benchmark process.
func BenchmarkExtractFeedfarm(b *testing.B) {
	files, _ := filepath.Glob("testdata/feedfarm/*.html")
	var pages [][]byte
	for _, f := range files {
		p, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		pages = append(pages, p)
	}
	u := mustURL(b, "http://127.0.0.1:8802/articles/1/1.html")
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := Extract(pages[i%len(pages)], u, "text/html; charset=utf-8", crosswire.Rules{}); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
