package feed

import (
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/traditionalchinese"
	"golang.org/x/text/encoding/unicode"
)

// rssWithTitle is a one-channel RSS document; prolog is its XML
// declaration (may be empty).
func rssWithTitle(prolog, title string) string {
	return prolog + "<rss version=\"2.0\"><channel><title>" + title + "</title><item><title>" + title + "</title></item></channel></rss>"
}

func encode(t *testing.T, enc encoding.Encoding, s string) []byte {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestCharsets(t *testing.T) {
	const ru = "Новости дня: «Мост открыт»"
	const ruPlain = "Новости дня: мост открыт" // within KOI8-R and cp866
	tests := []struct {
		name        string
		data        func(t *testing.T) []byte
		contentType string
		want        string
	}{
		{"utf-8 declared", func(t *testing.T) []byte {
			return []byte(rssWithTitle(`<?xml version="1.0" encoding="utf-8"?>`, ru))
		}, "", ru},
		{"windows-1251 in the prolog", func(t *testing.T) []byte {
			return encode(t, charmap.Windows1251, rssWithTitle(`<?xml version="1.0" encoding="windows-1251"?>`, ru))
		}, "", ru},
		{"windows-1251 in the HTTP header only", func(t *testing.T) []byte {
			return encode(t, charmap.Windows1251, rssWithTitle("", ru))
		}, "text/xml; charset=windows-1251", ru},
		{"windows-1251 declared as utf-8 everywhere", func(t *testing.T) []byte {
			return encode(t, charmap.Windows1251, rssWithTitle(`<?xml version="1.0" encoding="UTF-8"?>`, ru))
		}, "application/rss+xml; charset=UTF-8", ru},
		{"windows-1251 with no declaration", func(t *testing.T) []byte {
			return encode(t, charmap.Windows1251, rssWithTitle("", ru))
		}, "", ru},
		{"koi8-r with no declaration", func(t *testing.T) []byte {
			return encode(t, charmap.KOI8R, rssWithTitle("", ruPlain))
		}, "", ruPlain},
		{"utf-8 body, wrong latin-1 HTTP header, utf-8 prolog", func(t *testing.T) []byte {
			return []byte(rssWithTitle(`<?xml version="1.0" encoding="utf-8"?>`, ru))
		}, "text/xml; charset=ISO-8859-1", ru},
		{"koi8-r", func(t *testing.T) []byte {
			return encode(t, charmap.KOI8R, rssWithTitle(`<?xml version="1.0" encoding="koi8-r"?>`, ruPlain))
		}, "", ruPlain},
		{"cp866", func(t *testing.T) []byte {
			return encode(t, charmap.CodePage866, rssWithTitle(`<?xml version="1.0" encoding="cp866"?>`, ruPlain))
		}, "", ruPlain},
		{"latin-1 text misdeclared as utf-8", func(t *testing.T) []byte {
			return encode(t, charmap.Windows1252, rssWithTitle(`<?xml version="1.0" encoding="utf-8"?>`, "Café au lait à Genève"))
		}, "", "Café au lait à Genève"},
		{"mostly utf-8 with one stray latin-1 byte", func(t *testing.T) []byte {
			return []byte(rssWithTitle("", "Zürich – Café \xe9t\xe9"))
		}, "", "Zürich – Café été"},
		{"big5", func(t *testing.T) []byte {
			return encode(t, traditionalchinese.Big5, rssWithTitle(`<?xml version="1.0" encoding="big5"?>`, "新聞"))
		}, "", "新聞"},
		{"euc-kr", func(t *testing.T) []byte {
			return encode(t, korean.EUCKR, rssWithTitle(`<?xml version="1.0" encoding="euc-kr"?>`, "뉴스"))
		}, "", "뉴스"},
		{"shift_jis", func(t *testing.T) []byte {
			return encode(t, japanese.ShiftJIS, rssWithTitle(`<?xml version="1.0" encoding="Shift_JIS"?>`, "ニュース"))
		}, "", "ニュース"},
		{"utf-16le with BOM", func(t *testing.T) []byte {
			return encode(t, unicode.UTF16(unicode.LittleEndian, unicode.UseBOM), rssWithTitle(`<?xml version="1.0" encoding="utf-16"?>`, ru))
		}, "", ru},
		{"utf-16be without BOM", func(t *testing.T) []byte {
			return encode(t, unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), rssWithTitle(`<?xml version="1.0" encoding="utf-16"?>`, ru))
		}, "", ru},
		{"utf-8 BOM", func(t *testing.T) []byte {
			return append([]byte{0xEF, 0xBB, 0xBF}, rssWithTitle("", ru)...)
		}, "", ru},
		{"prolog claims utf-16 over ascii-compatible bytes", func(t *testing.T) []byte {
			return []byte(rssWithTitle(`<?xml version="1.0" encoding="utf-16"?>`, ru))
		}, "", ru},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, err := Parse(tt.data(t), Options{ContentType: tt.contentType})
			if err != nil {
				t.Fatal(err)
			}
			field(t, "feed title", f.Title, tt.want)
			entryCount(t, f, 1)
			field(t, "entry title", f.Entries[0].Title, tt.want)
		})
	}
}

func TestHTTPCharset(t *testing.T) {
	tests := map[string]string{
		"":                                  "",
		"application/rss+xml":               "",
		"text/xml; charset=windows-1251":    "windows-1251",
		`text/xml; charset="KOI8-R"`:        "KOI8-R",
		"text/xml;charset=utf-8;":           "utf-8",
		"text/xml; foo; charset=cp1251 x=y": "cp1251",
	}
	for in, want := range tests {
		field(t, in, httpCharset(in), want)
	}
}
