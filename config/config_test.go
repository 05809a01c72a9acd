package config

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"crosswire"
)

const good = `
site:
  title: Test hub
  base_url: https://news.example.org/
  listen: 127.0.0.1:9090
database: data/hub.db
polling:
  interval: 10m
  max_body: 2MiB
  allow_private: true
  revisits: [2h, 48h]
sources:
  - name: Example Times
    homepage: https://times.example.com
    country: gb
    ownership: public
    language: en
    disclaimer: |
      Republished with *permission*.
    republish_until: 2027-01-01
    rules:
      remove: [".teaser"]
      rewrite_links: [{from: "http://m.example.com", to: "https://example.com"}]
    feeds:
      - https://times.example.com/rss
      - feeds/local.xml
  - slug: state-wire
    name: State Wire
    ownership: state
    republish: false
    feeds: [file:///srv/feeds/wire.xml]
`

func TestParseGood(t *testing.T) {
	path := filepath.Join("/etc/crosswire", "hub.yaml")
	c, err := Parse(path, []byte(good))
	if err != nil {
		t.Fatal(err)
	}
	if c.Site.BaseURL != "https://news.example.org" || c.Site.Listen != "127.0.0.1:9090" {
		t.Errorf("site = %+v", c.Site)
	}
	if c.Database != "/etc/crosswire/data/hub.db" {
		t.Errorf("database = %q, want it relative to the config file", c.Database)
	}
	if c.MediaDir != "/etc/crosswire/data/media" {
		t.Errorf("media dir = %q", c.MediaDir)
	}
	if c.Polling.Interval != 10*time.Minute || c.Polling.MinInterval != DefaultMinInterval || c.Polling.MaxBodyBytes != 2<<20 || !c.Polling.AllowPrivate {
		t.Errorf("polling = %+v", c.Polling)
	}
	if len(c.Polling.Revisits) != 2 || c.Polling.Revisits[1] != 48*time.Hour {
		t.Errorf("revisits = %v", c.Polling.Revisits)
	}
	if len(c.Sources) != 2 {
		t.Fatalf("sources = %d", len(c.Sources))
	}
	s := c.Sources[0]
	if s.Slug != "example-times" || s.Country != "GB" || s.Ownership != crosswire.OwnershipPublic || !s.Republish {
		t.Errorf("source 0 = %+v", s.Source)
	}
	if s.Disclaimer != "Republished with *permission*." {
		t.Errorf("disclaimer = %q", s.Disclaimer)
	}
	if want := time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC); !s.RepublishUntil.Equal(want) {
		t.Errorf("until = %v", s.RepublishUntil)
	}
	if s.FullText != crosswire.FullTextAuto || len(s.Rules.Remove) != 1 || s.Rules.RewriteLinks[0].To != "https://example.com" {
		t.Errorf("rules = %+v full_text = %q", s.Rules, s.FullText)
	}
	if s.Feeds[1] != "file:///etc/crosswire/feeds/local.xml" {
		t.Errorf("local feed = %q", s.Feeds[1])
	}
	if c.Sources[1].Ownership != crosswire.OwnershipStateOwned || c.Sources[1].Republish {
		t.Errorf("source 1 = %+v", c.Sources[1].Source)
	}
}

func TestParseErrorsNameFileLineAndKey(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want []string // substrings of the error
	}{
		{"unknown key", "site:\n  titel: x\n", []string{"hub.yaml:2", "titel"}},
		{"bad ownership", "sources:\n  - name: A\n    ownership: governmental\n    feeds: [https://a.example/rss]\n", []string{"hub.yaml:3", "sources[0].ownership", "governmental"}},
		{"no feeds", "sources:\n  - name: A\n", []string{"hub.yaml:2", "sources[0].feeds", "at least one feed"}},
		{"bad duration", "polling:\n  interval: soon\n", []string{"hub.yaml:2", "polling.interval", "soon"}},
		{"bad date", "sources:\n  - name: A\n    republish_until: next year\n    feeds: [x.xml]\n", []string{"hub.yaml:3", "republish_until"}},
		{"duplicate slug", "sources:\n  - name: A\n    feeds: [a.xml]\n  - name: A\n    feeds: [b.xml]\n", []string{"hub.yaml:4", "sources[1].slug", "already used"}},
		{"bad scheme", "sources:\n  - name: A\n    feeds: [ftp://x/y]\n", []string{"hub.yaml:3", "sources[0].feeds[0]", "ftp"}},
		{"syntax", "site: [\n", []string{"hub.yaml:"}},
		{"wrong type", "polling:\n  workers: many\n", []string{"hub.yaml:2", "many"}},
		{"bad selector", "sources:\n  - name: A\n    rules:\n      remove: [\"div[\"]\n    feeds: [a.xml]\n", []string{"hub.yaml:3", "sources[0].rules", "div["}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("hub.yaml", []byte(tt.yaml))
			if err == nil {
				t.Fatal("no error")
			}
			for _, w := range tt.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("error %q does not mention %q", err, w)
				}
			}
			var ce *Error
			if !errors.As(err, &ce) {
				t.Errorf("error %T is not a *config.Error", err)
			}
		})
	}
}

func TestDefaults(t *testing.T) {
	c, err := Parse("/srv/hub.yaml", nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Database != "/srv/data/crosswire.db" || c.Site.Listen != DefaultListen || c.Site.BaseURL != "http://"+DefaultListen {
		t.Errorf("defaults = %+v", c)
	}
	if c.Polling.Workers != DefaultWorkers || len(c.Polling.Revisits) != 4 {
		t.Errorf("polling defaults = %+v", c.Polling)
	}
}

func TestSlugifyAndSize(t *testing.T) {
	if got := Slugify("  Meridian Wire (EN) "); got != "meridian-wire-en" {
		t.Errorf("Slugify = %q", got)
	}
	for in, want := range map[string]int64{"10MiB": 10 << 20, "512 KB": 512000, "42": 42} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v", in, got, err)
		}
	}
	if _, err := ParseSize("lots"); err == nil {
		t.Error("ParseSize(lots) succeeded")
	}
}
