package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"strings"
	"time"

	"crosswire/content"
	"crosswire/feed"
	"crosswire/fetch"
)

// maxInspectBody caps what inspect reads from a URL or a file, like the
// fetcher's default body cap.
const maxInspectBody = 10 << 20

// runInspect parses one feed and prints what the hub sees: with --json the
// schema-v1 document of ../shared/conformance/SCHEMA.md, else a summary.
// With --full-text it extracts one article page instead (inspect_fulltext.go).
func runInspect(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "inspect", "[--json] [--base-url URL] [--allow-private] SOURCE\n"+
		"       crosswire inspect --full-text [--rules FILE.json | --source SLUG [--config FILE]] [--json] [--base-url URL] [--allow-private] PAGE\n\n"+
		"SOURCE is a feed, PAGE an article page: a file path, - for standard input, or an http(s) URL.")
	asJSON := fs.Bool("json", false, "print the normalized feed as JSON (schema v1); with --full-text, the extraction as JSON")
	baseURL := fs.String("base-url", "", "address the document was fetched from, for resolving relative links (default: the URL itself)")
	allowPrivate := fs.Bool("allow-private", false, "let a URL SOURCE resolve to a private or loopback address")
	fullText := fs.Bool("full-text", false, "extract the article from an HTML page with a source's rules, as full-text ingest does")
	rulesFile := fs.String("rules", "", "with --full-text: clean-up rules as JSON (content, remove, rewrite_links, strip_attrs)")
	slug := fs.String("source", "", "with --full-text: use this source's rules (from the config file, else the database)")
	cfgPath := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	src := fs.Arg(0)
	if *fullText {
		return runInspectFullText(ctx, sio, fullTextArgs{page: src, asJSON: *asJSON, baseURL: *baseURL,
			allowPrivate: *allowPrivate, rulesFile: *rulesFile, slug: *slug, cfgPath: *cfgPath})
	}
	if *rulesFile != "" || *slug != "" {
		fmt.Fprintln(sio.err, "crosswire inspect: --rules and --source go with --full-text")
		return errUsage
	}

	data, contentType, fetchedFrom, err := readSource(ctx, src, *allowPrivate)
	if err != nil {
		return err
	}
	opt := feed.Options{BaseURL: *baseURL, ContentType: contentType}
	if opt.BaseURL == "" {
		opt.BaseURL = fetchedFrom
	}
	doc, err := feed.Parse(data, opt)
	if err != nil {
		return fmt.Errorf("%s: %w", src, err)
	}
	if *asJSON {
		enc := json.NewEncoder(sio.out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		return enc.Encode(inspectDocument(doc))
	}
	printSummary(sio.out, doc)
	return nil
}

// readSource returns the bytes of a file, of standard input or of a URL,
// with the Content-Type and final address for a URL.
func readSource(ctx context.Context, src string, allowPrivate bool) (data []byte, contentType, fetchedFrom string, err error) {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		return fetchURL(ctx, src, fetch.AcceptFeeds, allowPrivate)
	}
	var r io.Reader
	if src == "-" {
		r = os.Stdin
	} else {
		f, err := os.Open(src)
		if err != nil {
			return nil, "", "", err
		}
		defer f.Close()
		r = f
	}
	data, err = io.ReadAll(io.LimitReader(r, maxInspectBody+1))
	if err != nil {
		return nil, "", "", fmt.Errorf("read %s: %w", src, err)
	}
	if len(data) > maxInspectBody {
		return nil, "", "", fmt.Errorf("%s: larger than %d bytes", src, maxInspectBody)
	}
	return data, "", "", nil
}

// fetchURL gets a feed the way the hub does (fetch.Client: redirects,
// gzip, size cap, timeouts, and the refusal of non-public addresses unless
// allowPrivate).
func fetchURL(ctx context.Context, src, accept string, allowPrivate bool) ([]byte, string, string, error) {
	c := fetch.New(fetch.Options{AllowPrivate: allowPrivate, MaxBodyBytes: maxInspectBody})
	defer c.CloseIdleConnections()
	resp, err := c.Get(ctx, fetch.Request{URL: src, Accept: accept})
	if err != nil {
		if errors.Is(err, fetch.ErrPrivateAddress) {
			return nil, "", "", fmt.Errorf("%w (use --allow-private for loopback or intranet addresses)", err)
		}
		return nil, "", "", err
	}
	return resp.Body, resp.ContentType, resp.URL, nil
}

// The JSON shapes of schema v1. Field order is the schema's.
type inspectOutput struct {
	Feed    inspectFeed    `json:"feed"`
	Entries []inspectEntry `json:"entries"`
}

type inspectFeed struct {
	Format      string   `json:"format"`
	Title       string   `json:"title"`
	Link        string   `json:"link"`
	FeedLink    string   `json:"feed_link"`
	Description string   `json:"description"`
	Language    string   `json:"language"`
	Updated     string   `json:"updated"`
	Authors     []string `json:"authors"`
}

type inspectEntry struct {
	ID         string             `json:"id"`
	Title      string             `json:"title"`
	Link       string             `json:"link"`
	Published  string             `json:"published"`
	Updated    string             `json:"updated"`
	Authors    []string           `json:"authors"`
	Categories []string           `json:"categories"`
	Summary    string             `json:"summary"`
	Content    string             `json:"content"`
	Enclosures []inspectEnclosure `json:"enclosures"`
}

type inspectEnclosure struct {
	URL    string `json:"url"`
	Type   string `json:"type"`
	Length int64  `json:"length"`
}

// inspectDocument maps a parsed feed onto schema v1, sanitizing the HTML
// fields exactly as the hub does before storing them.
func inspectDocument(doc *feed.Feed) inspectOutput {
	out := inspectOutput{
		Feed: inspectFeed{
			Format:      doc.Format,
			Title:       doc.Title,
			Link:        doc.Link,
			FeedLink:    doc.FeedLink,
			Description: doc.Description,
			Language:    doc.Language,
			Updated:     rfc3339(doc.Updated),
			Authors:     nonNil(doc.Authors),
		},
		Entries: make([]inspectEntry, 0, len(doc.Entries)),
	}
	for _, e := range doc.Entries {
		base, err := url.Parse(e.Base)
		if err != nil || e.Base == "" {
			base = nil
		}
		ie := inspectEntry{
			ID:         e.ID,
			Title:      e.Title,
			Link:       e.Link,
			Published:  rfc3339(e.Published),
			Updated:    rfc3339(e.Updated),
			Authors:    nonNil(e.Authors),
			Categories: nonNil(e.Categories),
			Summary:    content.Sanitize(e.Summary, base),
			Content:    content.Sanitize(e.Content, base),
			Enclosures: make([]inspectEnclosure, 0, len(e.Enclosures)),
		}
		for _, enc := range e.Enclosures {
			ie.Enclosures = append(ie.Enclosures, inspectEnclosure{URL: enc.URL, Type: enc.Type, Length: enc.Length})
		}
		out.Entries = append(out.Entries, ie)
	}
	return out
}

func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05Z")
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func printSummary(w io.Writer, doc *feed.Feed) {
	fmt.Fprintf(w, "%s feed: %s\n", strings.ToUpper(doc.Format), orDash(doc.Title))
	if doc.Link != "" {
		fmt.Fprintf(w, "site:     %s\n", doc.Link)
	}
	if doc.FeedLink != "" {
		fmt.Fprintf(w, "self:     %s\n", doc.FeedLink)
	}
	if doc.Language != "" {
		fmt.Fprintf(w, "language: %s\n", doc.Language)
	}
	if !doc.Updated.IsZero() {
		fmt.Fprintf(w, "updated:  %s\n", rfc3339(doc.Updated))
	}
	if doc.TTL > 0 {
		fmt.Fprintf(w, "ttl:      %s\n", doc.TTL)
	}
	fmt.Fprintf(w, "entries:  %d\n", len(doc.Entries))
	for i, e := range doc.Entries {
		when := rfc3339(e.Published)
		if when == "" {
			when = rfc3339(e.Updated)
		}
		fmt.Fprintf(w, "\n%3d. %s\n", i+1, orDash(e.Title))
		if when != "" {
			fmt.Fprintf(w, "     %s\n", when)
		}
		if e.Link != "" {
			fmt.Fprintf(w, "     %s\n", e.Link)
		}
		if e.ID != e.Link {
			fmt.Fprintf(w, "     id: %s\n", e.ID)
		}
	}
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
