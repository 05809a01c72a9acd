package feed

import (
	"strings"
	"time"
)

// parseDate reads the date formats feeds use: RFC 3339 / W3C-DTF / ISO 8601
// (with reduced precision, a space instead of 'T', odd offsets), RFC 822 and
// RFC 1123 with their real-world variants (two-digit years, full month
// names, missing seconds or weekday, zone names, "GMT+hh:mm", stray commas),
// asctime and JavaScript's Date.toString. A date without a zone is UTC. A
// string that does not parse, or that names an impossible time, gives the
// zero time: never the current time.
func parseDate(s string) time.Time {
	s = strings.TrimSpace(s)
	if s == "" {
		return time.Time{}
	}
	var t time.Time
	var ok bool
	if len(s) >= 4 && isDigits(s[:4]) && (len(s) == 4 || s[4] == '-') {
		t, ok = parseISO(s)
	} else {
		t, ok = parseLoose(s)
	}
	if !ok {
		return time.Time{}
	}
	t = t.UTC()
	if t.Year() < 1 || t.Year() > 9999 {
		return time.Time{}
	}
	return t
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// num reads exactly n digits at s[*i].
func num(s string, i *int, n int) (int, bool) {
	if *i+n > len(s) || !isDigits(s[*i:*i+n]) {
		return 0, false
	}
	v := atoi(s[*i : *i+n])
	*i += n
	return v, true
}

func parseISO(s string) (time.Time, bool) {
	i := 0
	year, _ := num(s, &i, 4)
	month, day := 1, 1
	var hour, min, sec, nsec int
	var ok bool
	if i < len(s) && s[i] == '-' {
		i++
		if month, ok = num(s, &i, 2); !ok {
			return time.Time{}, false
		}
		if i < len(s) && s[i] == '-' {
			i++
			if day, ok = num(s, &i, 2); !ok {
				return time.Time{}, false
			}
		}
	}
	loc := time.UTC
	if i < len(s) && (s[i] == 'T' || s[i] == 't' || s[i] == ' ') {
		i++
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if hour, ok = num(s, &i, 2); !ok {
			return time.Time{}, false
		}
		if i >= len(s) || s[i] != ':' {
			return time.Time{}, false
		}
		i++
		if min, ok = num(s, &i, 2); !ok {
			return time.Time{}, false
		}
		if i < len(s) && s[i] == ':' {
			i++
			if sec, ok = num(s, &i, 2); !ok {
				return time.Time{}, false
			}
			if i < len(s) && (s[i] == '.' || s[i] == ',') {
				i++
				j := i
				for i < len(s) && s[i] >= '0' && s[i] <= '9' {
					i++
				}
				frac := s[j:i]
				if frac == "" {
					return time.Time{}, false
				}
				if len(frac) > 9 {
					frac = frac[:9]
				}
				nsec = atoi(frac)
				for k := len(frac); k < 9; k++ {
					nsec *= 10
				}
			}
		}
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i < len(s) {
			zone := s[i:]
			i = len(s)
			var zok bool
			if loc, zok = zoneLoc(zone, year, month, day); !zok {
				return time.Time{}, false
			}
		}
	}
	if i != len(s) {
		return time.Time{}, false
	}
	return makeTime(year, month, day, hour, min, sec, nsec, loc)
}

// makeTime builds a time, refusing out-of-range fields instead of letting
// time.Date normalize them (day 99, hour 25).
func makeTime(year, month, day, hour, min, sec, nsec int, loc *time.Location) (time.Time, bool) {
	if month < 1 || month > 12 || day < 1 || day > daysIn(month, year) ||
		hour > 24 || min > 59 || sec > 60 || (hour == 24 && (min != 0 || sec != 0)) {
		return time.Time{}, false
	}
	if sec == 60 {
		sec = 59
	}
	return time.Date(year, time.Month(month), day, hour, min, sec, nsec, loc), true
}

func daysIn(month, year int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// zoneLoc reads a zone: "Z", "+hh:mm", "+hhmm", "+hh", a name, or a name
// followed by an offset ("GMT+2"). US generic zones (ET, PT) follow the
// date's daylight saving rule, which is why the date is passed in.
func zoneLoc(z string, year, month, day int) (*time.Location, bool) {
	z = strings.TrimSpace(z)
	if z == "" {
		return time.UTC, true
	}
	if z[0] == '+' || z[0] == '-' {
		off, ok := parseOffset(z)
		if !ok {
			return nil, false
		}
		return time.FixedZone("", off), true
	}
	name := z
	rest := ""
	if k := strings.IndexAny(z, "+-"); k > 0 {
		name, rest = z[:k], z[k:]
	}
	name = strings.ToUpper(strings.TrimSpace(name))
	off, ok := zoneNames[name]
	if !ok {
		gen, isGen := genericUS[name]
		if !isGen {
			return nil, false
		}
		off = gen
		if usDST(year, month, day) {
			off += 3600
		}
	}
	if rest != "" {
		if name != "GMT" && name != "UTC" && name != "UT" {
			return nil, false
		}
		extra, ok := parseOffset(rest)
		if !ok {
			return nil, false
		}
		off += extra
	}
	return time.FixedZone(name, off), true
}

// parseOffset reads "+hh:mm", "+hhmm", "+hh" or "+h" as seconds east.
func parseOffset(z string) (int, bool) {
	sign := 1
	if z[0] == '-' {
		sign = -1
	}
	d := strings.ReplaceAll(z[1:], ":", "")
	if !isDigits(d) {
		return 0, false
	}
	var h, m int
	switch len(d) {
	case 1, 2:
		h = atoi(d)
	case 3:
		h, m = atoi(d[:1]), atoi(d[1:])
	case 4:
		h, m = atoi(d[:2]), atoi(d[2:])
	default:
		return 0, false
	}
	if h > 23 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

var zoneNames = map[string]int{
	"Z": 0, "UT": 0, "UTC": 0, "GMT": 0, "WET": 0, "BST": 3600, "IST": 19800, "WEST": 3600,
	"CET": 3600, "MET": 3600, "CEST": 7200, "MEST": 7200, "EET": 7200, "EEST": 10800,
	"MSK": 10800, "MSD": 14400, "SAMT": 14400, "YEKT": 18000, "OMST": 21600, "KRAT": 25200,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
	"AKST": -9 * 3600, "AKDT": -8 * 3600, "HST": -10 * 3600, "AST": -4 * 3600, "ADT": -3 * 3600,
	"NST": -12600, "NDT": -9000,
	"JST": 9 * 3600, "KST": 9 * 3600, "HKT": 8 * 3600, "SGT": 8 * 3600, "AWST": 8 * 3600,
	"ACST": 34200, "ACDT": 37800, "AEST": 10 * 3600, "AEDT": 11 * 3600,
	"NZST": 12 * 3600, "NZDT": 13 * 3600,
}

// genericUS are the zone names without S/D that mean "local time there",
// standard offset given.
var genericUS = map[string]int{"ET": -5 * 3600, "CT": -6 * 3600, "MT": -7 * 3600, "PT": -8 * 3600}

// usDST reports whether US daylight saving time is in effect on the date
// (second Sunday of March to first Sunday of November since 2007; first
// Sunday of April to last Sunday of October before).
func usDST(year, month, day int) bool {
	if year >= 2007 {
		start := nthSunday(year, 3, 2)
		end := nthSunday(year, 11, 1)
		return after(month, day, 3, start) && !after(month, day, 11, end)
	}
	start := nthSunday(year, 4, 1)
	end := lastSunday(year, 10)
	return after(month, day, 4, start) && !after(month, day, 10, end)
}

func after(m, d, m0, d0 int) bool { return m > m0 || (m == m0 && d >= d0) }

func nthSunday(year, month, n int) int {
	first := time.Date(year, time.Month(month), 1, 0, 0, 0, 0, time.UTC).Weekday()
	d := 1 + (7-int(first))%7
	return d + 7*(n-1)
}

func lastSunday(year, month int) int {
	last := daysIn(month, year)
	wd := time.Date(year, time.Month(month), last, 0, 0, 0, 0, time.UTC).Weekday()
	return last - int(wd)
}

var monthNames = map[string]int{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "sept": 9, "oct": 10, "nov": 11, "dec": 12,
	"january": 1, "february": 2, "march": 3, "april": 4, "june": 6, "july": 7,
	"august": 8, "september": 9, "october": 10, "november": 11, "december": 12,
}

var weekdayNames = map[string]bool{
	"mon": true, "tue": true, "tues": true, "wed": true, "thu": true, "thur": true, "thurs": true,
	"fri": true, "sat": true, "sun": true, "monday": true, "tuesday": true, "wednesday": true,
	"thursday": true, "friday": true, "saturday": true, "sunday": true,
	// Russian, abbreviated and in full (see ruMonthStems).
	"пн": true, "вт": true, "ср": true, "чт": true, "пт": true, "сб": true, "вс": true,
	"понедельник": true, "вторник": true, "среда": true, "четверг": true, "пятница": true,
	"суббота": true, "воскресенье": true,
}

// Russian outlets sometimes localize the names in otherwise RFC 822 dates
// ("Пн, 02 июня 2025 10:00:00 +0300"). Months are recognized by their stem
// in any case form (января, январь), weekdays by abbreviation or full name
// (weekdayNames).
var ruMonthStems = []string{"янв", "фев", "мар", "апр", "ма", "июн", "июл", "авг", "сен", "окт", "ноя", "дек"}

func ruMonth(w string) int {
	for i, stem := range ruMonthStems {
		if strings.HasPrefix(w, stem) {
			if stem == "ма" && !(w == "май" || w == "мая" || w == "мае") {
				continue
			}
			return i + 1
		}
	}
	return 0
}

// parseLoose reads RFC 822-like dates by classifying tokens rather than by
// fixed layouts, so the many orders seen in the wild all work:
//
//	Mon, 02 Jan 2006 15:04:05 -0700     Mon,02 January 2006 15:04:05 EST
//	02 Jan 06 15:04 GMT                 Mon, 13 Feb, 2012 06:28:00 UTC
//	Sun Jan  4 16:29:06 2004            Sun Jul 15 01:16:00 +0000 2012
//	Thu Aug 30 2012 17:26:16 +0200      Wed, 19 Feb 2012 22:40:00 GMT-01:01
//
// Every token must be understood; one unknown word makes the date invalid.
func parseLoose(s string) (time.Time, bool) {
	year, month, day := -1, -1, -1
	hour, min, sec := 0, 0, 0
	haveTime, twoDigitYear := false, false
	zone := ""
	pm := -1
	i := 0
	prevTime := false // the previous token was the time or a zone word
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == ',' || c == '\t' || c == '.' || c == '/':
			i++
			prevTime = false
			continue
		case (c == '+' || c == '-') && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9' &&
			(i == 0 || s[i-1] == ' ' || prevTime):
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ':') {
				j++
			}
			if zone != "" && zone != "GMT" && zone != "UTC" && zone != "UT" {
				return time.Time{}, false
			}
			zone += s[i:j]
			i = j
			prevTime = false
			continue
		case c == '+' || c == '-':
			if c == '-' {
				i++
				prevTime = false
				continue
			}
			return time.Time{}, false
		case c >= '0' && c <= '9':
			j := i
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == ':') {
				j++
			}
			tok := s[i:j]
			i = j
			if strings.IndexByte(tok, ':') >= 0 {
				if haveTime {
					return time.Time{}, false
				}
				parts := strings.Split(tok, ":")
				if len(parts) < 2 || len(parts) > 3 {
					return time.Time{}, false
				}
				for _, p := range parts {
					if len(p) < 1 || len(p) > 2 {
						return time.Time{}, false
					}
				}
				hour, min = atoi(parts[0]), atoi(parts[1])
				if len(parts) == 3 {
					sec = atoi(parts[2])
				}
				haveTime = true
				// Fractional seconds.
				if i+1 < len(s) && s[i] == '.' && s[i+1] >= '0' && s[i+1] <= '9' {
					i++
					for i < len(s) && s[i] >= '0' && s[i] <= '9' {
						i++
					}
				}
				prevTime = true
				continue
			}
			prevTime = false
			switch {
			case len(tok) == 4 && year < 0:
				year = atoi(tok)
			case len(tok) <= 2 && day < 0:
				day = atoi(tok)
			case len(tok) <= 2 && year < 0:
				year = atoi(tok)
				twoDigitYear = true
			default:
				return time.Time{}, false
			}
		case isLetter(c) || c >= 0x80:
			j := i
			for j < len(s) && (isLetter(s[j]) || s[j] >= 0x80) {
				j++
			}
			w := strings.ToLower(s[i:j])
			i = j
			prevTime = false
			if m, ok := monthNames[w]; ok && month < 0 {
				month = m
				continue
			}
			if weekdayNames[w] {
				continue
			}
			if c >= 0x80 {
				if m := ruMonth(w); m > 0 && month < 0 {
					month = m
					continue
				}
				return time.Time{}, false
			}
			switch w {
			case "am":
				pm = 0
				continue
			case "pm":
				pm = 1
				continue
			case "t":
				continue
			}
			up := strings.ToUpper(w)
			if _, ok := zoneNames[up]; ok && zone == "" {
				zone = up
				prevTime = true
				continue
			}
			if _, ok := genericUS[up]; ok && zone == "" {
				zone = up
				prevTime = true
				continue
			}
			return time.Time{}, false
		default:
			return time.Time{}, false
		}
	}
	if year < 0 || month < 0 || day < 0 {
		return time.Time{}, false
	}
	if twoDigitYear {
		if year < 50 {
			year += 2000
		} else {
			year += 1900
		}
	}
	if pm >= 0 {
		if hour < 1 || hour > 12 {
			return time.Time{}, false
		}
		hour %= 12
		if pm == 1 {
			hour += 12
		}
	}
	loc, ok := zoneLoc(zone, year, month, day)
	if !ok {
		return time.Time{}, false
	}
	return makeTime(year, month, day, hour, min, sec, 0, loc)
}
