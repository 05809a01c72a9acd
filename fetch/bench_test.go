package fetch

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
)

// The hub must poll >= 2,000 unchanged feeds/s on 2 cores, so the 304 path
// is the one that matters. ns/op includes the in-process httptest server's
// share of the CPU.
func BenchmarkGet304(b *testing.B) {
	srv := serve(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("ETag", `"v1"`)
		if r.Header.Get("If-None-Match") == `"v1"` {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Write([]byte("<rss/>"))
	})
	c := testClient(b, Options{})
	req := Request{URL: srv.URL + "/feeds/1.xml", ETag: `"v1"`, LastModified: "Mon, 03 Mar 2025 10:00:00 GMT", Accept: AcceptFeeds}
	ctx := context.Background()
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Get(ctx, req)
		if err != nil || !res.NotModified {
			b.Fatal(res, err)
		}
	}
}

// Parallel 304s against one host, as the benchmark harness drives feedfarm:
// PerHost raised so the limiter is not what is measured.
func BenchmarkGet304Parallel(b *testing.B) {
	srv := serve(b, func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotModified)
	})
	c := testClient(b, Options{PerHost: 64})
	req := Request{URL: srv.URL + "/feeds/1.xml", ETag: `"v1"`, Accept: AcceptFeeds}
	b.ReportAllocs()
	b.SetParallelism(4)
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if res, err := c.Get(context.Background(), req); err != nil || !res.NotModified {
				b.Error(res, err)
				return
			}
		}
	})
}

// feedBody is ~size bytes of feed-like XML: repetitive markup around
// pseudo-random prose, so it compresses about as well as real feeds (about 5x),
// not as well as a repeated string would.
func feedBody(size int) []byte {
	words := strings.Fields("the minister said on tuesday that talks with regional leaders over " +
		"budget reform would resume after protests in the capital drew thousands of people " +
		"police estimated while opposition figures called for an inquiry into spending " +
		"energy prices election court ruling ceasefire harvest exports central bank inflation")
	var sb strings.Builder
	sb.WriteString(`<?xml version="1.0"?><rss version="2.0"><channel><title>Bench</title>`)
	x := uint32(1)
	word := func() string {
		x = x*1664525 + 1013904223
		return words[x>>16%uint32(len(words))]
	}
	for i := 0; sb.Len() < size; i++ {
		fmt.Fprintf(&sb, "<item><title>Item %d</title><link>https://example.com/news/%d</link>"+
			"<guid>urn:bench:%x</guid><description><![CDATA[<p>", i, i*7919, i*2654435761)
		for j := 0; j < 60; j++ {
			sb.WriteString(word())
			sb.WriteByte(' ')
		}
		sb.WriteString("</p>]]></description></item>\n")
	}
	sb.WriteString("</channel></rss>")
	return []byte(sb.String())
}

func BenchmarkGetGzip100KB(b *testing.B) {
	body := feedBody(100 << 10)
	z := gzipped(b, body)
	srv := serve(b, func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Encoding", "gzip")
		w.Header().Set("Content-Type", "application/rss+xml")
		w.Write(z)
	})
	c := testClient(b, Options{})
	req := Request{URL: srv.URL + "/feeds/1.xml", Accept: AcceptFeeds}
	ctx := context.Background()
	b.SetBytes(int64(len(body)))
	b.ReportAllocs()
	for b.Loop() {
		res, err := c.Get(ctx, req)
		if err != nil || len(res.Body) != len(body) {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(z)), "wire-B/op")
}
