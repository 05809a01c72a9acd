// Package config loads the hub's configuration file (YAML) into domain
// values. Every error names the file, the line and the key that is wrong.
package config

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"crosswire"
	"crosswire/content"
)

// Config is the whole hub configuration, validated and with defaults set.
type Config struct {
	Path string // the file it was read from

	Site     Site
	Database string // SQLite file path (default ./data/crosswire.db)
	MediaDir string // mirrored images (default: beside the database, "media")
	Polling  Polling
	Admin    Admin
	Sources  []Source
}

// Site describes the public website.
type Site struct {
	Title        string
	BaseURL      string // absolute URL the site is reached at
	Listen       string // host:port
	Perspectives []string
	PageSize     int
}

// Polling holds the defaults of the fetcher and the scheduler.
type Polling struct {
	Interval     time.Duration // starting interval of a feed
	MinInterval  time.Duration
	MaxInterval  time.Duration
	Workers      int // polls in flight at once
	PerHost      int // requests in flight per host
	Timeout      time.Duration
	MaxBodyBytes int64
	AllowPrivate bool // allow private/loopback addresses (tests, demo, intranets)
	UserAgent    string
	Revisits     []time.Duration // when an article page is fetched again after publication
}

// Admin configures authentication of admin actions.
type Admin struct {
	Token string // bearer token for the admin API; empty disables it
}

// Source is an outlet as configured: the domain source plus its feeds.
type Source struct {
	crosswire.Source
	Feeds []string
}

// Defaults used when a key is absent.
const (
	DefaultDatabase    = "./data/crosswire.db"
	DefaultListen      = "127.0.0.1:8080"
	DefaultInterval    = 15 * time.Minute
	DefaultMinInterval = 5 * time.Minute
	DefaultMaxInterval = 6 * time.Hour
	DefaultWorkers     = 16
	DefaultPerHost     = 4
	DefaultTimeout     = 30 * time.Second
	DefaultMaxBody     = 10 << 20
	DefaultPageSize    = 30
)

// DefaultRevisits is when article pages are revisited after publication.
func DefaultRevisits() []time.Duration {
	return []time.Duration{time.Hour, 6 * time.Hour, 24 * time.Hour, 72 * time.Hour}
}

// Error is a configuration problem at one place in the file.
type Error struct {
	File string
	Line int
	Key  string // dotted path, e.g. sources[2].ownership
	Msg  string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	if e.Key != "" {
		fmt.Fprintf(&b, ": %s", e.Key)
	}
	fmt.Fprintf(&b, ": %s", e.Msg)
	return b.String()
}

// Load reads and validates the file at path.
func Load(path string) (*Config, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read config: %w", err)
	}
	return Parse(path, data)
}

// Parse validates data as read from path. Relative paths in it (the
// database, local feed files) are relative to the file's directory.
func Parse(path string, data []byte) (*Config, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(data, &root); err != nil {
		return nil, yamlError(path, err)
	}
	var raw fileConfig
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(&raw); err != nil && !errors.Is(err, io.EOF) {
		return nil, yamlError(path, err)
	}
	dir, err := filepath.Abs(filepath.Dir(path))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	v := validator{file: path, root: &root, dir: dir}
	cfg := v.build(&raw)
	if len(v.errs) > 0 {
		return nil, errors.Join(v.errs...)
	}
	cfg.Path = path
	return cfg, nil
}

var (
	yamlLine    = regexp.MustCompile(`^yaml: line (\d+): (.*)$`)
	typeLine    = regexp.MustCompile(`^line (\d+): (.*)$`)
	slugRe      = regexp.MustCompile(`^[a-z0-9][a-z0-9-]{0,62}$`)
	countryCode = regexp.MustCompile(`^[A-Z]{2}$`)
	unknownKey  = regexp.MustCompile(`^field (\S+) not found in type .*$`)
)

// tidy rewrites the YAML library's Go-flavoured messages for operators.
func tidy(msg string) string {
	if m := unknownKey.FindStringSubmatch(msg); m != nil {
		return fmt.Sprintf("unknown key %q (see README.md, Configuration)", m[1])
	}
	return msg
}

// yamlError turns the YAML library's message into our file:line form.
func yamlError(path string, err error) error {
	msg := err.Error()
	if m := yamlLine.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscan(m[1], &line)
		return &Error{File: path, Line: line, Msg: tidy(strings.TrimSpace(m[2]))}
	}
	var te *yaml.TypeError
	if errors.As(err, &te) {
		var errs []error
		for _, e := range te.Errors {
			if m := typeLine.FindStringSubmatch(e); m != nil {
				var line int
				fmt.Sscan(m[1], &line)
				errs = append(errs, &Error{File: path, Line: line, Msg: tidy(m[2])})
				continue
			}
			errs = append(errs, &Error{File: path, Msg: e})
		}
		return errors.Join(errs...)
	}
	return &Error{File: path, Msg: strings.TrimPrefix(msg, "yaml: ")}
}

// fileConfig mirrors the YAML keys; README.md documents each one.
type fileConfig struct {
	Site struct {
		Title        string   `yaml:"title"`
		BaseURL      string   `yaml:"base_url"`
		Listen       string   `yaml:"listen"`
		Perspectives []string `yaml:"perspectives"`
		PageSize     int      `yaml:"page_size"`
	} `yaml:"site"`
	Database string `yaml:"database"`
	MediaDir string `yaml:"media_dir"`
	Polling  struct {
		Interval     string   `yaml:"interval"`
		MinInterval  string   `yaml:"min_interval"`
		MaxInterval  string   `yaml:"max_interval"`
		Workers      int      `yaml:"workers"`
		PerHost      int      `yaml:"per_host"`
		Timeout      string   `yaml:"timeout"`
		MaxBody      string   `yaml:"max_body"`
		AllowPrivate bool     `yaml:"allow_private"`
		UserAgent    string   `yaml:"user_agent"`
		Revisits     []string `yaml:"revisits"`
	} `yaml:"polling"`
	Admin struct {
		Token string `yaml:"token"`
	} `yaml:"admin"`
	Sources []SourceInput `yaml:"sources"`
}

// SourceInput is a source as a person writes it: in the config file, as
// `crosswire sources add` flags or in an imported OPML file. All three are
// validated by the same code.
type SourceInput struct {
	Slug           string          `yaml:"slug"`
	Name           string          `yaml:"name"`
	Homepage       string          `yaml:"homepage"`
	Country        string          `yaml:"country"`
	Ownership      string          `yaml:"ownership"`
	Language       string          `yaml:"language"`
	Perspective    string          `yaml:"perspective"`
	Disclaimer     string          `yaml:"disclaimer"`
	Republish      bool            `yaml:"republish"`
	RepublishFrom  string          `yaml:"republish_from"`
	RepublishUntil string          `yaml:"republish_until"`
	Paused         bool            `yaml:"paused"`
	FullText       string          `yaml:"full_text"`
	MirrorMedia    bool            `yaml:"mirror_media"`
	Rules          crosswire.Rules `yaml:"rules"`
	Feeds          []string        `yaml:"feeds"`
}

// ParseSource validates one source given outside the config file; where
// names the origin in errors. Relative feed paths are relative to the
// working directory.
func ParseSource(where string, in SourceInput) (Source, error) {
	dir, _ := os.Getwd()
	v := validator{file: where, dir: dir}
	s := v.source("", in)
	if len(v.errs) > 0 {
		return Source{}, errors.Join(v.errs...)
	}
	return s, nil
}

type validator struct {
	file string
	dir  string
	root *yaml.Node
	errs []error
}

func (v *validator) fail(key, format string, args ...any) {
	key = strings.TrimPrefix(key, ".")
	v.errs = append(v.errs, &Error{File: v.file, Line: v.line(key), Key: key, Msg: fmt.Sprintf(format, args...)})
}

// line finds the line of a dotted key such as sources[1].feeds[0] in the
// parsed document, falling back to the nearest existing parent.
func (v *validator) line(key string) int {
	_, line := v.walk(key)
	return line
}

// node returns the YAML node at key, or nil.
func (v *validator) node(key string) *yaml.Node {
	n, _ := v.walk(key)
	return n
}

// walk follows key as far as it exists; it returns the node found (nil
// unless the whole key exists) and the line of the deepest part found.
func (v *validator) walk(key string) (*yaml.Node, int) {
	n := v.root
	if n == nil || len(n.Content) == 0 {
		return nil, 0
	}
	n = n.Content[0]
	line := n.Line
	for _, part := range splitKey(key) {
		next, l := child(n, part)
		if next == nil {
			return nil, line
		}
		n, line = next, l
	}
	return n, line
}

func splitKey(key string) []string {
	var parts []string
	for _, p := range strings.Split(key, ".") {
		for {
			i := strings.IndexByte(p, '[')
			if i < 0 {
				parts = append(parts, p)
				break
			}
			if i > 0 {
				parts = append(parts, p[:i])
			}
			j := strings.IndexByte(p, ']')
			parts = append(parts, p[i:j+1])
			p = p[j+1:]
			if p == "" {
				break
			}
		}
	}
	return parts
}

func child(n *yaml.Node, part string) (*yaml.Node, int) {
	if strings.HasPrefix(part, "[") {
		var i int
		fmt.Sscanf(part, "[%d]", &i)
		if n.Kind == yaml.SequenceNode && i < len(n.Content) {
			return n.Content[i], n.Content[i].Line
		}
		return nil, 0
	}
	if n.Kind != yaml.MappingNode {
		return nil, 0
	}
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == part {
			return n.Content[i+1], n.Content[i].Line
		}
	}
	return nil, 0
}

func (v *validator) build(raw *fileConfig) *Config {
	c := &Config{
		Site: Site{
			Title:        raw.Site.Title,
			BaseURL:      strings.TrimRight(raw.Site.BaseURL, "/"),
			Listen:       raw.Site.Listen,
			Perspectives: raw.Site.Perspectives,
			PageSize:     raw.Site.PageSize,
		},
		Database: raw.Database,
		MediaDir: raw.MediaDir,
		Admin:    Admin{Token: raw.Admin.Token},
	}
	if c.Site.Title == "" {
		c.Site.Title = "crosswire"
	}
	if c.Site.Listen == "" {
		c.Site.Listen = DefaultListen
	}
	if _, _, err := net.SplitHostPort(c.Site.Listen); err != nil {
		v.fail("site.listen", "want host:port, got %q", c.Site.Listen)
	}
	if c.Site.BaseURL == "" {
		c.Site.BaseURL = "http://" + c.Site.Listen
	} else if u, err := url.Parse(c.Site.BaseURL); err != nil || !u.IsAbs() || (u.Scheme != "http" && u.Scheme != "https") {
		v.fail("site.base_url", "want an absolute http(s) URL, got %q", c.Site.BaseURL)
	}
	if c.Site.PageSize == 0 {
		c.Site.PageSize = DefaultPageSize
	} else if c.Site.PageSize < 1 || c.Site.PageSize > 500 {
		v.fail("site.page_size", "want 1..500, got %d", c.Site.PageSize)
	}
	if c.Database == "" {
		c.Database = DefaultDatabase
	}
	if !isDSN(c.Database) {
		c.Database = v.abs(c.Database)
	}
	if c.MediaDir == "" {
		if isDSN(c.Database) {
			c.MediaDir = v.abs("./data/media")
		} else {
			c.MediaDir = filepath.Join(filepath.Dir(c.Database), "media")
		}
	} else {
		c.MediaDir = v.abs(c.MediaDir)
	}

	p := &c.Polling
	p.Interval = v.duration("polling.interval", raw.Polling.Interval, DefaultInterval)
	p.MinInterval = v.duration("polling.min_interval", raw.Polling.MinInterval, DefaultMinInterval)
	p.MaxInterval = v.duration("polling.max_interval", raw.Polling.MaxInterval, DefaultMaxInterval)
	if p.MinInterval > p.MaxInterval {
		v.fail("polling.min_interval", "%s is longer than max_interval %s", p.MinInterval, p.MaxInterval)
	}
	p.Timeout = v.duration("polling.timeout", raw.Polling.Timeout, DefaultTimeout)
	p.Workers = v.positive("polling.workers", raw.Polling.Workers, DefaultWorkers)
	p.PerHost = v.positive("polling.per_host", raw.Polling.PerHost, DefaultPerHost)
	p.MaxBodyBytes = DefaultMaxBody
	if raw.Polling.MaxBody != "" {
		n, err := ParseSize(raw.Polling.MaxBody)
		if err != nil {
			v.fail("polling.max_body", "%v", err)
		}
		p.MaxBodyBytes = n
	}
	p.AllowPrivate = raw.Polling.AllowPrivate
	p.UserAgent = raw.Polling.UserAgent
	if raw.Polling.Revisits == nil {
		p.Revisits = DefaultRevisits()
	}
	for i, s := range raw.Polling.Revisits {
		p.Revisits = append(p.Revisits, v.duration(fmt.Sprintf("polling.revisits[%d]", i), s, 0))
	}

	seen := map[string]int{}
	for i, fs := range raw.Sources {
		if !republishSet(v.root, i) {
			fs.Republish = true // republishing is the point of listing a source
		}
		key := fmt.Sprintf("sources[%d]", i)
		s := v.source(key, fs)
		if prev, dup := seen[s.Slug]; dup && s.Slug != "" {
			v.fail(key+".slug", "slug %q is already used by sources[%d]", s.Slug, prev)
		}
		seen[s.Slug] = i
		c.Sources = append(c.Sources, s)
	}
	return c
}

// republishSet reports whether sources[i] has an explicit republish key.
func republishSet(root *yaml.Node, i int) bool {
	v := validator{root: root}
	n := v.node(fmt.Sprintf("sources[%d]", i))
	if n == nil {
		return false
	}
	c, _ := child(n, "republish")
	return c != nil
}

func (v *validator) source(key string, fs SourceInput) Source {
	s := Source{Source: crosswire.Source{
		Slug:        fs.Slug,
		Name:        fs.Name,
		Homepage:    fs.Homepage,
		Country:     strings.ToUpper(fs.Country),
		Language:    fs.Language,
		Perspective: fs.Perspective,
		Disclaimer:  strings.TrimSpace(fs.Disclaimer),
		Republish:   fs.Republish,
		Paused:      fs.Paused,
		FullText:    fs.FullText,
		MirrorMedia: fs.MirrorMedia,
		Rules:       fs.Rules,
	}}
	if s.Name == "" {
		v.fail(key+".name", "a source needs a name")
	}
	if s.Slug == "" {
		s.Slug = Slugify(s.Name)
	}
	if !slugRe.MatchString(s.Slug) {
		v.fail(key+".slug", "%q is not a slug (lower-case letters, digits and dashes)", s.Slug)
	}
	if s.Homepage != "" {
		if u, err := url.Parse(s.Homepage); err != nil || !u.IsAbs() {
			v.fail(key+".homepage", "want an absolute URL, got %q", s.Homepage)
		}
	}
	if s.Country != "" && !countryCode.MatchString(s.Country) {
		v.fail(key+".country", "want a two-letter country code (ISO 3166-1), got %q", fs.Country)
	}
	own, err := crosswire.ParseOwnership(strings.ToLower(strings.TrimSpace(fs.Ownership)))
	if err != nil {
		v.fail(key+".ownership", "%v", err)
	}
	s.Ownership = own
	switch s.FullText {
	case "":
		s.FullText = crosswire.FullTextAuto
	case crosswire.FullTextAuto, crosswire.FullTextAlways, crosswire.FullTextNever:
	default:
		v.fail(key+".full_text", "want auto, always or never, got %q", s.FullText)
	}
	if err := content.ValidateRules(s.Rules); err != nil {
		v.fail(key+".rules", "%v", err)
	}
	s.RepublishFrom = v.date(key+".republish_from", fs.RepublishFrom)
	s.RepublishUntil = v.date(key+".republish_until", fs.RepublishUntil)
	if !s.RepublishFrom.IsZero() && !s.RepublishUntil.IsZero() && !s.RepublishFrom.Before(s.RepublishUntil) {
		v.fail(key+".republish_until", "must be after republish_from")
	}
	if len(fs.Feeds) == 0 {
		v.fail(key+".feeds", "a source needs at least one feed URL or file")
	}
	for j, f := range fs.Feeds {
		u, err := v.feedURL(f)
		if err != nil {
			v.fail(fmt.Sprintf("%s.feeds[%d]", key, j), "%v", err)
			continue
		}
		s.Feeds = append(s.Feeds, u)
	}
	return s
}

// feedURL accepts http(s) URLs, file:// URLs and plain paths (relative to
// the config file), returning an absolute URL.
func (v *validator) feedURL(s string) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return "", errors.New("empty feed address")
	}
	u, err := url.Parse(s)
	if err == nil && (u.Scheme == "http" || u.Scheme == "https") {
		if u.Host == "" {
			return "", fmt.Errorf("%q has no host", s)
		}
		return u.String(), nil
	}
	if err == nil && u.Scheme == "file" {
		return u.String(), nil
	}
	if err == nil && u.Scheme != "" && len(u.Scheme) > 1 {
		return "", fmt.Errorf("unsupported scheme %q in %q (want http, https, file or a path)", u.Scheme, s)
	}
	return (&url.URL{Scheme: "file", Path: filepath.ToSlash(v.abs(s))}).String(), nil
}

func (v *validator) abs(p string) string {
	if filepath.IsAbs(p) {
		return filepath.Clean(p)
	}
	return filepath.Join(v.dir, p)
}

func (v *validator) duration(key, s string, def time.Duration) time.Duration {
	if s == "" {
		return def
	}
	d, err := time.ParseDuration(s)
	if err != nil || d <= 0 {
		v.fail(key, "want a positive duration such as 15m or 2h, got %q", s)
		return def
	}
	return d
}

func (v *validator) positive(key string, n, def int) int {
	if n == 0 {
		return def
	}
	if n < 0 {
		v.fail(key, "want a positive number, got %d", n)
		return def
	}
	return n
}

// date accepts a date (2026-12-31, start of that day UTC) or RFC 3339.
func (v *validator) date(key, s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t.UTC()
		}
	}
	v.fail(key, "want a date (2026-12-31) or RFC 3339 time, got %q", s)
	return time.Time{}
}

// PostgreSQL reports whether Database names a PostgreSQL server (a
// postgres:// URL) rather than a SQLite file.
func (c *Config) PostgreSQL() bool { return isDSN(c.Database) }

func isDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// ParseSize reads sizes such as 10MiB, 512KB, 1048576.
func ParseSize(s string) (int64, error) {
	s = strings.TrimSpace(s)
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		n      int64
	}{{"GiB", 1 << 30}, {"MiB", 1 << 20}, {"KiB", 1 << 10}, {"GB", 1e9}, {"MB", 1e6}, {"KB", 1e3}, {"B", 1}} {
		if strings.HasSuffix(s, u.suffix) {
			mult = u.n
			s = strings.TrimSpace(strings.TrimSuffix(s, u.suffix))
			break
		}
	}
	var n int64
	if _, err := fmt.Sscan(s, &n); err != nil || n <= 0 {
		return 0, fmt.Errorf("want a size such as 10MiB, got %q", s)
	}
	return n * mult, nil
}

// Slugify makes a URL-safe slug from a name (ASCII letters and digits).
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case b.Len() > 0 && !dash:
			b.WriteByte('-')
			dash = true
		}
	}
	return strings.Trim(b.String(), "-")
}
