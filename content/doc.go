// Package content turns the HTML an outlet delivers into the faithful,
// safe article the hub republishes.
//
//   - Sanitize: the allowlist sanitizer every HTML fragment goes through
//     before it reaches a page or an output feed. One pass over an
//     x/net/html tree that also makes URLs absolute, turns lazy and
//     <picture> images into plain <img src>, drops tracking pixels and
//     tracking parameters and normalizes whitespace. Its output is
//     well-formed HTML and XML and Sanitize is idempotent.
//   - Cleaner / Clean: Sanitize plus the built-in clean-up of boilerplate
//     (inline "Read more:" teasers, share bars, newsletter and comment
//     boxes, ad slots) and a source's rules; what the pipeline stores for
//     a feed's content. CleanWithText also returns the result's PlainText
//     without parsing it again.
//   - Extract: full-text extraction from an article page (charset
//     handling, rules, readability), sanitized.
//   - NeedsFullText: whether a feed item is only a teaser.
//   - PlainText and Excerpt: text renderings for summaries, search and
//     feed descriptions that keep paragraphs apart.
//   - DiffWords: the word diff of two revisions for the history page.
package content
