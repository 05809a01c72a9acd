package story

import (
	"math"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Feature keys live in a few namespaces so that different kinds of
// evidence never collide:
//
//	w:  a word's normalized form (English stem, transliterated Cyrillic
//	    stem) or a glossary concept shared by all three languages
//	k:  the word's consonant skeleton, where spelling and transliteration
//	    variants meet (Kyiv/Kiev/Київ/Киев)
//	#:  a number, normalized across styles (206,000 / 206 тысяч; 6,9 / 6.9)
//	c:  a model or code name with digits (Tu-22M3, Ту-22М3)
type feature struct {
	key     string
	surface string // how the text spelled it, for explanations
	weight  float64
	upper   uint8 // occurrences capitalized mid-sentence (or acronyms)
	lower   uint8 // occurrences in lowercase mid-sentence
	name    bool  // a number, code or gazetteer name: a name by nature
}

// caps is what one occurrence's spelling says about whether a term is a
// name. Whether a term is a name is decided over all recent occurrences
// (see vocab.isName): "Policy" in "Monetary Policy Committee" is
// capitalized, but the word is mostly written in lowercase.
type caps int8

const (
	capsUnknown caps = iota // sentence start, headline case
	capsLower               // lowercase mid-sentence: a common word
	capsUpper               // capitalized mid-sentence, or an acronym
	capsName                // a number, code or listed place
)

// Weights of the kinds of evidence relative to a plain word.
const (
	titleWeight    = 2.0
	skeletonWeight = 0.6
	numberWeight   = 1.5
	codeWeight     = 1.5
	maxTermWeight  = 4.0
)

// dateline matches the wire-copy opener "KYIV, Ukraine (MW) — " or
// "LIMA, March 7 (Agency) -- ", whose place and agency tag say more about
// the outlet than about the event.
var dateline = regexp.MustCompile(`^\s*[\p{Lu}][\p{Lu}\p{Zs}.'’-]{1,40}(,[^()\n]{0,60})?\s*\([^)]{1,30}\)\s*(—|–|--|-)\s*`)

// dottedAbbrev matches U.S., U.K., U.N. so they read as US, UK, UN.
var dottedAbbrev = regexp.MustCompile(`\b(\p{Lu})\.(\p{Lu})\.`)

// hasDottedAbbrev is a cheap test for dottedAbbrev's ASCII cases (U.S.).
func hasDottedAbbrev(s string) bool {
	for i := 0; i+3 < len(s); i++ {
		if s[i+1] == '.' && s[i+3] == '.' && s[i] >= 'A' && s[i] <= 'Z' && s[i+2] >= 'A' && s[i+2] <= 'Z' {
			return true
		}
	}
	return false
}

type token struct {
	text      string
	capital   bool // starts with an uppercase letter
	allCaps   bool
	sentStart bool
}

// tokenize splits text into words, numbers and codes. Hyphens, apostrophes
// and digit separators stay inside tokens (Tu-22M3, дев'ять, 206,000, 6,9,
// 2:01:58); everything else separates.
func tokenize(s string) []token {
	var toks []token
	runes := []rune(s)
	sent := true
	for i := 0; i < len(runes); {
		r := runes[i]
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			switch r {
			case '.', '!', '?', ':', ';', '—', '–', '|':
				sent = true
			}
			i++
			continue
		}
		j := i + 1
		for j < len(runes) {
			c := runes[j]
			if unicode.IsLetter(c) || unicode.IsDigit(c) || unicode.Is(unicode.Mn, c) {
				j++
				continue
			}
			if j+1 < len(runes) {
				prev, next := runes[j-1], runes[j+1]
				switch {
				case (c == '.' || c == ',' || c == ':') && unicode.IsDigit(prev) && unicode.IsDigit(next):
					j++
					continue
				case c == '-' && (unicode.IsLetter(prev) || unicode.IsDigit(prev)) && (unicode.IsLetter(next) || unicode.IsDigit(next)):
					j++
					continue
				case (c == '\'' || c == '’' || c == 'ʼ') && unicode.IsLetter(prev) && unicode.IsLetter(next):
					j++
					continue
				}
			}
			break
		}
		text := string(runes[i:j])
		t := token{text: text, sentStart: sent, capital: unicode.IsUpper(r)}
		if t.capital {
			t.allCaps = true
			letters := 0
			for _, c := range text {
				if unicode.IsLetter(c) {
					letters++
					if !unicode.IsUpper(c) {
						t.allCaps = false
						break
					}
				}
			}
			if letters < 2 {
				t.allCaps = false
			}
		}
		toks = append(toks, t)
		sent = false
		i = j
	}
	return toks
}

// extractor turns an item's text into weighted features. It holds only
// read-only tables.
type extractor struct {
	lx *lexicon
}

func (x *extractor) features(it Item) []feature {
	acc := map[string]*feature{}
	add := func(key, surface string, w float64, c caps) {
		f, ok := acc[key]
		if !ok {
			f = &feature{key: key, surface: surface}
			acc[key] = f
		}
		f.weight += w
		switch {
		case c == capsName:
			f.name = true
		case c == capsUpper && f.upper < 255:
			f.upper++
		case c == capsLower && f.lower < 255:
			f.lower++
		}
	}
	uk := it.Lang == "uk"
	summary, title := it.Summary, it.Title
	if i := strings.IndexByte(summary, '('); i >= 0 && i < 100 {
		summary = dateline.ReplaceAllString(summary, "")
	}
	if hasDottedAbbrev(summary) {
		summary = dottedAbbrev.ReplaceAllString(summary, "$1$2")
	}
	if hasDottedAbbrev(title) {
		title = dottedAbbrev.ReplaceAllString(title, "$1$2")
	}
	x.text(title, titleWeight, uk, titleCased(title), add)
	x.text(summary, 1, uk, false, add)
	out := make([]feature, 0, len(acc))
	for _, f := range acc {
		if f.weight > maxTermWeight {
			f.weight = maxTermWeight
		}
		out = append(out, *f)
	}
	return out
}

// titleCased reports headlines Written Like This, where capitals say
// nothing about names.
func titleCased(s string) bool {
	words, caps := 0, 0
	for _, t := range tokenize(s) {
		if utf8.RuneCountInString(t.text) < 4 {
			continue
		}
		words++
		if t.capital {
			caps++
		}
	}
	return words >= 3 && caps*10 >= words*7
}

// isDigest reports whether a title marks a live blog, round-up, results
// table or column.
func (x *extractor) isDigest(title string) bool {
	var words []string
	for _, t := range tokenize(title) {
		for _, p := range strings.Split(t.text, "-") {
			words = append(words, strings.ToLower(p))
		}
	}
	joined := " " + strings.Join(words, " ") + " "
	for _, p := range x.lx.digest {
		if strings.Contains(joined, " "+p+" ") {
			return true
		}
	}
	return false
}

type addFunc func(key, surface string, w float64, c caps)

func (x *extractor) text(s string, w float64, uk, titleCase bool, add addFunc) {
	toks := tokenize(s)
	for i := 0; i < len(toks); i++ {
		t := toks[i]
		c := capsUnknown
		switch {
		case t.allCaps:
			c = capsUpper
		case t.sentStart || titleCase:
		case t.capital:
			c = capsUpper
		default:
			c = capsLower
		}
		if strings.ContainsAny(t.text, "0123456789") {
			var next string
			if i+1 < len(toks) {
				next = strings.ToLower(toks[i+1].text)
			}
			if x.numeric(t.text, next, w, uk, add) {
				i++ // the multiplier word was used
			}
			continue
		}
		for _, part := range strings.Split(t.text, "-") {
			x.word(part, w, uk, c, add)
		}
	}
}

// word adds the features of one word without digits.
func (x *extractor) word(raw string, w float64, uk bool, c caps, add addFunc) {
	capital, acronym := false, false
	if r, _ := utf8.DecodeRuneInString(raw); unicode.IsUpper(r) {
		capital = true
		acronym = strings.ToUpper(raw) == raw
	}
	if isCyrillic(raw) {
		lw := foldCyrillic(raw)
		if x.lx.stop[lw] || utf8.RuneCountInString(lw) < 2 {
			return
		}
		if n, ok := numberWords[lw]; ok {
			add("#"+n, raw, w*numberWeight, capsName)
			return
		}
		isUk := uk || looksUkrainian(lw)
		if con, ok := x.lx.cyrConcepts(lw); ok {
			x.concept(con, raw, w, add)
			return
		}
		stem, alt := stemCyrillic(lw, isUk)
		lat := translit(stem, isUk)
		add("w:"+lat, raw, w, c)
		if sk := skeleton(lat); len(sk) >= 2 {
			add("k:"+sk, raw, w*skeletonWeight, c)
		}
		if alt != "" {
			if sk := skeleton(translit(alt, isUk)); len(sk) >= 2 {
				add("k:"+sk, raw, w*skeletonWeight, c)
			}
		}
		return
	}
	lw := foldLatin(strings.ReplaceAll(raw, "’", "'"))
	if len(lw) < 2 {
		return
	}
	// US, UK, EU, UN are names, not the pronoun "us".
	if x.lx.stop[lw] && !(acronym && len(lw) <= 3) {
		return
	}
	if n, ok := numberWords[lw]; ok {
		add("#"+n, raw, w*numberWeight, capsName)
		return
	}
	stem := stemEnglish(lw)
	if x.lx.stop[stem] {
		return
	}
	if con, ok := x.lx.enConcept[stem]; ok {
		x.concept(con, raw, w, add)
		return
	}
	stem = strings.ReplaceAll(stem, "'", "")
	add("w:"+stem, raw, w, c)
	sk := skeleton(stem)
	if len(sk) >= 2 {
		add("k:"+sk, raw, w*skeletonWeight, c)
	}
	// Demonyms meet their country: Georgian/Georgia, Ukrainian/Ukraine,
	// Chinese/China. Only for capitalized words: "human" is no "hum".
	if capital {
		if base := demonymBase(stem); base != "" {
			if bs := skeleton(base); len(bs) >= 2 && bs != sk {
				add("k:"+bs, raw, w*skeletonWeight, c)
			}
		}
	}
}

// concept adds a glossary or gazetteer entry's keys: gazetteer entries
// are names, glossary entries common words whatever their spelling.
func (x *extractor) concept(con concept, raw string, w float64, add addFunc) {
	c := capsLower
	if con.name {
		c = capsName
	}
	for _, k := range con.keys {
		add("w:"+k, raw, w, c)
	}
}

// demonymBase strips the English demonym endings: georgian → georgi,
// chinese → chin, israeli → israel.
func demonymBase(stem string) string {
	for _, suf := range []string{"ian", "ean", "ese", "ish", "an", "i"} {
		if strings.HasSuffix(stem, suf) && len(stem)-len(suf) >= 3 {
			return stem[:len(stem)-len(suf)]
		}
	}
	return ""
}

// numeric handles a token with digits: a number (with an optional
// multiplier word after it, reported by returning true), a number with a
// unit glued on (25bp, €1.8bn, 5nm), a score or time (4-2, 2:01:58), or a
// code name (Tu-22M3, Х-22, Shenzhou-23).
func (x *extractor) numeric(tok, next string, w float64, uk bool, add addFunc) bool {
	lt := strings.ToLower(tok)
	if isCyrillic(lt) {
		lt = translit(foldCyrillic(lt), uk || looksUkrainian(lt))
	}
	// scores, times, ranges: 4-2, 2:01:58, 62-36
	if allDigitsAnd(lt, "-:.,") {
		if strings.ContainsAny(lt, "-:") {
			add("#"+lt, tok, w*numberWeight, capsName)
			return false
		}
		if v, ok := parseNumber(lt); ok {
			used := false
			if m, ok := multipliers[next]; ok {
				v *= m
				used = true
			}
			add("#"+canonNumber(v), tok, w*numberWeight, capsName)
			return used
		}
		return false
	}
	parts := strings.Split(lt, "-")
	// number with a unit: 25bp, 1.8bn, 5nm, 10-year
	if lead, unit := splitLeadingNumber(parts[0]); lead != "" {
		if v, ok := parseNumber(lead); ok {
			if m, ok := multipliers[unit]; ok {
				v *= m
			}
			add("#"+canonNumber(v), tok, w*numberWeight, capsName)
		}
		for _, p := range parts[1:] {
			if !strings.ContainsAny(p, "0123456789") {
				x.word(p, w, uk, capsUnknown, add)
			}
		}
		return false
	}
	// code name: letters then digits, e.g. tu-22m3, kh-22, hwasong-20
	code := strings.Join(parts, "")
	add("c:"+skeleton(code), tok, w*codeWeight, capsName)
	for _, p := range parts {
		if !strings.ContainsAny(p, "0123456789") {
			x.word(p, w, uk, capsUpper, add)
		} else if lead, _ := splitLeadingNumber(p); lead != "" {
			if v, ok := parseNumber(lead); ok {
				add("#"+canonNumber(v), tok, w, capsName)
			}
		}
	}
	return false
}

func allDigitsAnd(s, extra string) bool {
	for _, r := range s {
		if !(r >= '0' && r <= '9') && !strings.ContainsRune(extra, r) {
			return false
		}
	}
	return true
}

// splitLeadingNumber splits "1.8bn" into "1.8" and "bn"; lead is empty
// when s does not start with a digit.
func splitLeadingNumber(s string) (lead, rest string) {
	i := 0
	for i < len(s) && (s[i] >= '0' && s[i] <= '9' || (s[i] == '.' || s[i] == ',') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9') {
		i++
	}
	return s[:i], s[i:]
}

// parseNumber reads digit groups in English and Russian styles: 206,000 is
// two hundred and six thousand, 6,9 and 6.9 are six point nine, 1,234.5
// and 1.234,5 put the decimal point last.
func parseNumber(s string) (float64, bool) {
	var seps []int
	for i := 0; i < len(s); i++ {
		if s[i] == ',' || s[i] == '.' {
			seps = append(seps, i)
		}
	}
	var clean string
	switch {
	case len(seps) == 0:
		clean = s
	case len(seps) == 1:
		i := seps[0]
		if s[i] == ',' && len(s)-i-1 == 3 {
			clean = s[:i] + s[i+1:]
		} else {
			clean = s[:i] + "." + s[i+1:]
		}
	default:
		last := seps[len(seps)-1]
		mixed := s[last] != s[seps[0]]
		var b strings.Builder
		for i := 0; i < len(s); i++ {
			switch {
			case s[i] != ',' && s[i] != '.':
				b.WriteByte(s[i])
			case mixed && i == last:
				b.WriteByte('.')
			}
		}
		clean = b.String()
	}
	v, err := strconv.ParseFloat(clean, 64)
	if err != nil || math.IsInf(v, 0) {
		return 0, false
	}
	return v, true
}

func canonNumber(v float64) string {
	return strconv.FormatFloat(v, 'g', 6, 64)
}
