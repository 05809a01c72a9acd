package story

import (
	"strings"
	"unicode/utf8"
)

// The stemmers here are deliberately light: they only need to bring the
// inflected forms of one word onto one key (strikes/strike, Харкову/Харків,
// Сумской/Суми), not to produce linguistic roots. Over-stemming costs
// little because keys are weighted by rarity.

// stemEnglish strips possessives, plurals and the commonest verb endings.
func stemEnglish(w string) string {
	w = strings.TrimSuffix(w, "'s")
	w = strings.TrimSuffix(w, "’s")
	w = strings.TrimSuffix(w, "'")
	if len(w) <= 3 {
		return w
	}
	switch {
	case strings.HasSuffix(w, "ies") && len(w) > 4:
		w = w[:len(w)-3] + "i"
	case strings.HasSuffix(w, "sses"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ches"), strings.HasSuffix(w, "shes"), strings.HasSuffix(w, "xes"):
		w = w[:len(w)-2]
	case strings.HasSuffix(w, "ss"), strings.HasSuffix(w, "us"), strings.HasSuffix(w, "is"):
	case strings.HasSuffix(w, "s"):
		w = w[:len(w)-1]
	}
	for _, suf := range []string{"ing", "ed"} {
		if strings.HasSuffix(w, suf) && len(w)-len(suf) >= 3 && hasVowel(w[:len(w)-len(suf)]) {
			w = w[:len(w)-len(suf)]
			// stopped → stop, planned → plan
			if n := len(w); n >= 2 && w[n-1] == w[n-2] && !strings.ContainsRune("lsz", rune(w[n-1])) {
				w = w[:n-1]
			}
			break
		}
	}
	// Drop a final e so "strike" and "strik(ing)" meet, and spell a final y
	// as i so "economy" meets "economies" (→ economi) without "policy"
	// meeting "police".
	if n := len(w); n > 3 && w[n-1] == 'e' {
		w = w[:n-1]
	} else if n > 3 && w[n-1] == 'y' {
		w = w[:n-1] + "i"
	}
	return w
}

func hasVowel(s string) bool { return strings.ContainsAny(s, "aeiouy") }

// Inflectional endings, longest first. The Russian and Ukrainian lists
// overlap; a word is stemmed with the list of its language.
var ruEndings = sortByLen([]string{
	// adjectives and participles
	"ого", "его", "ому", "ему", "ыми", "ими", "ых", "их", "ой", "ей", "ий", "ый",
	"ая", "яя", "ое", "ее", "ую", "юю", "ым", "им",
	// nouns
	"иями", "ями", "ами", "иях", "ях", "ах", "ием", "ией", "ии", "ия", "ие", "ию",
	"ью", "ья", "ье", "ям", "ам", "ом", "ем",
	"а", "я", "о", "е", "ы", "и", "у", "ю", "ь", "й",
	// verbs; past tenses keep their -л so that подписал, подписала and
	// подписали meet, and names in -ил, -ло (Михаил, Михайло) survive
	"ться", "тся", "ать", "ять", "ить", "еть", "ет", "ут", "ют",
	"ит", "ат", "ят", "ся", "сь",
})

var ukEndings = sortByLen([]string{
	"ого", "ому", "ими", "их", "ий", "ій", "ої", "ою", "ею", "ім", "им",
	"ая", "яя", "ою", "ій", "ої",
	// nouns; not -ів, the ending of Харків and Львів as much as of a
	// genitive plural
	"ами", "ями", "ах", "ях", "ом", "ем", "ям", "ам", "ою",
	"а", "я", "о", "е", "у", "ю", "і", "и", "ї", "ь", "й", "є",
	"ться", "ати", "ити", "яти", "ють", "ять", "ать", "уть",
	"ить", "ся", "сь",
})

func sortByLen(list []string) []string {
	out := append([]string(nil), list...)
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && utf8.RuneCountInString(out[j]) > utf8.RuneCountInString(out[j-1]); j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}

// stemCyrillic strips one inflectional ending, keeping at least three
// letters of stem. It returns the stem and, for place adjectives and
// Ukrainian region names (Київська, Сумщина), the stem with the
// derivational suffix removed as well (Київ, Сум); alt is empty when there
// is none. Both are kept because surnames end the same way (Зеленський).
func stemCyrillic(w string, uk bool) (stem, alt string) {
	ends := ruEndings
	if uk {
		ends = ukEndings
	}
	n := utf8.RuneCountInString(w)
	stem = w
	for _, e := range ends {
		if strings.HasSuffix(w, e) && n-utf8.RuneCountInString(e) >= 3 {
			stem = w[:len(w)-len(e)]
			break
		}
	}
	for _, d := range []string{"щин", "ськ", "цьк", "ск"} {
		if strings.HasSuffix(stem, d) && utf8.RuneCountInString(stem)-utf8.RuneCountInString(d) >= 3 {
			alt = stem[:len(stem)-len(d)]
			// Сумщина and Сумська name the region of Суми; keep the
			// city's spelling (drop the soft sign before the suffix).
			alt = strings.TrimSuffix(alt, "ь")
			break
		}
	}
	return stem, alt
}
