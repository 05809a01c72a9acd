package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"testing"

	"crosswire/feed"
)

func inspectCmd(t *testing.T, args ...string) (string, string, error) {
	t.Helper()
	var out, errb bytes.Buffer
	err := runInspect(context.Background(), stdio{&out, &errb}, args)
	return out.String(), errb.String(), err
}

func writeInspectFile(t *testing.T, name, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
	return p
}

const inspectSampleRSS = `<?xml version="1.0"?>
<rss version="2.0"><channel>
<title>Harbour &amp; Town</title><link>/</link>
<item><title>Ferry &lt;b&gt;back&lt;/b&gt; in service</title><link>/news/ferry</link>
<pubDate>Mon, 02 Jun 2025 08:00:00 +0200</pubDate>
<description>&lt;p onclick="x()"&gt;The &lt;a href="/timetable"&gt;timetable&lt;/a&gt;.&lt;/p&gt;&lt;script&gt;alert(1)&lt;/script&gt;</description>
<enclosure url="/a.mp3" length="12" type="audio/mpeg"/>
</item></channel></rss>`

func TestInspectJSON(t *testing.T) {
	path := writeInspectFile(t, "feed.xml", inspectSampleRSS)
	out, _, err := inspectCmd(t, "--json", "--base-url", "https://harbour.example/feed.xml", path)
	if err != nil {
		t.Fatal(err)
	}
	var doc struct {
		Feed    map[string]any   `json:"feed"`
		Entries []map[string]any `json:"entries"`
	}
	if err := json.Unmarshal([]byte(out), &doc); err != nil {
		t.Fatalf("output is not JSON: %v\n%s", err, out)
	}
	for _, k := range []string{"format", "title", "link", "feed_link", "description", "language", "updated", "authors"} {
		if _, ok := doc.Feed[k]; !ok {
			t.Errorf("feed.%s missing", k)
		}
	}
	if doc.Feed["title"] != "Harbour & Town" || doc.Feed["link"] != "https://harbour.example/" {
		t.Errorf("feed = %v", doc.Feed)
	}
	if len(doc.Entries) != 1 {
		t.Fatalf("entries = %v", doc.Entries)
	}
	e := doc.Entries[0]
	for _, k := range []string{"id", "title", "link", "published", "updated", "authors", "categories", "summary", "content", "enclosures"} {
		if _, ok := e[k]; !ok {
			t.Errorf("entries[0].%s missing", k)
		}
	}
	if e["title"] != "Ferry back in service" {
		t.Errorf("title = %q", e["title"])
	}
	if e["published"] != "2025-06-02T06:00:00Z" || e["updated"] != "" {
		t.Errorf("dates = %q, %q", e["published"], e["updated"])
	}
	if e["id"] != "https://harbour.example/news/ferry" {
		t.Errorf("id = %q (the link is the fallback id)", e["id"])
	}
	summary, _ := e["summary"].(string)
	for _, bad := range []string{"<script", "onclick", "alert("} {
		if strings.Contains(summary, bad) {
			t.Errorf("summary %q is not sanitized (%s)", summary, bad)
		}
	}
	if !strings.Contains(summary, `href="https://harbour.example/timetable"`) {
		t.Errorf("summary %q: relative link not resolved against --base-url", summary)
	}
	encs, _ := e["enclosures"].([]any)
	if len(encs) != 1 || encs[0].(map[string]any)["length"] != float64(12) || encs[0].(map[string]any)["url"] != "https://harbour.example/a.mp3" {
		t.Errorf("enclosures = %v", encs)
	}
	if strings.Contains(out, `\u003c`) {
		t.Error("HTML in the JSON is \\u-escaped; the schema's consumers read it raw")
	}
}

func TestInspectSummary(t *testing.T) {
	path := writeInspectFile(t, "feed.xml", inspectSampleRSS)
	out, _, err := inspectCmd(t, path)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"RSS feed: Harbour & Town", "entries:  1", "Ferry back in service", "2025-06-02T06:00:00Z"} {
		if !strings.Contains(out, want) {
			t.Errorf("summary lacks %q:\n%s", want, out)
		}
	}
}

func TestInspectURL(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/feed.xml":
			w.Header().Set("Content-Type", "application/rss+xml; charset=utf-8")
			fmt.Fprint(w, inspectSampleRSS)
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	if _, _, err := inspectCmd(t, "--json", srv.URL+"/feed.xml"); err == nil || !strings.Contains(err.Error(), "--allow-private") {
		t.Errorf("loopback URL without --allow-private: err = %v", err)
	}
	out, _, err := inspectCmd(t, "--json", "--allow-private", srv.URL+"/feed.xml")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out, `"link": "`+srv.URL+`/news/ferry"`) {
		t.Errorf("links not resolved against the fetched URL:\n%s", out)
	}
	if _, _, err := inspectCmd(t, "--allow-private", srv.URL+"/missing.xml"); err == nil || !strings.Contains(err.Error(), "404") {
		t.Errorf("404: err = %v", err)
	}
}

func TestInspectErrors(t *testing.T) {
	page := writeInspectFile(t, "page.html", "<!DOCTYPE html><html><body><p>Hello</p></body></html>")
	_, _, err := inspectCmd(t, "--json", page)
	if !errors.Is(err, feed.ErrNotFeed) {
		t.Errorf("HTML page: err = %v, want ErrNotFeed", err)
	}
	empty := writeInspectFile(t, "empty.xml", "")
	if _, _, err := inspectCmd(t, empty); !errors.Is(err, feed.ErrNotFeed) {
		t.Errorf("empty file: err = %v", err)
	}
	if _, _, err := inspectCmd(t, filepath.Join(t.TempDir(), "nope.xml")); err == nil {
		t.Error("missing file: no error")
	}
	if _, _, err := inspectCmd(t); !errors.Is(err, errUsage) {
		t.Errorf("no source: err = %v, want errUsage", err)
	}
	_, stderr, err := inspectCmd(t, "--help")
	if !errors.Is(err, flag.ErrHelp) || !strings.Contains(stderr, "--base-url") {
		t.Errorf("--help: err = %v, stderr %q", err, stderr)
	}

	// Through run(): exit status 1 and one line on stderr.
	var out, errb bytes.Buffer
	if code := run(context.Background(), stdio{&out, &errb}, []string{"inspect", "--json", page}); code != 1 {
		t.Errorf("exit status %d, want 1", code)
	}
	if lines := strings.Count(strings.TrimSpace(errb.String()), "\n"); lines != 0 || errb.Len() == 0 {
		t.Errorf("stderr should be one line: %q", errb.String())
	}
	if out.Len() != 0 {
		t.Errorf("stdout for a non-feed: %q", out.String())
	}
}

// TestInspectConformance runs the shared conformance corpus in-process, with
// the same check semantics as ../shared/conformance/check.py, and fails
// below the 95% the project requires.
func TestInspectConformance(t *testing.T) {
	root := filepath.Join("..", "..", "..", "shared", "conformance", "cases")
	if _, err := os.Stat(root); err != nil {
		t.Skipf("conformance corpus not found at %s (../shared is absent): %v", root, err)
	}
	specs, err := filepath.Glob(filepath.Join(root, "*", "*.expect.json"))
	if err != nil || len(specs) == 0 {
		t.Fatalf("no cases under %s: %v", root, err)
	}
	sort.Strings(specs)
	passed := 0
	var failures []string
	for _, specPath := range specs {
		name := strings.TrimSuffix(strings.TrimPrefix(specPath, root+string(filepath.Separator)), ".expect.json")
		if reason := confRunCase(t, specPath); reason != "" {
			failures = append(failures, name+": "+reason)
			continue
		}
		passed++
	}
	rate := float64(passed) / float64(len(specs))
	t.Logf("conformance: %d passed, %d failed (%.1f%%)", passed, len(failures), 100*rate)
	for _, f := range failures {
		t.Log("FAIL " + f)
	}
	if rate < 0.95 {
		t.Errorf("conformance pass rate %.1f%% is below 95%%", 100*rate)
	}
}

type confSpec struct {
	BaseURL     string           `json:"base_url"`
	ExpectError any              `json:"expect_error"`
	Input       string           `json:"input"`
	Checks      []map[string]any `json:"checks"`
}

// confRunCase returns "" when the case passes, else the first reason it fails.
func confRunCase(t *testing.T, specPath string) string {
	raw, err := os.ReadFile(specPath)
	if err != nil {
		return err.Error()
	}
	var spec confSpec
	if err := json.Unmarshal(raw, &spec); err != nil {
		return "broken spec: " + err.Error()
	}
	stem := strings.TrimSuffix(specPath, ".expect.json")
	input := ""
	if spec.Input != "" {
		input = filepath.Join(filepath.Dir(specPath), spec.Input)
	} else {
		matches, _ := filepath.Glob(stem + ".*")
		for _, m := range matches {
			if m != specPath && !strings.Contains(strings.TrimPrefix(m, stem+"."), ".") {
				input = m
			}
		}
	}
	if input == "" {
		return "no input file"
	}
	args := []string{"--json"}
	if spec.BaseURL != "" {
		args = append(args, "--base-url", spec.BaseURL)
	}
	args = append(args, input)
	var out, errb bytes.Buffer
	runErr := runInspect(context.Background(), stdio{&out, &errb}, args)
	switch spec.ExpectError {
	case true:
		if runErr == nil {
			return "expected an error, got a feed"
		}
		return ""
	case "allowed":
		if runErr != nil {
			return ""
		}
	default:
		if runErr != nil {
			return "error: " + runErr.Error()
		}
	}
	var doc any
	if err := json.Unmarshal(out.Bytes(), &doc); err != nil {
		return "stdout is not JSON: " + err.Error()
	}
	for _, chk := range spec.Checks {
		if reason := confEvaluate(doc, chk); reason != "" {
			return reason
		}
	}
	return ""
}

var confPathToken = regexp.MustCompile(`^\s*(?:\.?([A-Za-z_][A-Za-z0-9_\-]*)|\[\s*(-?\d+)\s*\])`)

type confMissing struct{}

func confResolve(doc any, path string) any {
	path = strings.TrimSpace(path)
	if path == "" || path == "." {
		return doc
	}
	cur := doc
	for path != "" {
		m := confPathToken.FindStringSubmatch(path)
		if m == nil || len(m[0]) == 0 {
			return confMissing{}
		}
		path = path[len(m[0]):]
		if m[1] != "" {
			obj, ok := cur.(map[string]any)
			if !ok {
				return confMissing{}
			}
			if cur, ok = obj[m[1]]; !ok {
				return confMissing{}
			}
			continue
		}
		arr, ok := cur.([]any)
		i, _ := strconv.Atoi(m[2])
		if i < 0 {
			i += len(arr)
		}
		if !ok || i < 0 || i >= len(arr) {
			return confMissing{}
		}
		cur = arr[i]
	}
	return cur
}

func confCollapse(s string) string { return strings.Join(strings.Fields(s), " ") }

func confEqual(got, want any) bool {
	switch w := want.(type) {
	case string:
		g, ok := got.(string)
		return ok && confCollapse(g) == confCollapse(w)
	case []any:
		g, ok := got.([]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for i := range w {
			if !confEqual(g[i], w[i]) {
				return false
			}
		}
		return true
	case map[string]any:
		g, ok := got.(map[string]any)
		if !ok || len(g) != len(w) {
			return false
		}
		for k, v := range w {
			if !confEqual(g[k], v) {
				return false
			}
		}
		return true
	}
	return got == want
}

func confText(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return x, true
	case nil:
		return "", false
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(v)
	return strings.TrimSpace(b.String()), true
}

func confNeedles(v any) []string {
	if s, ok := v.(string); ok {
		return []string{s}
	}
	var out []string
	for _, x := range v.([]any) {
		out = append(out, x.(string))
	}
	return out
}

func confEmpty(v any) bool {
	switch x := v.(type) {
	case nil:
		return true
	case string:
		return strings.TrimSpace(x) == ""
	case []any:
		return len(x) == 0
	case map[string]any:
		return len(x) == 0
	}
	return false
}

func confEvaluate(doc any, chk map[string]any) string {
	path, _ := chk["path"].(string)
	got := confResolve(doc, path)
	if _, missing := got.(confMissing); missing {
		return path + ": path not found"
	}
	show := func(v any) string {
		s, _ := confText(v)
		if len(s) > 160 {
			s = s[:157] + "..."
		}
		return s
	}
	if want, ok := chk["count"]; ok {
		n := -1
		switch g := got.(type) {
		case []any:
			n = len(g)
		case map[string]any:
			n = len(g)
		}
		if float64(n) != want.(float64) {
			return fmt.Sprintf("%s count: got %d want %v", path, n, want)
		}
	}
	if want, ok := chk["empty"]; ok && confEmpty(got) != want.(bool) {
		return fmt.Sprintf("%s empty=%v: got %s", path, want, show(got))
	}
	if want, ok := chk["equals"]; ok && !confEqual(got, want) {
		return fmt.Sprintf("%s equals: got %s want %s", path, show(got), show(want))
	}
	if want, ok := chk["includes"]; ok {
		arr, isArr := got.([]any)
		found := false
		for _, g := range arr {
			found = found || confEqual(g, want)
		}
		if !isArr || !found {
			return fmt.Sprintf("%s includes: got %s want an element %s", path, show(got), show(want))
		}
	}
	if want, ok := chk["contains"]; ok {
		text, ok := confText(got)
		if !ok {
			return path + " contains: got null"
		}
		hay := confCollapse(text)
		for _, n := range confNeedles(want) {
			if !strings.Contains(hay, confCollapse(n)) {
				return fmt.Sprintf("%s contains: %q not in %s", path, n, show(got))
			}
		}
	}
	if want, ok := chk["not_contains"]; ok {
		if text, ok := confText(got); ok {
			low := strings.ToLower(text)
			for _, n := range confNeedles(want) {
				if strings.Contains(low, strings.ToLower(n)) {
					return fmt.Sprintf("%s not_contains: %q found in %s", path, n, show(got))
				}
			}
		}
	}
	if want, ok := chk["matches"]; ok {
		s, isStr := got.(string)
		re, err := regexp.Compile(want.(string))
		if err != nil || !isStr || !re.MatchString(s) {
			return fmt.Sprintf("%s matches: got %s want /%s/", path, show(got), want)
		}
	}
	return ""
}
