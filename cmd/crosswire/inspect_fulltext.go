package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"crosswire"
	"crosswire/content"
	"crosswire/fetch"
)

// fullTextArgs are the flags of `crosswire inspect --full-text`.
type fullTextArgs struct {
	page         string
	asJSON       bool
	baseURL      string
	allowPrivate bool
	rulesFile    string
	slug         string
	cfgPath      string
}

// runInspectFullText shows what full-text ingest makes of one article
// page with a source's rules, so an operator can tune them: which of the
// rules matched, the page's metadata and the extracted text, or why
// extraction failed (the hub would then keep the feed's text).
func runInspectFullText(ctx context.Context, sio stdio, a fullTextArgs) error {
	if a.rulesFile != "" && a.slug != "" {
		fmt.Fprintln(sio.err, "crosswire inspect: give --rules or --source, not both")
		return errUsage
	}
	rules, rulesFrom, err := inspectRules(ctx, a)
	if err != nil {
		return err
	}
	clean, err := content.NewCleaner(rules)
	if err != nil {
		return fmt.Errorf("rules of %s: %w", rulesFrom, err)
	}
	page, contentType, pageURL, err := readPage(ctx, a.page, a.allowPrivate)
	if err != nil {
		return err
	}
	if a.baseURL != "" {
		pageURL = a.baseURL
	}
	u, err := url.Parse(pageURL)
	if err != nil {
		return fmt.Errorf("base URL %q: %w", pageURL, err)
	}
	matches := ruleMatches(page, rules)
	ex, exErr := clean.Extract(page, u, contentType)

	if a.asJSON {
		out := inspectExtraction{Page: pageURL, Rules: rulesFrom, Matches: matches}
		if exErr != nil {
			out.Error = exErr.Error()
		} else {
			out.Title, out.Byline, out.Image, out.HTML, out.Text = ex.Title, ex.Byline, ex.Image, ex.HTML, ex.Text
			out.Published = rfc3339(ex.Published)
		}
		enc := json.NewEncoder(sio.out)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return err
		}
		if exErr != nil {
			return fmt.Errorf("%s: %w", a.page, exErr)
		}
		return nil
	}

	w := sio.out
	fmt.Fprintf(w, "page:      %s\n", pageURL)
	fmt.Fprintf(w, "rules:     %s\n", rulesFrom)
	for _, m := range matches {
		fmt.Fprintf(w, "  %-8s %-40q %s\n", m.Rule, m.Selector, m.describe())
	}
	if len(rules.Content) > 0 && !anyContentMatched(matches) {
		fmt.Fprintln(w, "  no content selector matched: the body is found by readability")
	}
	if exErr != nil {
		fmt.Fprintf(w, "\nextraction failed: %v\nfull-text ingest would keep the feed's text and record this as the article's extract note.\n", exErr)
		return fmt.Errorf("%s: %w", a.page, exErr)
	}
	fmt.Fprintf(w, "title:     %s\n", orDash(ex.Title))
	fmt.Fprintf(w, "byline:    %s\n", orDash(ex.Byline))
	fmt.Fprintf(w, "published: %s\n", orDash(rfc3339(ex.Published)))
	fmt.Fprintf(w, "image:     %s\n", orDash(ex.Image))
	paras := strings.Split(ex.Text, "\n\n")
	fmt.Fprintf(w, "text:      %d characters, %d paragraphs\n\n", len([]rune(ex.Text)), len(paras))
	fmt.Fprintln(w, ex.Text)
	return nil
}

// inspectRules returns the rules to apply and says where they came from:
// a JSON file, a source of the config file (else of the database), or
// none (the built-in clean-up alone).
func inspectRules(ctx context.Context, a fullTextArgs) (crosswire.Rules, string, error) {
	var r crosswire.Rules
	switch {
	case a.rulesFile != "":
		data, err := os.ReadFile(a.rulesFile)
		if err != nil {
			return r, "", err
		}
		dec := json.NewDecoder(bytes.NewReader(data))
		dec.DisallowUnknownFields()
		if err := dec.Decode(&r); err != nil {
			return r, "", fmt.Errorf("rules file %s: %w", a.rulesFile, err)
		}
		return r, "built-in clean-up + " + a.rulesFile, nil
	case a.slug != "":
		cfg, err := loadConfig(a.cfgPath)
		if err != nil {
			return r, "", err
		}
		for _, s := range cfg.Sources {
			if s.Slug == a.slug {
				return s.Rules, "built-in clean-up + source " + a.slug + " (" + cfg.Path + ")", nil
			}
		}
		// Added at run time (`crosswire sources add`, the admin API): the
		// database has it.
		st, err := openStore(ctx, cfg)
		if err != nil {
			return r, "", err
		}
		defer st.Close()
		s, err := st.SourceBySlug(ctx, a.slug)
		if errors.Is(err, crosswire.ErrNotFound) {
			return r, "", fmt.Errorf("source %q is neither in %s nor in the database %s", a.slug, cfg.Path, cfg.Database)
		}
		if err != nil {
			return r, "", err
		}
		return s.Rules, "built-in clean-up + source " + a.slug + " (database " + cfg.Database + ")", nil
	}
	return r, "built-in clean-up only", nil
}

// readPage reads an article page from a file, standard input or a URL
// (fetched like full-text ingest does), with its Content-Type and the
// address relative links resolve against.
func readPage(ctx context.Context, src string, allowPrivate bool) (page []byte, contentType, pageURL string, err error) {
	if strings.HasPrefix(src, "http://") || strings.HasPrefix(src, "https://") {
		return fetchURL(ctx, src, fetch.AcceptPages, allowPrivate)
	}
	page, _, _, err = readSource(ctx, src, false)
	if err != nil {
		return nil, "", "", err
	}
	// A saved page has no address: links stay relative to its file (and
	// are dropped by the sanitizer) unless --base-url says where it was.
	pageURL = "file:///stdin"
	if src != "-" {
		if abs, err := filepath.Abs(src); err == nil {
			pageURL = (&url.URL{Scheme: "file", Path: filepath.ToSlash(abs)}).String()
		}
	}
	return page, "", pageURL, nil
}

// ruleMatch is how many elements of the page one of the source's
// selectors matches.
type ruleMatch struct {
	Rule     string `json:"rule"` // "content" or "remove"
	Selector string `json:"selector"`
	Matches  int    `json:"matches"`
	Used     bool   `json:"used,omitempty"` // the content selector that picks the body
}

func (m ruleMatch) describe() string {
	switch {
	case m.Rule == "content" && m.Used:
		return fmt.Sprintf("%d matched: picks the body", m.Matches)
	case m.Rule == "content" && m.Matches > 0:
		return fmt.Sprintf("%d matched (an earlier selector picks the body)", m.Matches)
	case m.Rule == "remove":
		return fmt.Sprintf("%d removed", m.Matches)
	}
	return "no match"
}

func anyContentMatched(ms []ruleMatch) bool {
	for _, m := range ms {
		if m.Used {
			return true
		}
	}
	return false
}

// ruleMatches counts what the source's own selectors match on the page as
// it was fetched. (The built-in clean-up does not report what it removes.)
func ruleMatches(page []byte, r crosswire.Rules) []ruleMatch {
	if len(r.Content) == 0 && len(r.Remove) == 0 {
		return nil
	}
	doc, err := html.Parse(bytes.NewReader(page))
	if err != nil {
		return nil
	}
	var out []ruleMatch
	used := false
	for _, s := range r.Content {
		m := ruleMatch{Rule: "content", Selector: s}
		if sel, err := cascadia.Compile(s); err == nil {
			m.Matches = len(sel.MatchAll(doc))
		}
		if m.Matches > 0 && !used {
			m.Used, used = true, true
		}
		out = append(out, m)
	}
	for _, s := range r.Remove {
		m := ruleMatch{Rule: "remove", Selector: s}
		if sel, err := cascadia.Compile(s); err == nil {
			m.Matches = len(sel.MatchAll(doc))
		}
		out = append(out, m)
	}
	return out
}

// inspectExtraction is the --json form of an inspection.
type inspectExtraction struct {
	Page      string      `json:"page"`
	Rules     string      `json:"rules"`
	Matches   []ruleMatch `json:"matches"`
	Error     string      `json:"error,omitempty"`
	Title     string      `json:"title,omitempty"`
	Byline    string      `json:"byline,omitempty"`
	Published string      `json:"published,omitempty"`
	Image     string      `json:"image,omitempty"`
	HTML      string      `json:"html,omitempty"`
	Text      string      `json:"text,omitempty"`
}
