package story

import (
	"bytes"
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
	ki      *keyInfo // the extractor's record of key
	surface string   // how the text spelled it, for explanations
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

	capsInput caps = -1 // in a memoized word: the occurrence decides
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

// isLetterOrDigit is unicode.IsLetter || unicode.IsDigit, quicker for
// ASCII.
func isLetterOrDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// appendTokens splits text into words, numbers and codes, appended to a
// reused slice; the tokens' texts are substrings of s. Hyphens, apostrophes
// and digit separators stay inside tokens (Tu-22M3, дев'ять, 206,000, 6,9,
// 2:01:58); everything else separates.
func appendTokens(toks []token, s string) []token {
	if !utf8.ValidString(s) {
		// Read each invalid byte as U+FFFD, as a []rune conversion does.
		s = string([]rune(s))
	}
	sent := true
	for i := 0; i < len(s); {
		r, size := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, size = utf8.DecodeRuneInString(s[i:])
		}
		if !isLetterOrDigit(r) {
			switch r {
			case '.', '!', '?', ':', ';', '—', '–', '|':
				sent = true
			}
			i += size
			continue
		}
		prev := r
		j := i + size
		for j < len(s) {
			c, cs := rune(s[j]), 1
			if c >= utf8.RuneSelf {
				c, cs = utf8.DecodeRuneInString(s[j:])
			}
			if isLetterOrDigit(c) || c >= utf8.RuneSelf && unicode.Is(unicode.Mn, c) {
				prev = c
				j += cs
				continue
			}
			if j+cs < len(s) {
				next := rune(s[j+cs])
				if next >= utf8.RuneSelf {
					next, _ = utf8.DecodeRuneInString(s[j+cs:])
				}
				inside := false
				switch {
				case (c == '.' || c == ',' || c == ':') && unicode.IsDigit(prev) && unicode.IsDigit(next):
					inside = true
				case c == '-' && (unicode.IsLetter(prev) || unicode.IsDigit(prev)) && (unicode.IsLetter(next) || unicode.IsDigit(next)):
					inside = true
				case (c == '\'' || c == '’' || c == 'ʼ') && unicode.IsLetter(prev) && unicode.IsLetter(next):
					inside = true
				}
				if inside {
					prev = c
					j += cs
					continue
				}
			}
			break
		}
		text := s[i:j]
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

// extractor turns an item's text into weighted features. Besides the
// read-only tables it keeps scratch buffers and a memo of how words read,
// so it serves one Grouper (whose Add calls are serialized), not several
// goroutines.
type extractor struct {
	lx *lexicon

	toks  []token
	feats []feature
	buf   []byte
	gen   uint64 // items read so far (see keyInfo.gen)
	// words memoizes word: news reuses a small vocabulary, and stemming,
	// transliteration and skeletons cost more than a map lookup. keys
	// holds one keyInfo per feature key, so that adding a word's features
	// to an item's needs no lookup at all.
	words   map[string][]wordFeature
	wordsUK map[string][]wordFeature // Cyrillic words read in Ukrainian
	keys    map[string]*keyInfo
}

// keyInfo is what the extractor knows of one feature key: where the
// current item's feature for it is, and the vocabulary id it was last
// interned as (a hint the vocabulary checks, as ids are reused).
type keyInfo struct {
	key  string
	gen  uint64 // the item (extractor.gen) whose features hold it
	slot int32  // its index in that item's features
	id   termID
	idOK bool
}

// wordFeature is one feature a word yields; c is capsInput when the
// occurrence's own spelling decides.
type wordFeature struct {
	ki     *keyInfo
	factor float64
	c      caps
}

// maxWordMemo bounds the memo; it is simply cleared when full, between
// two items.
const maxWordMemo = 1 << 15

func (x *extractor) keyInfo(key string) *keyInfo {
	ki, ok := x.keys[key]
	if !ok {
		ki = &keyInfo{key: key}
		x.keys[key] = ki
	}
	return ki
}

// read returns an item's features (in a reused buffer) and whether its
// title marks a digest.
func (x *extractor) read(it Item) ([]feature, bool) {
	if x.words == nil || len(x.words)+len(x.wordsUK) >= maxWordMemo || len(x.keys) >= 2*maxWordMemo {
		x.words = make(map[string][]wordFeature, 1024)
		x.wordsUK = make(map[string][]wordFeature)
		x.keys = make(map[string]*keyInfo, 2048)
	}
	x.gen++
	clear(x.feats) // drop the previous item's keyInfo pointers
	x.feats = x.feats[:0]
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
	x.toks = appendTokens(x.toks[:0], title)
	digest := x.digestTokens(x.toks)
	x.text(x.toks, titleWeight, uk, titleCasedTokens(x.toks))
	x.toks = appendTokens(x.toks[:0], summary)
	x.text(x.toks, 1, uk, false)
	for i := range x.feats {
		if x.feats[i].weight > maxTermWeight {
			x.feats[i].weight = maxTermWeight
		}
	}
	return x.feats, digest
}

// add counts one occurrence of a feature.
func (x *extractor) add(key, surface string, w float64, c caps) {
	x.addKey(x.keyInfo(key), surface, w, c)
}

func (x *extractor) addKey(ki *keyInfo, surface string, w float64, c caps) {
	if ki.gen != x.gen {
		ki.gen, ki.slot = x.gen, int32(len(x.feats))
		x.feats = append(x.feats, feature{key: ki.key, ki: ki, surface: surface})
	}
	f := &x.feats[ki.slot]
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

// titleCasedTokens reports headlines Written Like This, where capitals say
// nothing about names.
func titleCasedTokens(toks []token) bool {
	words, caps := 0, 0
	for _, t := range toks {
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

func (x *extractor) digestTokens(toks []token) bool {
	// The title's words, lowercased, hyphenated parts apart, between
	// spaces: " live updates from kyiv ". Only phrases that begin with
	// one of its words are looked for.
	b := append(x.buf[:0], ' ')
	var firsts []string
	for i, t := range toks {
		if i > 0 {
			b = append(b, ' ')
		}
		start := len(b)
		for _, r := range t.text {
			if r == '-' {
				if ps := x.lx.digestFirst[string(b[start:])]; ps != nil {
					firsts = append(firsts, string(b[start:]))
				}
				b = append(b, ' ')
				start = len(b)
				continue
			}
			b = utf8.AppendRune(b, unicode.ToLower(r))
		}
		if ps := x.lx.digestFirst[string(b[start:])]; ps != nil {
			firsts = append(firsts, string(b[start:]))
		}
	}
	b = append(b, ' ')
	x.buf = b
	for _, w := range firsts {
		for _, p := range x.lx.digestFirst[w] {
			if bytes.Contains(b, p) {
				return true
			}
		}
	}
	return false
}

// text adds the features of a tokenized text.
func (x *extractor) text(toks []token, w float64, uk, titleCase bool) {
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
		if hasDigit(t.text) {
			var next string
			if i+1 < len(toks) {
				next = strings.ToLower(toks[i+1].text)
			}
			if x.numeric(t.text, next, w, uk) {
				i++ // the multiplier word was used
			}
			continue
		}
		rest := t.text
		for {
			i := strings.IndexByte(rest, '-')
			if i < 0 {
				x.word(rest, w, uk, c)
				break
			}
			x.word(rest[:i], w, uk, c)
			rest = rest[i+1:]
		}
	}
}

// word adds the features of one word without digits.
func (x *extractor) word(raw string, w float64, uk bool, c caps) {
	memo := x.words
	if uk && !isASCII(raw) && isCyrillic(raw) {
		memo = x.wordsUK
	}
	fs, ok := memo[raw]
	if !ok {
		fs = x.readWord(raw, uk)
		memo[strings.Clone(raw)] = fs // not the whole text it was cut from
	}
	for _, f := range fs {
		fc := f.c
		if fc == capsInput {
			fc = c
		}
		x.addKey(f.ki, raw, w*f.factor, fc)
	}
}

// readWord works out the features of one word: keys, weights relative to
// the word's and how its capitals count.
func (x *extractor) readWord(raw string, uk bool) []wordFeature {
	var out []wordFeature
	add := func(key string, factor float64, c caps) {
		out = append(out, wordFeature{ki: x.keyInfo(key), factor: factor, c: c})
	}
	capital, acronym := false, false
	if r, _ := utf8.DecodeRuneInString(raw); unicode.IsUpper(r) {
		capital = true
		acronym = strings.ToUpper(raw) == raw
	}
	if isCyrillic(raw) {
		lw := foldCyrillic(raw)
		if x.lx.stop[lw] || utf8.RuneCountInString(lw) < 2 {
			return out
		}
		if n, ok := numberWords[lw]; ok {
			add("#"+n, numberWeight, capsName)
			return out
		}
		isUk := uk || looksUkrainian(lw)
		if con, ok := x.lx.cyrConcepts(lw); ok {
			conceptKeys(con, add)
			return out
		}
		stem, alt := stemCyrillic(lw, isUk)
		lat := translit(stem, isUk)
		add("w:"+lat, 1, capsInput)
		if sk := skeleton(lat); len(sk) >= 2 {
			add("k:"+sk, skeletonWeight, capsInput)
		}
		if alt != "" {
			if sk := skeleton(translit(alt, isUk)); len(sk) >= 2 {
				add("k:"+sk, skeletonWeight, capsInput)
			}
		}
		return out
	}
	lw := foldLatin(strings.ReplaceAll(raw, "’", "'"))
	if len(lw) < 2 {
		return out
	}
	// US, UK, EU, UN are names, not the pronoun "us".
	if x.lx.stop[lw] && !(acronym && len(lw) <= 3) {
		return out
	}
	if n, ok := numberWords[lw]; ok {
		add("#"+n, numberWeight, capsName)
		return out
	}
	stem := stemEnglish(lw)
	if x.lx.stop[stem] {
		return out
	}
	if con, ok := x.lx.enConcept[stem]; ok {
		conceptKeys(con, add)
		return out
	}
	stem = strings.ReplaceAll(stem, "'", "")
	add("w:"+stem, 1, capsInput)
	sk := skeleton(stem)
	if len(sk) >= 2 {
		add("k:"+sk, skeletonWeight, capsInput)
	}
	// Demonyms meet their country: Georgian/Georgia, Ukrainian/Ukraine,
	// Chinese/China. Only for capitalized words: "human" is no "hum".
	if capital {
		if base := demonymBase(stem); base != "" {
			if bs := skeleton(base); len(bs) >= 2 && bs != sk {
				add("k:"+bs, skeletonWeight, capsInput)
			}
		}
	}
	return out
}

// conceptKeys lists a glossary or gazetteer entry's keys: gazetteer
// entries are names, glossary entries common words whatever their
// spelling.
func conceptKeys(con concept, add func(key string, factor float64, c caps)) {
	c := capsLower
	if con.name {
		c = capsName
	}
	for _, k := range con.keys {
		add("w:"+k, 1, c)
	}
}

func hasDigit(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			return true
		}
	}
	return false
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
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
func (x *extractor) numeric(tok, next string, w float64, uk bool) bool {
	add := x.add
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
				x.word(p, w, uk, capsUnknown)
			}
		}
		return false
	}
	// code name: letters then digits, e.g. tu-22m3, kh-22, hwasong-20
	code := strings.Join(parts, "")
	add("c:"+skeleton(code), tok, w*codeWeight, capsName)
	for _, p := range parts {
		if !strings.ContainsAny(p, "0123456789") {
			x.word(p, w, uk, capsUpper)
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
