package ingest

import "testing"

func TestCanonicalURL(t *testing.T) {
	tests := map[string]string{
		"https://News.Example.com/a/1?utm_source=rss&utm_medium=feed":      "https://news.example.com/a/1",
		"https://example.com/a?id=7&fbclid=XYZ&page=2#comments":            "https://example.com/a?id=7&page=2",
		"https://example.com/a?gclid=1&UTM_Campaign=x":                     "https://example.com/a",
		"  https://example.com/plain  ":                                    "https://example.com/plain",
		"not a url":                                                        "not a url",
		"https://example.com/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8?x": "https://example.com/%D0%BD%D0%BE%D0%B2%D0%BE%D1%81%D1%82%D0%B8?x",
	}
	for in, want := range tests {
		if got := CanonicalURL(in); got != want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestKey(t *testing.T) {
	byGUID := Key("urn:uuid:1", "https://e.com/a?utm_source=x", "T", "B")
	if byGUID != "id:urn:uuid:1" {
		t.Errorf("guid key = %q", byGUID)
	}
	// A permalink guid equal to the link and the same link with tracking
	// junk are one article.
	a := Key("https://e.com/a?utm_source=rss", "https://e.com/a?utm_source=rss", "T", "B")
	b := Key("", "https://e.com/a?utm_source=twitter", "Other title", "other")
	if a != b || a != "url:https://e.com/a" {
		t.Errorf("link keys differ: %q vs %q", a, b)
	}
	h1, h2 := Key("", "", "Title", "Body"), Key("", "", "Title", "Body changed")
	if h1 == h2 || h1 != Key("", "", "Title", "Body") {
		t.Errorf("hash keys: %q %q", h1, h2)
	}
}
