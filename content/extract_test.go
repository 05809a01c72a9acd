package content

import (
	"encoding/json"
	"errors"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"crosswire"
)

// fixture is one saved article page with the paragraphs a faithful
// extraction must yield.
type fixture struct {
	name        string
	page        []byte
	url         *url.URL
	contentType string
	rules       crosswire.Rules
	want        []string // required paragraphs, in order
	optional    []string // neither required nor counted against precision ("? " lines)
}

func loadFixtures(t testing.TB) []fixture {
	t.Helper()
	pages, err := filepath.Glob("testdata/pages/*.html")
	if err != nil || len(pages) == 0 {
		t.Fatalf("no fixture pages: %v", err)
	}
	var out []fixture
	for _, p := range pages {
		name := strings.TrimSuffix(filepath.Base(p), ".html")
		f := fixture{name: name}
		if f.page, err = os.ReadFile(p); err != nil {
			t.Fatal(err)
		}
		exp, err := os.ReadFile(strings.TrimSuffix(p, ".html") + ".expected.txt")
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		for line := range strings.SplitSeq(string(exp), "\n") {
			line = strings.TrimSpace(line)
			switch {
			case line == "":
			case strings.HasPrefix(line, "? "):
				f.optional = append(f.optional, normPara(line[2:]))
			default:
				f.want = append(f.want, normPara(line))
			}
		}
		cfg := struct {
			URL         string          `json:"url"`
			ContentType string          `json:"content_type"`
			Rules       crosswire.Rules `json:"rules"`
		}{URL: "https://news.example/2024/" + name + "/"}
		if data, err := os.ReadFile(strings.TrimSuffix(p, ".html") + ".json"); err == nil {
			if err := json.Unmarshal(data, &cfg); err != nil {
				t.Fatalf("%s.json: %v", name, err)
			}
		}
		f.url = mustURL(t, cfg.URL)
		f.contentType = cfg.ContentType
		f.rules = cfg.Rules
		out = append(out, f)
	}
	return out
}

// normPara makes paragraphs comparable: whitespace (NBSP too) collapsed.
func normPara(s string) string { return collapseSpace(s) }

// paragraphs splits a PlainText rendering into its paragraphs and lines.
func paragraphs(text string) []string {
	var out []string
	for line := range strings.SplitSeq(text, "\n") {
		if l := normPara(line); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// TestExtractFixtures measures paragraph precision and recall over the
// fixture pages. A paragraph counts when it is extracted exactly (after
// whitespace normalization): a teaser glued to a paragraph or a paragraph
// cut short counts as both a miss and a false hit. The thresholds (0.95
// each) allow about one boilerplate line or one lost caption per 20
// paragraphs across the set; every body paragraph of every page is
// expected, so a regression on any page shows.
func TestExtractFixtures(t *testing.T) {
	fixtures := loadFixtures(t)
	var tp, fp, fn, orderErrs int
	for _, f := range fixtures {
		ex, err := Extract(f.page, f.url, f.contentType, f.rules)
		if err != nil {
			t.Errorf("%s: %v", f.name, err)
			fn += len(f.want)
			continue
		}
		got := paragraphs(ex.Text)
		want := map[string]int{}
		for i, w := range f.want {
			want[w] = i
		}
		opt := map[string]bool{}
		for _, o := range f.optional {
			opt[o] = true
		}
		found := map[string]bool{}
		last := -1
		for _, g := range got {
			if i, ok := want[g]; ok {
				if !found[g] {
					tp++
					found[g] = true
					if i < last {
						orderErrs++
						t.Errorf("%s: out of order: %q", f.name, g)
					}
					last = i
				}
				continue
			}
			if opt[g] {
				continue
			}
			fp++
			t.Logf("%s: extra: %q", f.name, g)
		}
		for _, w := range f.want {
			if !found[w] {
				fn++
				t.Logf("%s: missing: %q", f.name, w)
			}
		}
		if ex.Title == "" {
			t.Errorf("%s: no title", f.name)
		}
		if strings.Contains(ex.HTML, "<script") || strings.Contains(ex.HTML, "data:image/gif") {
			t.Errorf("%s: unsafe or placeholder markup in HTML", f.name)
		}
	}
	precision := float64(tp) / float64(tp+fp)
	recall := float64(tp) / float64(tp+fn)
	t.Logf("paragraphs over %d pages: precision %.3f (%d/%d), recall %.3f (%d/%d), order errors %d",
		len(fixtures), precision, tp, tp+fp, recall, tp, tp+fn, orderErrs)
	if precision < 0.95 || recall < 0.95 {
		t.Errorf("precision %.3f / recall %.3f below 0.95", precision, recall)
	}
}

func TestExtractMetadata(t *testing.T) {
	byName := map[string]fixture{}
	for _, f := range loadFixtures(t) {
		byName[f.name] = f
	}
	tests := []struct {
		name, title, byline, image string
		published                  time.Time
	}{
		{"rt-style", "Moscow rejects Baltic cable sabotage claims", "RT", "https://mf.b37mrtl.ru/files/2024.01/article/65a1b2c3.jpg", time.Date(2024, 1, 16, 14, 22, 5, 0, time.UTC)},
		{"wordpress-news", "City council approves €2.4bn transport overhaul", "Sofia Almeida", "https://harbourgazette.example/wp-content/uploads/2024/03/tram-1920.jpg", time.Date(2024, 3, 14, 22, 41, 9, 0, time.UTC)},
		{"russian-cp1251", "В Калининграде открыли новый морской терминал", "Ирина Волкова", "https://baltvesti.example/upload/iblock/3f2/terminal.jpg", time.Date(2024, 4, 11, 6, 30, 0, 0, time.UTC)},
		{"longform-magazine", "The quiet collapse of the river fisheries", "Lan Pham, David Okoro", "https://longreads.example/img/mekong-2000.jpg", time.Date(2023, 11, 20, 0, 0, 0, 0, time.UTC)},
		{"german-regional", "Neue Radwege: Stadt plant 40 Kilometer bis 2027", "Katrin Vogel", "https://img.rheinland-anzeiger.example/2024/05/radweg-1600.jpg", time.Date(2024, 5, 21, 5, 15, 0, 0, time.UTC)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, ok := byName[tt.name]
			if !ok {
				t.Fatalf("no fixture %s", tt.name)
			}
			ex, err := Extract(f.page, f.url, f.contentType, f.rules)
			if err != nil {
				t.Fatal(err)
			}
			if ex.Title != tt.title || ex.Byline != tt.byline || ex.Image != tt.image || !ex.Published.Equal(tt.published) {
				t.Errorf("got title %q byline %q image %q published %v\nwant %q %q %q %v",
					ex.Title, ex.Byline, ex.Image, ex.Published, tt.title, tt.byline, tt.image, tt.published)
			}
		})
	}
}

func TestExtractErrors(t *testing.T) {
	u := mustURL(t, "https://news.example/a")
	if _, err := Extract([]byte(`{"a":1}`), u, "application/json", crosswire.Rules{}); !errors.Is(err, ErrNotHTML) {
		t.Errorf("json: got %v, want ErrNotHTML", err)
	}
	if _, err := Extract(nil, u, "text/html", crosswire.Rules{}); !errors.Is(err, ErrNoContent) {
		t.Errorf("empty: got %v, want ErrNoContent", err)
	}
	consent := []byte(`<html><body><div class="consent"><p>Before you continue, accept our cookies.</p><button>Accept</button></div></body></html>`)
	if _, err := Extract(consent, u, "text/html", crosswire.Rules{}); !errors.Is(err, ErrNoContent) {
		t.Errorf("consent wall: got %v, want ErrNoContent", err)
	}
	if _, err := Extract([]byte(`<p>x</p>`), u, "", crosswire.Rules{Content: []string{"div["}}); err == nil || !strings.Contains(err.Error(), `"div["`) {
		t.Errorf("bad selector: got %v, want an error naming it", err)
	}
}

// TestExtractRules checks that per-source rules win over the defaults.
func TestExtractRules(t *testing.T) {
	page := []byte(`<html><head><title>T</title></head><body>
<div class="story"><p class="keep">` + strings.Repeat("Body sentence of the article. ", 12) + `</p>
<p class="promo-x">Outlet-specific promo line that no default knows.</p>
<p>Second <a href="https://old.example/a">paragraph</a> with a link. ` + strings.Repeat("More words here. ", 8) + `</p></div>
<div class="other"><p>` + strings.Repeat("Sidebar text that is long. ", 20) + `</p></div></body></html>`)
	rules := crosswire.Rules{
		Content:      []string{"#missing", "div.story"},
		Remove:       []string{".promo-x"},
		RewriteLinks: []crosswire.LinkRewrite{{From: "https://old.example/", To: "https://new.example/"}},
		StripAttrs:   []string{"class"},
	}
	ex, err := Extract(page, mustURL(t, "https://news.example/a"), "text/html; charset=utf-8", rules)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(ex.Text, "promo line") || strings.Contains(ex.Text, "Sidebar") {
		t.Errorf("rules not applied: %q", ex.Text)
	}
	if !strings.Contains(ex.HTML, `href="https://new.example/a"`) || !strings.Contains(ex.Text, "Second paragraph") {
		t.Errorf("link rewrite or body missing: %s", ex.HTML)
	}
}

func BenchmarkExtractFixtures(b *testing.B) {
	fixtures := loadFixtures(b)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		f := fixtures[i%len(fixtures)]
		if _, err := Extract(f.page, f.url, f.contentType, f.rules); err != nil {
			b.Fatal(err)
		}
		i++
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
