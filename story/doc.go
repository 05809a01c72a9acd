// Package story groups articles about the same real-world event into
// stories, incrementally, across outlets and across English, Russian and
// Ukrainian.
//
// One Grouper serves both the live pipeline and the offline command
// (`crosswire stories group`): articles are added one at a time in roughly
// published order and each gets a Decision with its story's label, the
// similarity score and the shared terms that decided it.
//
// How an article is read (features.go, translit.go, stem.go, lexicon.go):
//
//   - Words are lightly stemmed per language and Cyrillic is transliterated
//     onto Latin letters; each word then also gets a consonant skeleton over
//     broad sound classes, so that Kyiv/Kiev/Київ/Киев, Kharkiv/Харкову/
//     Харьков or Lukashenko/Lukashenka share a key without any list of names.
//   - Numbers are normalized across styles and scripts (206,000 = 206 тысяч,
//     6,9 = 6.9, €1.8bn = 1,8 млрд, nine = дев'ятеро) and weigh more than
//     words: tolls, rates and amounts identify events.
//   - A small glossary maps common news vocabulary whose roots differ
//     between the languages (землетрясение, землетрус, earthquake) onto one
//     concept, and a gazetteer does the same for countries and capitals
//     whose names do not transliterate (Грузия/Georgia, Пекин/Beijing).
//   - Wire datelines are dropped; titles weigh double.
//
// How an article is placed (grouper.go, index.go, score.go):
//
//   - Candidate stories come from an inverted index over the article's
//     rarest terms, restricted to stories the article would not stretch
//     beyond Window (48 h); nothing scans the archive. Stories that can no
//     longer grow and term statistics older than StatsWindow are evicted, so
//     memory and the cost of one Add stay flat as the archive grows.
//   - The cost of one Add is also bounded however dense the window: a term
//     on more than MaxPostings live stories is too common to propose any,
//     and the index entries read, the candidates compared with the item and
//     those also compared member by member are capped. A cold ingest of
//     thousands of feeds at once, all in one vocabulary, costs about what a
//     quiet day does (see BenchmarkDense).
//   - Each candidate is scored by tf-idf cosine against the story's
//     centroid (which resists chaining through near neighbours) blended with
//     the closest recent member (which lets a narrow follow-up find its
//     story). A match that shares no rare name, number or code is penalized,
//     and so is one where the story mostly reports another kind of event of
//     the same sort (a missile strike for a drone attack, a phone call for a
//     meeting).
//   - Live blogs, round-ups and columns (recognized by their headlines)
//     need twice the score to join and never gather followers; an article
//     that matches two stories through disjoint terms is a bridge and
//     stands alone.
//
// Pin places an article by label regardless of similarity: operators'
// merges and splits survive rebuilds (Rebuild; a split story is also
// sealed, so that nothing joins it automatically), and a restarted
// pipeline replays its recent stored assignments with it.
package story
