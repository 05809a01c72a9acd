package content

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"crosswire"
)

// TeaserWords is the auto threshold of NeedsFullText. A news article runs
// 300–1,000 words; the teasers outlets put in feeds are one to three
// sentences (20–80 words). 150 words sits well above any teaser and below
// all but the shortest briefs, so a brief whose feed carries it whole is
// fetched once more at worst, and a teaser is never taken for the article.
const TeaserWords = 150

// truncationMarks end a feed text the outlet cut short.
var truncationMarks = []string{
	"…", "...", "[…]", "[...]", "(…)", "read more", "continue reading", "read the full story",
	"read full article", "full story", "подробнее", "читать далее", "читать дальше", "weiterlesen",
	"lire la suite", "leer más", "leia mais", "continua a leggere",
}

// NeedsFullText reports whether the article page should be fetched for a
// source in mode (crosswire.FullTextAuto, FullTextAlways, FullTextNever;
// an unknown or empty mode is auto) given the HTML the feed carried.
// Auto fetches when the feed text is missing or shorter than TeaserWords
// words, or shorter than twice that and ending in a truncation mark
// ("…", "Read more", "Подробнее").
func NeedsFullText(mode string, feedHTML string) bool {
	switch mode {
	case crosswire.FullTextAlways:
		return true
	case crosswire.FullTextNever:
		return false
	}
	return TextNeedsFullText(mode, PlainText(feedHTML))
}

// TextNeedsFullText is NeedsFullText for a feed text already rendered with
// PlainText (ingest has it at hand; rendering twice costs as much as the
// decision).
func TextNeedsFullText(mode string, text string) bool {
	switch mode {
	case crosswire.FullTextAlways:
		return true
	case crosswire.FullTextNever:
		return false
	}
	words := countWords(text, 2*TeaserWords)
	if words < TeaserWords {
		return true
	}
	if words < 2*TeaserWords {
		tail := strings.TrimRightFunc(strings.ToLower(text), func(r rune) bool {
			return unicode.IsSpace(r) || strings.ContainsRune("»\"')]:→>›", r)
		})
		for _, m := range truncationMarks {
			if strings.HasSuffix(tail, m) {
				return true
			}
		}
	}
	return false
}

// countWords counts space-separated words; in scripts written without
// spaces (Chinese, Japanese, Thai) every two letters count as a word, close
// to their average word length.
//
// Counting stops once it reaches limit: the decision only needs to know
// whether a text is shorter than that.
func countWords(text string, limit int) int {
	words, letters := 0, 0
	inWord := false
	for _, r := range text {
		if words+letters/2 >= limit {
			break
		}
		if r < utf8.RuneSelf {
			if r == ' ' || r == '\n' || r == '\t' || r == '\r' || r == '\f' || r == '\v' {
				inWord = false
			} else if !inWord {
				words++
				inWord = true
			}
			continue
		}
		if unicode.IsSpace(r) {
			inWord = false
			continue
		}
		// Thai (U+0E00) is the first of these scripts; below it no rune
		// needs the table lookups.
		if r >= 0x0E00 && unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Thai, unicode.Khmer, unicode.Lao, unicode.Myanmar) {
			letters++
			inWord = false
			continue
		}
		if !inWord {
			words++
			inWord = true
		}
	}
	return words + letters/2
}
