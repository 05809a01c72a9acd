package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
)

// inspectPage is an outlet's article page: a body the readability pass
// would take with its "Promoted" box, which a source rule removes, and a
// live-blog sidebar a content rule steers around.
const inspectPage = `<!DOCTYPE html><html><head><title>Ferry back in service | Harbour Courier</title>
<meta name="author" content="Mara Lindqvist"></head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article><h1>Ferry back in service</h1>
<div class="story-text">
<p>The harbour ferry returned to service on Saturday morning after a three-week repair, carrying its first passengers across the bay shortly after seven.</p>
<div class="ferry-deals"><p>Promoted: Book your summer crossing now and save twenty per cent on every return ticket this season.</p></div>
<p>Engineers replaced the starboard propeller shaft, which cracked during the storm in February, and the port authority said the vessel passed its inspection on Friday.</p>
<p>Commuters who had relied on the replacement bus service welcomed the return of the ferry at the north quay.</p>
</div></article>
<footer><p>© 2026 Harbour Courier</p></footer></body></html>`

const inspectRulesJSON = `{"content": ["div.missing", "div.story-text"], "remove": [".ferry-deals"]}`

func TestInspectFullTextRulesFile(t *testing.T) {
	page := writeInspectFile(t, "ferry.html", inspectPage)
	rules := writeInspectFile(t, "rules.json", inspectRulesJSON)
	out, _, err := inspectCmd(t, "--full-text", "--rules", rules, "--base-url", "https://courier.example/news/ferry", page)
	if err != nil {
		t.Fatalf("inspect: %v\n%s", err, out)
	}
	for _, want := range []string{
		"page:      https://courier.example/news/ferry",
		`"div.missing"`, "no match",
		`"div.story-text"`, "1 matched: picks the body",
		`".ferry-deals"`, "1 removed",
		"title:     Ferry back in service",
		"byline:    Mara Lindqvist",
		"3 paragraphs",
		"carrying its first passengers across the bay shortly after seven.\n\nEngineers replaced",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	if strings.Contains(out, "Book your summer crossing") || strings.Contains(out, "Home") {
		t.Errorf("output carries removed content:\n%s", out)
	}

	// Without the rules, the promotion stays: the operator sees what the
	// rule is for.
	out, _, err = inspectCmd(t, "--full-text", page)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, "built-in clean-up only") || !strings.Contains(out, "Book your summer crossing") {
		t.Errorf("without rules:\n%s", out)
	}
}

func TestInspectFullTextSourceFromConfig(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path != "/news/ferry" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, inspectPage)
	}))
	defer srv.Close()
	dir := t.TempDir()
	cfg := filepath.Join(dir, "hub.yaml")
	writeFile(t, cfg, `
site: {title: Hub, base_url: "http://hub.test"}
database: data/hub.db
sources:
  - name: Harbour Courier
    slug: courier
    ownership: private
    full_text: always
    rules:
      content: ["div.story-text"]
      remove: [".ferry-deals"]
    feeds: ["`+srv.URL+`/rss"]
`)
	out, _, err := inspectCmd(t, "--full-text", "--json", "--allow-private", "--source", "courier", "--config", cfg, srv.URL+"/news/ferry")
	if err != nil {
		t.Fatalf("inspect: %v\n%s", err, out)
	}
	var got inspectExtraction
	if err := json.Unmarshal([]byte(out), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out)
	}
	if got.Page != srv.URL+"/news/ferry" || !strings.Contains(got.Rules, "source courier") || got.Title != "Ferry back in service" {
		t.Errorf("page %q, rules %q, title %q", got.Page, got.Rules, got.Title)
	}
	if strings.Contains(got.Text, "Promoted") || !strings.Contains(got.HTML, "<p>Commuters who had relied") {
		t.Errorf("extraction: %q", got.Text)
	}
	if len(got.Matches) != 2 || !got.Matches[0].Used || got.Matches[1].Matches != 1 {
		t.Errorf("matches: %+v", got.Matches)
	}

	if _, _, err := inspectCmd(t, "--full-text", "--source", "nobody", "--config", cfg, srv.URL+"/news/ferry"); err == nil || !strings.Contains(err.Error(), `"nobody"`) {
		t.Errorf("unknown source: %v", err)
	}
	if _, _, err := inspectCmd(t, "--full-text", srv.URL+"/news/ferry"); err == nil || !strings.Contains(err.Error(), "--allow-private") {
		t.Errorf("loopback page without --allow-private: %v", err)
	}
}

func TestInspectFullTextFailures(t *testing.T) {
	page := writeInspectFile(t, "ferry.html", inspectPage)
	wall := writeInspectFile(t, "wall.html", `<html><body><div class="consent"><p>Please accept cookies to continue.</p></div></body></html>`)
	out, _, err := inspectCmd(t, "--full-text", wall)
	if err == nil || !strings.Contains(out, "extraction failed") || !strings.Contains(out, "keep the feed's text") {
		t.Errorf("consent wall: err %v\n%s", err, out)
	}
	bad := writeInspectFile(t, "bad.json", `{"content": ["div["]}`)
	if _, _, err := inspectCmd(t, "--full-text", "--rules", bad, page); err == nil || !strings.Contains(err.Error(), `"div["`) {
		t.Errorf("bad selector: %v", err)
	}
	unknown := writeInspectFile(t, "unknown.json", `{"contnet": ["div"]}`)
	if _, _, err := inspectCmd(t, "--full-text", "--rules", unknown, page); err == nil || !strings.Contains(err.Error(), "contnet") {
		t.Errorf("misspelt key: %v", err)
	}
	rules := writeInspectFile(t, "rules.json", inspectRulesJSON)
	for _, args := range [][]string{
		{"--full-text", "--rules", rules, "--source", "x", page},
		{"--rules", rules, page},
	} {
		if _, _, err := inspectCmd(t, args...); !errors.Is(err, errUsage) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
}
