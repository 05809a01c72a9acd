package crosswire

import (
	"fmt"
	"time"
)

// Ownership says who owns an outlet. Readers compare coverage by it.
type Ownership string

const (
	OwnershipStateOwned  Ownership = "state-owned"
	OwnershipPublic      Ownership = "public"
	OwnershipPrivate     Ownership = "private"
	OwnershipIndependent Ownership = "independent"
	OwnershipOther       Ownership = "other"
)

// Ownerships lists the valid values in display order.
var Ownerships = []Ownership{OwnershipStateOwned, OwnershipPublic, OwnershipPrivate, OwnershipIndependent, OwnershipOther}

// ParseOwnership accepts the canonical values and a few spellings people
// write in configs ("state", "state owned").
func ParseOwnership(s string) (Ownership, error) {
	switch s {
	case "state-owned", "state", "state owned", "stateowned":
		return OwnershipStateOwned, nil
	case "public", "public-service", "public service":
		return OwnershipPublic, nil
	case "private", "commercial":
		return OwnershipPrivate, nil
	case "independent":
		return OwnershipIndependent, nil
	case "other", "":
		return OwnershipOther, nil
	}
	return "", fmt.Errorf("unknown ownership %q (want one of state-owned, public, private, independent, other)", s)
}

// Label is the human form shown next to an outlet's name.
func (o Ownership) Label() string {
	switch o {
	case OwnershipStateOwned:
		return "State-owned"
	case OwnershipPublic:
		return "Public"
	case OwnershipPrivate:
		return "Private"
	case OwnershipIndependent:
		return "Independent"
	}
	return "Other"
}

// Full-text modes for a source (see content extraction).
const (
	FullTextAuto   = "auto"
	FullTextAlways = "always"
	FullTextNever  = "never"
)

// Source is an outlet: a publisher of news whose feeds the hub follows.
type Source struct {
	ID          int64
	Slug        string // URL-safe, unique
	Name        string
	Homepage    string
	Country     string // ISO 3166-1 alpha-2, upper case
	Ownership   Ownership
	Language    string // BCP 47, e.g. "en", "ru"
	Perspective string // optional free tag used for "not covered by"
	Disclaimer  string // Markdown, the publisher's words, appended to republished articles

	// Republish is the publisher's decision to show this outlet on the public
	// site and in output feeds, within [RepublishFrom, RepublishUntil).
	// A zero bound is open.
	Republish      bool
	RepublishFrom  time.Time
	RepublishUntil time.Time

	Paused bool // not polled; already archived articles stay

	FullText    string // FullTextAuto, FullTextAlways or FullTextNever
	MirrorMedia bool
	Rules       Rules

	CreatedAt time.Time
	UpdatedAt time.Time
}

// Rules are a source's content clean-up rules, applied after the built-in
// defaults when the article text is extracted and sanitized.
type Rules struct {
	Content      []string      `json:"content,omitempty" yaml:"content"`             // CSS selectors that pick the article body
	Remove       []string      `json:"remove,omitempty" yaml:"remove"`               // CSS selectors removed from it
	RewriteLinks []LinkRewrite `json:"rewrite_links,omitempty" yaml:"rewrite_links"` // applied to href/src
	StripAttrs   []string      `json:"strip_attrs,omitempty" yaml:"strip_attrs"`     // attribute names removed everywhere
}

// LinkRewrite replaces a URL prefix (for example an outlet's mirror domain).
type LinkRewrite struct {
	From string `json:"from" yaml:"from"`
	To   string `json:"to" yaml:"to"`
}

// RepublishOpen reports whether the source may be shown at time now.
func (s Source) RepublishOpen(now time.Time) bool {
	if !s.Republish {
		return false
	}
	if !s.RepublishFrom.IsZero() && now.Before(s.RepublishFrom) {
		return false
	}
	if !s.RepublishUntil.IsZero() && !now.Before(s.RepublishUntil) {
		return false
	}
	return true
}
