package content

import (
	"html"
	"net/url"
)

// Sanitize returns fragment as safe HTML. Placeholder: escapes everything
// until the real allowlist sanitizer lands.
func Sanitize(fragment string, base *url.URL) string { return html.EscapeString(fragment) }

// PlainText renders an HTML fragment as text. Placeholder.
func PlainText(fragment string) string { return fragment }
