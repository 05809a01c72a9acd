package content

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"

	"crosswire"
)

// Cleaner applies one source's rules on top of the built-in clean-up.
// Compile it once per source (NewCleaner) and reuse it; it is safe for
// concurrent use. The zero value and nil apply the defaults only.
type Cleaner struct {
	content []cascadia.Selector
	remove  []cascadia.Selector
	strip   map[string]bool
	opts    Options
}

// NewCleaner compiles rules. A selector that does not parse is an error
// naming it, so a config loader can report it against the source.
func NewCleaner(r crosswire.Rules) (*Cleaner, error) {
	c := &Cleaner{opts: Options{RewriteLinks: r.RewriteLinks}}
	for _, s := range r.Content {
		sel, err := cascadia.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("content selector %q: %w", s, err)
		}
		c.content = append(c.content, sel)
	}
	for _, s := range r.Remove {
		sel, err := cascadia.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("remove selector %q: %w", s, err)
		}
		c.remove = append(c.remove, sel)
	}
	for _, a := range r.StripAttrs {
		if c.strip == nil {
			c.strip = make(map[string]bool)
		}
		c.strip[strings.ToLower(strings.TrimSpace(a))] = true
	}
	for _, rw := range r.RewriteLinks {
		if rw.From == "" {
			return nil, fmt.Errorf("link rewrite to %q: empty from", rw.To)
		}
		if _, err := url.Parse(rw.To); err != nil {
			return nil, fmt.Errorf("link rewrite to %q: %w", rw.To, err)
		}
	}
	return c, nil
}

// ValidateRules reports the first rule that cannot be used.
func ValidateRules(r crosswire.Rules) error {
	_, err := NewCleaner(r)
	return err
}

// Clean is Sanitize plus the clean-up a republished article needs: the
// built-in defaults (inline "Read more:" teaser boxes, share bars and
// share links, newsletter and comment boxes, ad slots and their labels,
// hidden elements) and the source's Remove, StripAttrs and RewriteLinks
// rules. Content selectors are for whole pages (Extract) and are not used
// here. The ingest pipeline stores Clean's output for feed content.
func (c *Cleaner) Clean(fragment string, base *url.URL) string {
	if strings.TrimSpace(fragment) == "" {
		return ""
	}
	nodes, err := parseFragment(fragment)
	if err != nil {
		return ""
	}
	// Hang the fragment under one root so removal works on top-level
	// nodes too.
	root := &html.Node{Type: html.ElementNode, Data: "div"}
	for _, n := range nodes {
		root.AppendChild(n)
	}
	c.prepare(root)
	return sanitizeNodes(children(root), base, c.options())
}

// CleanWithText is Clean that also returns the cleaned HTML's plain text,
// exactly what PlainText(cleaned) returns, without parsing the cleaned
// HTML again (ingest stores both).
func (c *Cleaner) CleanWithText(fragment string, base *url.URL) (cleaned, text string) {
	cleaned = c.Clean(fragment, base)
	return cleaned, plainTextOfSanitized(cleaned)
}

// Clean cleans a feed's HTML with rules (see Cleaner.Clean). Invalid
// selectors are skipped here; ValidateRules reports them when the rules
// are loaded.
func Clean(fragment string, base *url.URL, rules crosswire.Rules) string {
	c, err := NewCleaner(rules)
	if err != nil {
		c = lenientCleaner(rules)
	}
	return c.Clean(fragment, base)
}

// lenientCleaner compiles what it can of rules.
func lenientCleaner(r crosswire.Rules) *Cleaner {
	c := &Cleaner{}
	for _, s := range r.Content {
		if sel, err := cascadia.Compile(s); err == nil {
			c.content = append(c.content, sel)
		}
	}
	for _, s := range r.Remove {
		if sel, err := cascadia.Compile(s); err == nil {
			c.remove = append(c.remove, sel)
		}
	}
	for _, a := range r.StripAttrs {
		if c.strip == nil {
			c.strip = make(map[string]bool)
		}
		c.strip[strings.ToLower(a)] = true
	}
	for _, rw := range r.RewriteLinks {
		if rw.From != "" {
			c.opts.RewriteLinks = append(c.opts.RewriteLinks, rw)
		}
	}
	return c
}

func (c *Cleaner) options() Options {
	if c == nil {
		return Options{}
	}
	return c.opts
}

// prepare applies the Remove selectors, then the built-in clean-up,
// then StripAttrs under root (a source's own selectors run before the
// generic guesses; attributes are stripped last so selectors and the
// defaults still see the classes they match on).
func (c *Cleaner) prepare(root *html.Node) {
	c.removeSelected(root)
	removeJunk(root)
	c.stripAttrs(root)
}

func (c *Cleaner) stripAttrs(root *html.Node) {
	if c != nil && len(c.strip) > 0 {
		stripAttrs(root, c.strip)
	}
}

func (c *Cleaner) removeSelected(root *html.Node) {
	if c != nil {
		for _, sel := range c.remove {
			for _, n := range sel.MatchAll(root) {
				if n.Parent != nil && n != root {
					n.Parent.RemoveChild(n)
				}
			}
		}
	}
}

func stripAttrs(n *html.Node, strip map[string]bool) {
	if n.Type == html.ElementNode && len(n.Attr) > 0 {
		kept := n.Attr[:0]
		for _, a := range n.Attr {
			if !strip[a.Key] {
				kept = append(kept, a)
			}
		}
		n.Attr = kept
	}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		stripAttrs(c, strip)
	}
}

func children(n *html.Node) []*html.Node {
	var out []*html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		out = append(out, c)
	}
	return out
}
