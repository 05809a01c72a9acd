// Package feed parses syndication documents into one normalized shape: RSS
// 0.90-2.0, RSS 1.0 (RDF), Atom 0.3 and 1.0, and JSON Feed 1.0 and 1.1.
//
// Parse is built for the documents outlets really publish rather than for
// the specifications alone. It is its own tolerant tokenizer over the raw
// bytes (not encoding/xml), so a stray '&', an HTML entity without a DTD, an
// undeclared prefix, an unclosed tag or a truncated body does not lose the
// feed; it reads fields lazily, decoding only the elements it keeps; and it
// allocates little (about 700 allocations for a 100 KB, 30-item feed).
//
// What the caller gets:
//
//   - Text is UTF-8 whatever the charset: BOMs, UTF-16/32, the XML prolog,
//     the HTTP charset, any legacy charset golang.org/x/text knows, and
//     bytes that are not valid in the declared UTF-8 (typically
//     windows-1251 served as UTF-8) are re-read in a guessed legacy charset.
//   - Titles, author names and the feed description are plain text:
//     entities decoded, markup removed, whitespace collapsed. An Atom title
//     of type "text" keeps literal angle brackets as characters.
//   - Summary and Content are HTML, not sanitized: the caller runs them
//     through content.Sanitize with Entry.Base. Plain text from the feed is
//     HTML-escaped first.
//   - Links and enclosure URLs are absolute: resolved against xml:base, then
//     Options.BaseURL.
//   - Dates are UTC; a date that does not parse is the zero time.
//   - Entry.ID is the guid / id / rdf:about / JSON id as written. Without
//     one it is the entry's link, and without a link a digest of its text
//     ("urn:crosswire:sha256:..."), so a re-poll always gives the same ID.
//   - A truncated document yields the entries that were complete.
//   - Declared entities expand within a per-document budget, so entity bombs
//     cost microseconds, not memory; external entities are never loaded.
package feed
