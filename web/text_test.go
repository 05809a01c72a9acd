package web

import (
	"net/http"
	"testing"
)

func TestExcerpt(t *testing.T) {
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"Short text.", 50, "Short text."},
		{"First paragraph.\n\nSecond   paragraph.", 100, "First paragraph. Second paragraph."},
		{"The quick brown fox jumps over the lazy dog", 20, "The quick brown fox…"},
		{"Москва заявила о новых переговорах в Стамбуле", 20, "Москва заявила о…"},
		{"allegations.\n\nUkraine's", 100, "allegations. Ukraine's"},
	}
	for _, tt := range tests {
		if got := excerpt(tt.in, tt.max); got != tt.want {
			t.Errorf("excerpt(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
	}
}

func TestTextFromHTML(t *testing.T) {
	got := textFromHTML(`<p>allegations.</p><p>Ukraine's <b>army</b></p><script>var x</script>`)
	if got != "allegations.\n\nUkraine's army" {
		t.Errorf("textFromHTML = %q", got)
	}
}

func TestSlugifyAndParseID(t *testing.T) {
	if got := slugify("Kyiv: talks resume, 'carefully' — officials!"); got != "kyiv-talks-resume-carefully-officials" {
		t.Errorf("slugify = %q", got)
	}
	if got := slugify("Переговоры в Стамбуле"); got != "" {
		t.Errorf("slugify(cyrillic) = %q, want empty", got)
	}
	tests := []struct {
		in string
		id int64
		ok bool
	}{
		{"123", 123, true}, {"123-some-title", 123, true}, {"0", 0, false}, {"012", 0, false},
		{"abc", 0, false}, {"-5", 0, false}, {"", 0, false}, {"99999999999999999999", 0, false},
	}
	for _, tt := range tests {
		id, ok := parseIDSlug(tt.in)
		if id != tt.id || ok != tt.ok {
			t.Errorf("parseIDSlug(%q) = %d, %v; want %d, %v", tt.in, id, ok, tt.id, tt.ok)
		}
	}
}

func TestNames(t *testing.T) {
	if got := countryName("RU"); got != "Russia" {
		t.Errorf("countryName(RU) = %q", got)
	}
	if got := languageName("uk"); got != "Ukrainian" {
		t.Errorf("languageName(uk) = %q", got)
	}
	if got := countryName("??"); got != "??" {
		t.Errorf("countryName(??) = %q", got)
	}
}

func TestEtagMatches(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{`"abc"`, true}, {`W/"abc"`, true}, {`"x", "abc"`, true}, {`*`, true}, {`"abd"`, false}, {`abc`, false},
	}
	for _, tt := range tests {
		if got := etagMatches(tt.header, `"abc"`); got != tt.want {
			t.Errorf("etagMatches(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}

func TestAcceptsGzip(t *testing.T) {
	tests := []struct {
		header string
		want   bool
	}{
		{"", false}, {"gzip", true}, {"gzip, deflate, br", true}, {"br;q=1.0, gzip;q=0.8", true},
		{"gzip;q=0", false}, {"gzip; q=0.000", false}, {"gzip;q=0.5", true}, {"deflate", false}, {"GZIP", true},
	}
	for _, tt := range tests {
		r, _ := http.NewRequest(http.MethodGet, "/", nil)
		r.Header.Set("Accept-Encoding", tt.header)
		if got := acceptsGzip(r); got != tt.want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", tt.header, got, tt.want)
		}
	}
}
