package story

import (
	"math"
	"strings"
)

type termID int32

// vocab interns feature keys and keeps their document frequencies over the
// statistics window. A term whose last reference goes away is forgotten and
// its id reused, so the vocabulary stays as bounded as the window.
type vocab struct {
	ids     map[string]termID
	keys    []string
	surface []string
	cyr     []bool  // surface is in Cyrillic
	df      []int32 // items in the statistics window that have the term
	refs    []int32 // df plus live stories whose centroid has the term
	upper   []int32 // capitalized occurrences in the statistics window
	lower   []int32 // lowercase occurrences in the statistics window
	name    []bool  // a number, code or listed name
	free    []termID
	docs    int // items in the statistics window
}

func newVocab() *vocab {
	return &vocab{ids: map[string]termID{}}
}

func (v *vocab) intern(key, surface string) termID {
	id, ok := v.ids[key]
	if !ok {
		return v.add(key, surface)
	}
	v.seen(id, surface)
	return id
}

// internHint is intern with the id the key had last time: ids are reused,
// so the hint is checked, but that costs less than the map lookup.
func (v *vocab) internHint(key, surface string, hint termID, hintOK bool) termID {
	if hintOK && int(hint) < len(v.keys) && v.keys[hint] == key {
		v.seen(hint, surface)
		return hint
	}
	return v.intern(key, surface)
}

// seen records another spelling of a known term: explanations read better
// in the Latin one.
func (v *vocab) seen(id termID, surface string) {
	if v.cyr[id] && !isCyrillic(surface) {
		v.surface[id], v.cyr[id] = strings.Clone(surface), false
	}
}

func (v *vocab) add(key, surface string) termID {
	// The spelling is cut from an article's text: keep only the word.
	surface = strings.Clone(surface)
	var id termID
	if n := len(v.free); n > 0 {
		id = v.free[n-1]
		v.free = v.free[:n-1]
		v.keys[id], v.surface[id], v.df[id], v.refs[id] = key, surface, 0, 0
		v.upper[id], v.lower[id], v.name[id] = 0, 0, false
		v.cyr[id] = isCyrillic(surface)
	} else {
		id = termID(len(v.keys))
		v.keys = append(v.keys, key)
		v.surface = append(v.surface, surface)
		v.cyr = append(v.cyr, isCyrillic(surface))
		v.df = append(v.df, 0)
		v.refs = append(v.refs, 0)
		v.upper = append(v.upper, 0)
		v.lower = append(v.lower, 0)
		v.name = append(v.name, false)
	}
	v.ids[key] = id
	return id
}

func (v *vocab) ref(id termID) { v.refs[id]++ }

// termCounts are a term's statistics over some items: how many have it,
// and its capitalized and lowercase occurrences in them.
type termCounts struct{ df, upper, lower int32 }

func countsOf(e tw) termCounts { return termCounts{1, int32(e.upper), int32(e.lower)} }

// add adds (n=1) or removes (n=-1) d to c.
func (c *termCounts) add(d termCounts, n int32) {
	c.df += n * d.df
	c.upper += n * d.upper
	c.lower += n * d.lower
}

// tally adds (n=1) or removes (n=-1) counts of a term to the statistics.
func (v *vocab) tally(t termID, c termCounts, n int32) {
	v.df[t] += n * c.df
	v.upper[t] += n * c.upper
	v.lower[t] += n * c.lower
}

// count adds (n=1) or removes (n=-1) one item's occurrences of a term to
// the statistics.
func (v *vocab) count(e tw, n int32) {
	v.tally(e.t, countsOf(e), n)
	if e.name {
		v.name[e.t] = true
	}
}

// isName reports whether a term looks like a name: a number, code or
// listed place, or a word that recent articles mostly capitalize in the
// middle of a sentence.
func (v *vocab) isName(id termID) bool {
	return v.name[id] || v.upper[id] > 0 && v.upper[id] >= 2*v.lower[id]
}

func (v *vocab) unref(id termID) {
	v.refs[id]--
	if v.refs[id] <= 0 {
		delete(v.ids, v.keys[id])
		v.keys[id], v.surface[id] = "", ""
		v.free = append(v.free, id)
	}
}

// idf is the smoothed inverse document frequency over the statistics
// window; priorDocs pretends some documents without the term were seen, so
// the first articles after a cold start do not treat every word as rare.
func (v *vocab) idf(id termID, priorDocs float64) float64 {
	return math.Log((float64(v.docs) + priorDocs + 1) / (float64(v.df[id]) + 1))
}
