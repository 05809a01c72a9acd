package opml

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestRoundTrip(t *testing.T) {
	in := []Outlet{
		{Name: "Meridian Wire", Homepage: "https://meridian.example", Slug: "meridian", Country: "US", Ownership: "private", Language: "en",
			Feeds: []Feed{{Title: "Top news", URL: "https://meridian.example/rss"}, {Title: "World", URL: "https://meridian.example/world.rss"}}},
		{Name: "Agency & Co <RU>", Slug: "agency", Ownership: "state-owned", Perspective: "russia-state", Feeds: []Feed{{URL: "https://agency.example/export/rss2"}}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, "crosswire sources", in, time.Unix(0, 0)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(buf.String(), `xmlUrl="https://meridian.example/world.rss"`) || !strings.Contains(buf.String(), "Agency &amp; Co &lt;RU&gt;") {
		t.Fatalf("unexpected document:\n%s", buf.String())
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 {
		t.Fatalf("outlets = %d: %+v", len(got), got)
	}
	if g := got[0]; g.Slug != "meridian" || g.Ownership != "private" || g.Country != "US" || len(g.Feeds) != 2 || g.Feeds[1].URL != "https://meridian.example/world.rss" {
		t.Errorf("outlet 0 = %+v", g)
	}
	if g := got[1]; g.Name != "Agency & Co <RU>" || g.Perspective != "russia-state" || g.Feeds[0].URL != "https://agency.example/export/rss2" {
		t.Errorf("outlet 1 = %+v", g)
	}
}

func TestReadPlainReaderExport(t *testing.T) {
	// The shape other readers export: folders of feeds.
	doc := `<?xml version="1.0" encoding="UTF-8"?>
<opml version="1.0"><head><title>Subs</title></head><body>
 <outline text="World">
  <outline text="Wire" type="rss" xmlUrl="https://wire.example/rss" htmlUrl="https://wire.example/"/>
  <outline title="Broadcaster" text="b" type="rss" xmlUrl="https://b.example/atom"/>
 </outline>
 <outline text="Blog" type="rss" xmlUrl="https://blog.example/feed"/>
</body></opml>`
	got, err := Read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, o := range got {
		names = append(names, o.Name+"="+o.Feeds[0].URL)
	}
	want := "Wire=https://wire.example/rss Broadcaster=https://b.example/atom Blog=https://blog.example/feed"
	if strings.Join(names, " ") != want {
		t.Errorf("got %v", names)
	}
}

func TestReadRejectsGarbage(t *testing.T) {
	if _, err := Read(strings.NewReader("this is not xml")); err == nil {
		t.Error("no error for garbage")
	}
}
