package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"crosswire/story"
)

const storiesInput = `{"id": "b", "source": "kyd", "lang": "uk", "published": "2026-05-04T06:40:00Z", "title": "Ракетний удар по Запоріжжю: семеро загиблих, 18 поранених", "summary": "Російська ракета влучила у п'ятиповерховий житловий будинок у Запоріжжі. Загинули семеро людей, 18 поранені.", "url": "https://example.org/2"}
{"id": "c", "source": "fnx", "lang": "en", "published": "2026-05-05T08:30:00Z", "title": "Riksbank holds key rate at 2.25%, signals cut in autumn", "summary": "Sweden's central bank left its policy rate unchanged at 2.25% on Tuesday.", "url": "https://example.org/3"}

{"id": "a", "source": "mwr", "lang": "en", "published": "2026-05-04T06:10:00Z", "title": "Russian missile strike on Zaporizhzhia apartment block kills 7", "summary": "A Russian missile hit a five-storey apartment building in Zaporizhzhia early Monday, killing seven people and wounding 18.", "url": "https://example.org/1"}
`

func TestStoriesGroup(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "in.jsonl")
	if err := os.WriteFile(path, []byte(storiesInput), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(context.Background(), stdio{&out, &errb}, []string{"stories", "group", path}); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got []groupOutput
	for _, line := range strings.Split(strings.TrimSpace(out.String()), "\n") {
		var o groupOutput
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			t.Fatalf("output line %q: %v", line, err)
		}
		if o.Score != nil || o.Terms != nil {
			t.Errorf("explanations without -explain: %s", line)
		}
		got = append(got, o)
	}
	// Input order, whatever the published order; a opened the story (it
	// was published first) and b, its Ukrainian report, joined it.
	if len(got) != 3 || got[0].ID != "b" || got[1].ID != "c" || got[2].ID != "a" {
		t.Fatalf("output %+v; want ids b, c, a", got)
	}
	if got[0].Story != "a" || got[2].Story != "a" || got[1].Story != "c" {
		t.Errorf("stories %q %q %q; want a, c, a", got[0].Story, got[1].Story, got[2].Story)
	}
}

func TestStoriesGroupExplain(t *testing.T) {
	var out bytes.Buffer
	err := groupArticles(context.Background(), strings.NewReader(storiesInput), &out, story.DefaultOptions(), true)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	var b groupOutput
	if err := json.Unmarshal([]byte(lines[0]), &b); err != nil {
		t.Fatal(err)
	}
	if b.New == nil || *b.New || b.Score == nil || *b.Score <= 0 || len(b.Terms) == 0 || b.Reason == "" {
		t.Errorf("explained decision for b: %s", lines[0])
	}
}

func TestStoriesGroupBadInput(t *testing.T) {
	tests := map[string]string{
		"not json":     "line 2",
		"missing id":   "missing id",
		"duplicate id": `already on line 1`,
		"bad time":     "published",
	}
	inputs := map[string]string{
		"not json":     `{"id":"a","published":"2026-05-04T06:10:00Z"}` + "\n{oops\n",
		"missing id":   `{"published":"2026-05-04T06:10:00Z"}`,
		"duplicate id": `{"id":"a","published":"2026-05-04T06:10:00Z"}` + "\n" + `{"id":"a","published":"2026-05-04T06:10:00Z"}`,
		"bad time":     `{"id":"a","published":"yesterday"}`,
	}
	for name, want := range tests {
		err := groupArticles(context.Background(), strings.NewReader(inputs[name]), &bytes.Buffer{}, story.DefaultOptions(), false)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: error %v; want it to mention %q", name, err, want)
		}
	}
}

func TestStoriesUsage(t *testing.T) {
	tests := []struct {
		args []string
		code int
	}{
		{[]string{"stories"}, 2},
		{[]string{"stories", "frobnicate"}, 2},
		{[]string{"stories", "group"}, 2},
		{[]string{"stories", "group", "a.jsonl", "b.jsonl"}, 2},
		{[]string{"stories", "group", "-threshold", "x", "a.jsonl"}, 2},
		{[]string{"stories", "--help"}, 0},
		{[]string{"stories", "group", "/nonexistent/in.jsonl"}, 1},
		{[]string{"stories", "rebuild"}, 1},
	}
	for _, tt := range tests {
		var out, errb bytes.Buffer
		if code := run(context.Background(), stdio{&out, &errb}, tt.args); code != tt.code {
			t.Errorf("%v: exit %d, want %d (stderr %q)", tt.args, code, tt.code, errb.String())
		}
	}
}

func TestStoriesGroupCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	err := groupArticles(ctx, strings.NewReader(storiesInput), &bytes.Buffer{}, story.DefaultOptions(), false)
	if !errors.Is(err, context.Canceled) {
		t.Errorf("error %v; want context.Canceled", err)
	}
}
