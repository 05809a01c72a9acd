package story

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"time"
)

// synthArticles generates a realistic-looking stream for benchmarks: n
// articles, perDay of them a day, about events that several outlets cover
// in English, Russian or Ukrainian, with invented names drawn from pools
// small enough that unrelated events share places and people, plus
// single-outlet noise. It returns them in published order with the gold
// event of each.
func synthArticles(seed uint64, n, perDay int) ([]Item, []string) {
	r := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	start := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	span := time.Duration(float64(n) / float64(perDay) * float64(24*time.Hour))

	places := namePool(r, 1500)
	people := namePool(r, 3000)
	orgs := namePool(r, 600)
	outlets := []string{"mwr", "bpb", "nsz", "dzp", "bvs", "kyd", "hrm", "vzd", "hxa", "tfl", "glc", "dcl", "fnx"}

	type event struct {
		id      string
		t       time.Time
		class   int
		place   string
		place2  string
		person  string
		org     string
		numbers []string
	}
	var items []Item
	var gold []string
	for e := 0; len(items) < n; e++ {
		ev := event{
			id:     fmt.Sprintf("e%d", e),
			t:      start.Add(time.Duration(r.Int64N(int64(span)))),
			class:  r.IntN(len(synthClasses)),
			place:  places[r.IntN(len(places))],
			place2: places[r.IntN(len(places))],
			person: people[r.IntN(len(people))],
			org:    orgs[r.IntN(len(orgs))],
		}
		for range 2 {
			ev.numbers = append(ev.numbers, synthNumber(r))
		}
		k := 1
		if r.Float64() > 0.12 { // the rest are single-outlet noise
			k = 2 + r.IntN(9)
		}
		for a := 0; a < k && len(items) < n; a++ {
			lang := "en"
			switch p := r.Float64(); {
			case p < 0.10:
				lang = "ru"
			case p < 0.15:
				lang = "uk"
			}
			delay := time.Duration(r.ExpFloat64() * float64(6*time.Hour))
			if delay > 40*time.Hour {
				delay = 40 * time.Hour
			}
			cls := synthClasses[ev.class]
			pick := func(ws []string, m int) []string {
				out := make([]string, 0, m)
				for range m {
					out = append(out, ws[r.IntN(len(ws))])
				}
				return out
			}
			var title, summary string
			names := []string{ev.place, ev.person, ev.org, ev.place2}
			r.Shuffle(len(names), func(i, j int) { names[i], names[j] = names[j], names[i] })
			if lang == "en" {
				title = fmt.Sprintf("%s %s %s in %s, %s", capitalize(names[0]), strings.Join(pick(cls.en, 2), " "),
					ev.numbers[0], names[1], strings.Join(pick(synthFiller, 2), " "))
				summary = fmt.Sprintf("%s %s %s %s %s. %s %s %s, %s %s. %s %s.",
					capitalize(names[2]), strings.Join(pick(cls.en, 3), " "), names[0], ev.numbers[r.IntN(2)],
					strings.Join(pick(synthFiller, 4), " "), capitalize(names[3]), strings.Join(pick(cls.en, 2), " "),
					strings.Join(pick(synthFiller, 5), " "), names[1], ev.numbers[1],
					capitalize(strings.Join(pick(synthFiller, 6), " ")), strings.Join(pick(cls.en, 1), " "))
			} else {
				cyr := func(s string) string { return toCyrillic(s, lang == "uk") }
				title = fmt.Sprintf("%s: %s %s %s", capitalize(cyr(names[0])+"у"), strings.Join(pick(cls.ru, 2), " "),
					ev.numbers[0], cyr(names[1])+"е")
				summary = fmt.Sprintf("%s %s %s %s. %s %s %s.", capitalize(cyr(names[2])), strings.Join(pick(cls.ru, 3), " "),
					cyr(names[0])+"а", ev.numbers[1], capitalize(cyr(names[3])), strings.Join(pick(synthFillerRu, 5), " "),
					strings.Join(pick(cls.ru, 1), " "))
			}
			items = append(items, Item{
				ID:        fmt.Sprintf("s%07d", len(items)),
				Source:    outlets[r.IntN(len(outlets))],
				Lang:      lang,
				Published: ev.t.Add(delay).Truncate(time.Minute),
				Title:     title,
				Summary:   summary,
			})
			gold = append(gold, ev.id)
		}
	}
	idx := make([]int, len(items))
	for i := range idx {
		idx[i] = i
	}
	slices.SortStableFunc(idx, func(a, b int) int { return items[a].Published.Compare(items[b].Published) })
	outItems := make([]Item, len(items))
	outGold := make([]string, len(items))
	for i, j := range idx {
		outItems[i], outGold[i] = items[j], gold[j]
	}
	return outItems, outGold
}

var synthSyllables = strings.Fields("ka ro mi zen tor va lis bor den sha ko rin tal gu vel nor ste pa dri mon sel ar ul yen hov")

func namePool(r *rand.Rand, n int) []string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		var b strings.Builder
		for range 2 + r.IntN(2) {
			b.WriteString(synthSyllables[r.IntN(len(synthSyllables))])
		}
		s := capitalize(b.String())
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

func synthNumber(r *rand.Rand) string {
	switch r.IntN(4) {
	case 0:
		return fmt.Sprintf("%d", 2+r.IntN(60))
	case 1:
		return fmt.Sprintf("%d,%03d", 1+r.IntN(900), r.IntN(1000))
	case 2:
		return fmt.Sprintf("%d.%d%%", r.IntN(20), r.IntN(10))
	default:
		return fmt.Sprintf("$%d billion", 1+r.IntN(300))
	}
}

func capitalize(s string) string {
	if s == "" {
		return s
	}
	rs := []rune(s)
	rs[0] = []rune(strings.ToUpper(string(rs[0])))[0]
	return string(rs)
}

// toCyrillic writes an invented Latin name in Cyrillic, as a Russian or
// Ukrainian outlet would.
func toCyrillic(s string, uk bool) string {
	pairs := []string{"sh", "ш", "ch", "ч", "zh", "ж", "kh", "х", "ye", "е"}
	single := map[rune]string{'a': "а", 'b': "б", 'v': "в", 'g': "г", 'd': "д", 'e': "е", 'z': "з",
		'i': "и", 'k': "к", 'l': "л", 'm': "м", 'n': "н", 'o': "о", 'p': "п", 'r': "р", 's': "с",
		't': "т", 'u': "у", 'f': "ф", 'h': "х", 'y': "й"}
	if uk {
		single['i'] = "і"
		single['h'] = "г"
	}
	low := strings.ToLower(s)
	var b strings.Builder
	for i := 0; i < len(low); {
		matched := false
		for p := 0; p < len(pairs); p += 2 {
			if strings.HasPrefix(low[i:], pairs[p]) {
				b.WriteString(pairs[p+1])
				i += len(pairs[p])
				matched = true
				break
			}
		}
		if matched {
			continue
		}
		if c, ok := single[rune(low[i])]; ok {
			b.WriteString(c)
		}
		i++
	}
	return capitalize(b.String())
}

type synthClass struct{ en, ru []string }

var synthClasses = []synthClass{
	{strings.Fields("missile strike attack killed wounded drones regional city apartment"), strings.Fields("ракетный удар атака погибли ранены беспилотники города")},
	{strings.Fields("earthquake magnitude quake tsunami collapsed rescue dead"), strings.Fields("землетрясение магнитудой толчки цунами спасатели погибли")},
	{strings.Fields("central bank rate cut inflation basis points policy"), strings.Fields("центральный банк ставку снизил инфляция пунктов")},
	{strings.Fields("election vote parliament party coalition ballots exit polls"), strings.Fields("выборы голосование парламент партия коалиция")},
	{strings.Fields("protest police rally demonstrators detained capital"), strings.Fields("протест полиция митинг задержаны демонстранты")},
	{strings.Fields("tariffs trade exports imports duties steel"), strings.Fields("пошлины торговля экспорт импорт сталь")},
	{strings.Fields("outage cloud service disruption users apps"), strings.Fields("сбой облачного сервиса пользователи приложения")},
	{strings.Fields("summit leaders talks agreement signed visit"), strings.Fields("саммит лидеры переговоры соглашение подписали визит")},
	{strings.Fields("floods rain evacuated river homes army"), strings.Fields("наводнение дожди эвакуированы река дома")},
	{strings.Fields("launch rocket spacecraft crew station orbit"), strings.Fields("запуск ракета корабль экипаж станция орбиту")},
	{strings.Fields("match goal penalties final league coach"), strings.Fields("матч гол пенальти финал лига тренер")},
	{strings.Fields("minister resigns corruption probe investigators searched"), strings.Fields("министр отставку коррупция расследование обыски")},
}

var synthFiller = strings.Fields(`officials reported government statement analysts expected markets week
earlier local residents international support response concern warned announced plan
decision security economic national president ministry foreign spokesman region billion
percent growth forces areas sources agency comment situation measures future data
first major large small high low several long short public private independent group
members council committee office district province state country border capital`)

var synthFillerRu = strings.Fields(`сообщили власти правительство заявление аналитики рынки неделе жители
поддержка ответ заявил министерство президент регион области страны граница столица`)
