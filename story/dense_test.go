package story

import (
	"fmt"
	"math/rand/v2"
	"strconv"
	"strings"
	"time"
)

// denseArticles generates the worst case for candidate retrieval: the
// shape of a cold ingest of ../shared/tools/feedfarm. feeds outlets publish
// items each, all within a few days of one base time, in synthetic
// news-like English drawn from a small vocabulary, so that every term is
// shared by thousands of recent articles and nearly every article is a
// candidate for every other. Items arrive as an ingest sees them: feed by
// feed, newest first within a feed (document order), not in published
// order. The text is title plus the first 600 bytes of body, as
// ingest.Grouping hands articles to the grouper.
func denseArticles(seed uint64, feeds, items int) []Item {
	base := time.Date(2026, 4, 1, 12, 0, 0, 0, time.UTC)
	out := make([]Item, 0, feeds*items)
	for f := range feeds {
		r := rand.New(rand.NewPCG(seed, uint64(f)))
		spacing := time.Duration(20+r.IntN(340)) * time.Minute
		for j := items - 1; j >= 0; j-- {
			var body strings.Builder
			for body.Len() < 600 {
				if body.Len() > 0 {
					body.WriteByte(' ')
				}
				body.WriteString(denseSentence(r))
			}
			summary := body.String()[:600]
			out = append(out, Item{
				ID:        fmt.Sprintf("f%04d-%02d", f, j),
				Source:    "farm" + strconv.Itoa(f),
				Lang:      "en",
				Published: base.Add(-time.Duration(items-1-j) * spacing),
				Title:     denseHeadline(r),
				Summary:   summary,
			})
		}
	}
	return out
}

var (
	dFirst   = strings.Fields("Amira Bruno Cecile Dario Elena Farouk Greta Hiro Ines Jonas Kofi Lena Milan Nadia Oskar Paula Quentin Rosa Samir Tove Umar Vera Wendell Xenia Yusuf Zora Anton Beatriz Carmen Dmitri Esther Felix Gloria Hamid Ida Jorge Keiko Luca Mona Nils")
	dLast    = strings.Fields("Adeyemi Bauer Carvalho Dimitrov Eriksen Fontaine Gallo Horvath Ishikawa Jensen Kovac Lindgren Moreau Nakamura Okonkwo Petrovic Quinn Rahman Svensson Tanaka Urquhart Varga Weber Yilmaz Zeller Abbott Brandt Castro Delgado Engel Fischer Greco Haas Iqbal")
	dOrgs    = []string{"the finance ministry", "the central bank", "Ashford Mining", "the regional council", "the health agency", "Northgate Power", "the port authority", "Lumen Labs", "the weather office", "Corvid Logistics", "the state assembly", "the transport agency", "Pellucid Telecom", "the monetary fund", "the supreme court", "Solace Energy", "the nurses' union", "Heron Pharma", "the statistics bureau", "Tidewater Foods", "the security council", "Apex Orbital", "the reserve board", "St Brigid Hospital", "the interior ministry", "Crescent Capital", "the audit office", "Marlow Steel", "the planning board", "Granite Insurance"}
	dCities  = strings.Fields("Aldmoor Brightwater Castellan Dunmore Eastfold Fairhaven Glenrock Harrowgate Ironbridge Juniper Kestrel Larchmont Millbrook Northwick Oakridge Pinecrest Queensport Ravenhill Stonegate Thornbury Upton Valemont Westmarch Yarrow Zephyr Ashby Briar Coldwater Drayton Elmstead Foxley Greywell Hollins Ivydale")
	dCountry = strings.Fields("Avaria Borovia Calderia Dresnia Estmark Fennland Galvia Horvania Istria Jorvik Karelia Lusitra Moravia Norland Ostrava Pelagia Quivira Rhodana Silesa Tavria Umbria Valdora Westria Zantia Arcadia Belmora Corvina Delvia Elbria Florenza")
	dNouns   = strings.Fields("budget proposal strike inquiry merger election ceasefire forecast report pipeline verdict vaccine rollout summit tariff deal outbreak deficit audit reform project survey bridge referendum wildfire drought contract subsidy railway platform treaty investigation recall shortage programme policy framework dispute settlement index auction harvest launch satellite reactor festival tournament lawsuit bill strategy measure initiative recovery")
	dPlurals = strings.Fields("prices wages voters residents investors farmers commuters patients students officials regulators exports emissions rents lawmakers workers shareholders tenants nurses engineers households retailers manufacturers tourists fishermen drivers analysts suppliers teachers")
	dAdjs    = strings.Fields("sweeping controversial long-awaited fragile unexpected modest ambitious record temporary landmark provisional disputed rapid gradual costly historic preliminary bipartisan regional cautious aggressive sharp steady volatile unprecedented emergency revised confidential")
	dVerbs   = [][2]string{{"approve", "approved"}, {"delay", "delayed"}, {"reject", "rejected"}, {"announce", "announced"}, {"suspend", "suspended"}, {"expand", "expanded"}, {"review", "reviewed"}, {"cut", "cut"}, {"raise", "raised"}, {"challenge", "challenged"}, {"unveil", "unveiled"}, {"block", "blocked"}, {"revise", "revised"}, {"fund", "funded"}, {"scrap", "scrapped"}, {"extend", "extended"}, {"criticise", "criticised"}, {"defend", "defended"}, {"freeze", "froze"}, {"sign", "signed"}, {"postpone", "postponed"}, {"restore", "restored"}}
	dWhen    = []string{"next year", "by the end of the quarter", "within weeks", "later this month", "before the winter", "over the next decade", "as early as Monday", "in the coming days", "by 2030", "this spring"}
	dDays    = strings.Fields("Monday Tuesday Wednesday Thursday Friday Saturday Sunday")
)

func dPick(r *rand.Rand, s []string) string { return s[r.IntN(len(s))] }

func dPerson(r *rand.Rand) string { return dPick(r, dFirst) + " " + dPick(r, dLast) }

func denseHeadline(r *rand.Rand) string {
	v := dVerbs[r.IntN(len(dVerbs))]
	switch r.IntN(8) {
	case 0:
		return capitalize(dPick(r, dOrgs)) + " " + v[1] + " " + dPick(r, dAdjs) + " " + dPick(r, dNouns) + " amid " + dPick(r, dNouns) + " fears"
	case 1:
		return dPick(r, dCities) + " " + dPick(r, dPlurals) + " brace for " + dPick(r, dAdjs) + " " + dPick(r, dNouns)
	case 2:
		return dPick(r, dCountry) + " to " + v[0] + " " + dPick(r, dNouns) + " " + dPick(r, dWhen)
	case 3:
		return strconv.Itoa(2+r.IntN(40)) + " " + dPick(r, dPlurals) + " " + v[1] + " as " + dPick(r, dNouns) + " deepens in " + dPick(r, dCities)
	case 4:
		return "Analysis: why the " + dPick(r, dNouns) + " matters for " + dPick(r, dPlurals)
	case 5:
		return "Live: " + dPick(r, dNouns) + " updates from " + dPick(r, dCities) + " and " + dPick(r, dCities)
	case 6:
		return dPerson(r) + " says " + dPick(r, dNouns) + " will " + v[0] + " " + dPick(r, dPlurals) + "' plans"
	default:
		return capitalize(dPick(r, dAdjs)) + " " + dPick(r, dNouns) + " " + v[1] + " in " + dPick(r, dCountry)
	}
}

func denseSentence(r *rand.Rand) string {
	v := dVerbs[r.IntN(len(dVerbs))]
	switch r.IntN(8) {
	case 0:
		return dPerson(r) + ", a spokesperson for " + dPick(r, dOrgs) + ", said the " + dPick(r, dNouns) + " would " + v[0] + " " + dPick(r, dPlurals) + " " + dPick(r, dWhen) + "."
	case 1:
		return "The " + dPick(r, dAdjs) + " " + dPick(r, dNouns) + " comes as " + dPick(r, dOrgs) + " " + v[1] + " " + strconv.Itoa(2+r.IntN(900)) + " " + dPick(r, dPlurals) + " in " + dPick(r, dCities) + "."
	case 2:
		return "Officials in " + dPick(r, dCities) + " " + v[1] + " the " + dPick(r, dNouns) + " on " + dPick(r, dDays) + ", citing " + dPick(r, dAdjs) + " " + dPick(r, dPlurals) + "."
	case 3:
		return "According to " + dPick(r, dOrgs) + ", " + strconv.Itoa(3+r.IntN(90)) + " percent of " + dPick(r, dPlurals) + " " + v[1] + " the " + dPick(r, dNouns) + " across " + dPick(r, dCountry) + "."
	case 4:
		return "\"We are " + dPick(r, dAdjs) + " about the " + dPick(r, dNouns) + ",\" " + dPerson(r) + " told reporters in " + dPick(r, dCities) + "."
	case 5:
		return "Critics argue that the " + dPick(r, dNouns) + " will " + v[0] + " " + dPick(r, dAdjs) + " " + dPick(r, dPlurals) + ", while supporters defend it."
	case 6:
		return "Analysts at " + dPick(r, dOrgs) + " expect " + dPick(r, dPlurals) + " to " + v[0] + " by " + strconv.Itoa(1+r.IntN(12)) + "." + strconv.Itoa(r.IntN(10)) + " percent " + dPick(r, dWhen) + "."
	default:
		return "Residents of " + dPick(r, dCities) + " said the " + dPick(r, dAdjs) + " " + dPick(r, dNouns) + " had left " + dPick(r, dPlurals) + " worried."
	}
}
