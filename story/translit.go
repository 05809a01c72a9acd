package story

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Cyrillic letters shared by Russian and Ukrainian, transliterated the way
// English-language outlets usually do it. Letters whose reading differs
// between the two languages (г, и, е) are in ruLetters/ukLetters; the
// skeleton (see skeleton) then folds the remaining differences away, so
// Харків, Харьков, Kharkiv and Kharkov all land on one key.
var cyrLetters = map[rune]string{
	'а': "a", 'б': "b", 'в': "v", 'ґ': "g", 'д': "d", 'ё': "yo", 'є': "ye",
	'ж': "zh", 'з': "z", 'і': "i", 'ї': "yi", 'й': "y", 'к': "k", 'л': "l",
	'м': "m", 'н': "n", 'о': "o", 'п': "p", 'р': "r", 'с': "s", 'т': "t",
	'у': "u", 'ф': "f", 'х': "kh", 'ц': "ts", 'ч': "ch", 'ш': "sh",
	'щ': "shch", 'ъ': "", 'ы': "y", 'ь': "", 'э': "e", 'ю': "yu", 'я': "ya",
	// Belarusian ў, occasionally seen in names.
	'ў': "u",
}

var ruLetters = map[rune]string{'г': "g", 'и': "i", 'е': "e"}
var ukLetters = map[rune]string{'г': "h", 'и': "y", 'е': "e"}

// isCyrillic reports whether the token is written (at least partly) in
// Cyrillic script.
func isCyrillic(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Cyrillic, r) {
			return true
		}
	}
	return false
}

// looksUkrainian reports whether a lowercase Cyrillic token uses a letter
// that Russian does not have.
func looksUkrainian(s string) bool {
	return strings.ContainsAny(s, "іїєґ")
}

// translit maps a lowercase Cyrillic token to Latin letters. uk selects the
// Ukrainian reading of г/и; letters outside the tables pass through.
func translit(s string, uk bool) string {
	var b strings.Builder
	b.Grow(len(s) + 4)
	lang := ruLetters
	if uk {
		lang = ukLetters
	}
	for _, r := range s {
		if l, ok := lang[r]; ok {
			b.WriteString(l)
			continue
		}
		if l, ok := cyrLetters[r]; ok {
			b.WriteString(l)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// foldLatin lowercases and strips diacritics (Atlético → atletico,
// Lwów → lwow) so that accented and plain spellings share keys.
func foldLatin(s string) string {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			ascii = false
			break
		}
	}
	if ascii {
		return strings.ToLower(s)
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'ß':
			b.WriteString("ss")
			continue
		case 'ø', 'Ø':
			b.WriteRune('o')
			continue
		case 'ł', 'Ł':
			b.WriteRune('l')
			continue
		case 'đ', 'Đ':
			b.WriteRune('d')
			continue
		case 'æ', 'Æ':
			b.WriteString("ae")
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// foldCyrillic composes й/ї/ё written with combining marks and drops the
// apostrophes Ukrainian uses inside words (дев'ять), so that one word has
// one spelling.
func foldCyrillic(s string) string {
	s = norm.NFC.String(strings.ToLower(s))
	if strings.ContainsAny(s, "'’ʼ`") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case '\'', '’', 'ʼ', '`':
				return -1
			}
			return r
		}, s)
	}
	return s
}

// skeleton reduces a lowercase Latin word to its consonants over broad
// sound classes, with each run of vowels kept only as a slot (V): the key
// that spelling and transliteration variants share. Which vowel fills a
// slot varies between spellings (Kharkiv/Kharkov, Kyiv/Kiev, and y is half
// of many transliterations), where a slot is rarely added or lost. A final
// vowel is dropped, being an inflection as often as not (Odesa/Одес-).
// g/h/kh fold together (Ukrainian г is h, Russian г is g); c/k/q, v/w,
// f/ph, s/z (Russian з for English s: президент/president) fold; sh/sch/shch
// and ch/tch/ts fold; ж/zh/dzh stays apart; doubled letters collapse. So
// Kyiv and Kiev give "kVv", Odesa and Odessa "VdVs", Chernihiv and
// Chernigov "CVrnVhVv", Lukashenko and Lukashenka "lVkVsVnk", Ihor and
// Igor "VhVr".
func skeleton(s string) string {
	var out []byte
	push := func(c byte) {
		if n := len(out); n > 0 && out[n-1] == c && (c < '0' || c > '9') {
			return
		}
		out = append(out, c)
	}
	vowel := func(c byte) bool {
		switch c {
		case 'a', 'e', 'i', 'o', 'u', 'y':
			return true
		}
		return false
	}
	n := len(s)
	for i := 0; i < n; {
		c := s[i]
		rest := s[i:]
		switch {
		case c < 'a' || c > 'z':
			if c >= '0' && c <= '9' {
				push(c)
			}
			i++
		case vowel(c):
			// Which vowel varies between spellings (Kharkiv/Kharkov,
			// Kyiv/Kiev), where one is rarely does.
			push('V')
			i++
		case strings.HasPrefix(rest, "shch"):
			push('s')
			i += 4
		case strings.HasPrefix(rest, "tsch"):
			push('C')
			i += 4
		case strings.HasPrefix(rest, "sch"):
			push('s')
			i += 3
		case strings.HasPrefix(rest, "tch"):
			push('C')
			i += 3
		case strings.HasPrefix(rest, "ch"):
			push('C')
			i += 2
		case strings.HasPrefix(rest, "ts"), strings.HasPrefix(rest, "tz"):
			push('C')
			i += 2
		case strings.HasPrefix(rest, "sh"):
			push('s')
			i += 2
		case strings.HasPrefix(rest, "dzh"):
			push('Z')
			i += 3
		case strings.HasPrefix(rest, "zh"):
			push('Z')
			i += 2
		case strings.HasPrefix(rest, "kh"), strings.HasPrefix(rest, "gh"):
			push('h')
			i += 2
		case strings.HasPrefix(rest, "ph"):
			push('f')
			i += 2
		case strings.HasPrefix(rest, "th"):
			push('t')
			i += 2
		case strings.HasPrefix(rest, "ck"):
			push('k')
			i += 2
		case c == 'x':
			push('k')
			push('s')
			i++
		case c == 'g':
			push('h')
			i++
		case c == 'c', c == 'q':
			push('k')
			i++
		case c == 'w':
			push('v')
			i++
		case c == 'z':
			// Russian з stands for English s in most loanwords
			// (президент/president, кризис/crisis).
			push('s')
			i++
		case c == 'j':
			// English j (Jeddah) and Slavic j (Jaroslav) are different
			// sounds; Slavic j is a vowel glide, which is what most Latin
			// renderings of names in this domain mean.
			i++
		default:
			push(c)
			i++
		}
	}
	// A final vowel is an inflection as often as not (Odesa/Одес-).
	if n := len(out); n > 0 && out[n-1] == 'V' {
		out = out[:n-1]
	}
	return string(out)
}
