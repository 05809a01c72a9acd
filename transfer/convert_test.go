package transfer

import (
	"crypto/sha256"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestConvert(t *testing.T) {
	tests := []struct {
		name    string
		kind    kind
		in      any
		want    any
		wantErr string
	}{
		{"null stays null", kindTime, nil, nil, ""},
		{"milliseconds to time", kindTime, int64(1740830400123), time.Date(2025, 3, 1, 12, 0, 0, 123e6, time.UTC), ""},
		{"epoch is a time, not null", kindTime, int64(0), time.Unix(0, 0).UTC(), ""},
		{"1 is true", kindBool, int64(1), true, ""},
		{"0 is false", kindBool, int64(0), false, ""},
		{"integer", kindInt, int64(1 << 40), int64(1 << 40), ""},
		{"real", kindFloat, 0.4125, 0.4125, ""},
		{"integral real", kindFloat, int64(1), 1.0, ""},
		{"empty JSON list is null", kindJSON, "", nil, ""},
		{"JSON passes as text", kindJSON, `["a","b"]`, `["a","b"]`, ""},
		{"bad JSON", kindJSON, `["a"`, nil, "invalid JSON"},
		{"text", kindText, "Міністр", "Міністр", ""},
		{"text from bytes", kindText, []byte("abc"), "abc", ""},
		{"NUL in text", kindText, "a\x00b", nil, "NUL"},
		{"invalid UTF-8", kindText, "a\xffb", nil, "UTF-8"},
		{"blob", kindBytes, []byte{0, 1}, []byte{0, 1}, ""},
		{"text in an integer column", kindInt, "12", nil, "string value in a integer column"},
		{"real in a time column", kindTime, 1.5, nil, "float64 value in a time column"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := convert(tt.kind, tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("convert(%v) error %v, want one mentioning %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || !reflect.DeepEqual(got, tt.want) {
				t.Errorf("convert(%v) = %#v, %v; want %#v", tt.in, got, err, tt.want)
			}
		})
	}
}

// sums returns the checksum of one SQLite value and of one PostgreSQL value.
func sums(t *testing.T, k kind, sqliteV, pgV any) (string, string) {
	t.Helper()
	s := checksum{h: sha256.New()}
	if err := s.sqliteValue(k, sqliteV); err != nil {
		t.Fatalf("sqlite %v: %v", sqliteV, err)
	}
	p := checksum{h: sha256.New()}
	if err := p.postgresValue(k, pgV); err != nil {
		t.Fatalf("postgres %v: %v", pgV, err)
	}
	return string(s.h.Sum(nil)), string(p.h.Sum(nil))
}

func TestChecksumMatchesAcrossBackends(t *testing.T) {
	ms := int64(1740830400123)
	tm := time.UnixMilli(ms)
	tests := []struct {
		name     string
		kind     kind
		sqlite   any
		postgres any
		equal    bool
	}{
		{"time", kindTime, ms, tm.In(time.FixedZone("X", 3600)), true},
		{"time off by a millisecond", kindTime, ms, tm.Add(time.Millisecond), false},
		{"null time", kindTime, nil, nil, true},
		{"null is not the epoch", kindTime, nil, time.UnixMilli(0), false},
		{"bool", kindBool, int64(1), true, true},
		{"bool differs", kindBool, int64(0), true, false},
		{"int4", kindInt, int64(503), int32(503), true},
		{"int8", kindInt, int64(1 << 33), int64(1 << 33), true},
		{"int differs", kindInt, int64(3), int64(4), false},
		{"float", kindFloat, 0.4125, 0.4125, true},
		{"text", kindText, "Бета", "Бета", true},
		{"text differs", kindText, "a ", "a", false},
		{"empty JSON is null", kindJSON, "", nil, true},
		{"jsonb respelling", kindJSON, `{"url":"https://a/<x>","length":1234,"type":"a"}`,
			`{"url": "https://a/<x>", "type": "a", "length": 1234}`, true},
		{"jsonb numbers", kindJSON, `[1e2, 1.50, 7]`, `[100, 1.5, 7]`, true},
		{"JSON differs", kindJSON, `["a","b"]`, `["b", "a"]`, false},
		{"empty list is not null", kindJSON, `[]`, nil, false},
		{"text is not JSON", kindText, `[]`, nil, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, p := sums(t, tt.kind, tt.sqlite, tt.postgres)
			if (s == p) != tt.equal {
				t.Errorf("sqlite %#v and postgres %#v: equal checksums = %v, want %v", tt.sqlite, tt.postgres, s == p, tt.equal)
			}
		})
	}
}

// A value's end must not run into the next: ("ab", "c") and ("a", "bc")
// are different rows.
func TestChecksumSeparatesValues(t *testing.T) {
	a := checksum{h: sha256.New()}
	b := checksum{h: sha256.New()}
	for _, v := range []string{"ab", "c"} {
		a.sqliteValue(kindText, v)
	}
	for _, v := range []string{"a", "bc"} {
		b.sqliteValue(kindText, v)
	}
	if string(a.h.Sum(nil)) == string(b.h.Sum(nil)) {
		t.Error(`rows ("ab", "c") and ("a", "bc") have one checksum`)
	}
}

func TestOrderByDependency(t *testing.T) {
	tables := []table{{name: "revisions"}, {name: "media"}, {name: "articles"}, {name: "sources"}, {name: "stories"}}
	deps := map[string][]string{
		"revisions": {"articles"},
		"articles":  {"sources", "stories", "feeds_elsewhere"},
		"stories":   {"stories"},
	}
	got, err := orderByDependency(tables, deps)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, tb := range got {
		names = append(names, tb.name)
	}
	want := []string{"media", "sources", "stories", "articles", "revisions"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("order %v, want %v", names, want)
	}

	deps["sources"] = []string{"revisions"}
	if _, err := orderByDependency(tables, deps); err == nil {
		t.Error("a foreign-key cycle was ordered")
	}
}
