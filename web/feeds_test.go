package web

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"io"
	"strings"
	"testing"
	"time"

	"crosswire"
)

func sampleFeedDoc() *feedDoc {
	pub := time.Date(2025, 3, 1, 10, 30, 0, 0, time.FixedZone("MSK", 3*3600))
	return &feedDoc{
		Title:       `News & "Views" <hub>`,
		Description: "All the news",
		HomeURL:     "https://hub.example/",
		SelfURL:     "https://hub.example/feed.xml",
		Updated:     pub.Add(time.Hour),
		Generator:   "crosswire test",
		Items: []feedItem{{
			ID:          "https://hub.example/articles/1-talks",
			Link:        "https://outlet.example/news/1?a=1&b=2",
			Title:       "Talks <resume> & \x01continue]]>",
			Author:      "Ivan Petrov",
			Outlet:      feedOutlet{Name: "Outlet & Co", Homepage: "https://outlet.example/", FeedURL: "https://outlet.example/rss"},
			Published:   pub,
			Updated:     pub.Add(30 * time.Minute),
			Summary:     "Talks resume.",
			SummaryHTML: "<p>Talks resume.</p>",
			ContentHTML: `<p>Body ]]> with <a href="https://x.org/?a=1&amp;b=2">link</a></p><div class="crosswire-disclaimer"><p>State media.</p></div>`,
			Categories:  []string{"World", "Talks"},
			Enclosures:  []crosswire.Enclosure{{URL: "https://outlet.example/a.mp3", Type: "audio/mpeg", Length: 1234}},
			Language:    "ru",
		}},
	}
}

// wellFormed decodes every token, which fails on malformed XML.
func wellFormed(t *testing.T, data []byte) {
	t.Helper()
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		_, err := d.Token()
		if err == io.EOF {
			return
		}
		if err != nil {
			t.Fatalf("not well-formed XML: %v\n%s", err, data)
		}
	}
}

func TestWriteRSS(t *testing.T) {
	var buf bytes.Buffer
	if err := writeRSS(&buf, sampleFeedDoc()); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, buf.Bytes())
	var doc struct {
		Version string `xml:"version,attr"`
		Channel struct {
			Title    string `xml:"title"`
			AtomLink []struct {
				Href string `xml:"href,attr"`
				Rel  string `xml:"rel,attr"`
			} `xml:"http://www.w3.org/2005/Atom link"`
			Items []struct {
				Title   string `xml:"title"`
				Link    string `xml:"link"`
				GUID    string `xml:"guid"`
				PubDate string `xml:"pubDate"`
				Content string `xml:"http://purl.org/rss/1.0/modules/content/ encoded"`
				Creator string `xml:"http://purl.org/dc/elements/1.1/ creator"`
				Source  struct {
					URL  string `xml:"url,attr"`
					Name string `xml:",chardata"`
				} `xml:"source"`
				Enclosure struct {
					URL    string `xml:"url,attr"`
					Length string `xml:"length,attr"`
				} `xml:"enclosure"`
			} `xml:"item"`
		} `xml:"channel"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Version != "2.0" || doc.Channel.Title != `News & "Views" <hub>` {
		t.Errorf("version %q title %q", doc.Version, doc.Channel.Title)
	}
	if len(doc.Channel.AtomLink) != 1 || doc.Channel.AtomLink[0].Rel != "self" || doc.Channel.AtomLink[0].Href != "https://hub.example/feed.xml" {
		t.Errorf("atom:link self = %+v", doc.Channel.AtomLink)
	}
	it := doc.Channel.Items[0]
	if it.Title != "Talks <resume> & \uFFFDcontinue]]>" {
		t.Errorf("title %q", it.Title)
	}
	if it.Link != "https://outlet.example/news/1?a=1&b=2" || it.GUID != "https://hub.example/articles/1-talks" {
		t.Errorf("link %q guid %q", it.Link, it.GUID)
	}
	if _, err := time.Parse(time.RFC1123Z, it.PubDate); err != nil || it.PubDate != "Sat, 01 Mar 2025 07:30:00 +0000" {
		t.Errorf("pubDate %q: %v", it.PubDate, err)
	}
	if it.Source.Name != "Outlet & Co" || it.Source.URL != "https://outlet.example/rss" || it.Creator != "Ivan Petrov" {
		t.Errorf("attribution: source %+v creator %q", it.Source, it.Creator)
	}
	if !strings.Contains(it.Content, "State media.") || !strings.Contains(it.Content, "Body ]]> with") {
		t.Errorf("content %q", it.Content)
	}
	if it.Enclosure.URL == "" || it.Enclosure.Length != "1234" {
		t.Errorf("enclosure %+v", it.Enclosure)
	}
}

func TestWriteAtom(t *testing.T) {
	var buf bytes.Buffer
	if err := writeAtom(&buf, sampleFeedDoc()); err != nil {
		t.Fatal(err)
	}
	wellFormed(t, buf.Bytes())
	var f struct {
		XMLName xml.Name
		ID      string `xml:"id"`
		Updated string `xml:"updated"`
		Links   []struct {
			Href string `xml:"href,attr"`
			Rel  string `xml:"rel,attr"`
		} `xml:"link"`
		Entries []struct {
			ID      string `xml:"id"`
			Updated string `xml:"updated"`
			Links   []struct {
				Href string `xml:"href,attr"`
				Rel  string `xml:"rel,attr"`
			} `xml:"link"`
			Authors []struct {
				Name string `xml:"name"`
			} `xml:"author"`
			Content struct {
				Type  string `xml:"type,attr"`
				Value string `xml:",chardata"`
			} `xml:"content"`
			Source struct {
				Title string `xml:"title"`
			} `xml:"source"`
		} `xml:"entry"`
	}
	if err := xml.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if f.XMLName.Space != "http://www.w3.org/2005/Atom" || f.XMLName.Local != "feed" {
		t.Errorf("root %v", f.XMLName)
	}
	if _, err := time.Parse(time.RFC3339, f.Updated); err != nil {
		t.Errorf("updated %q: %v", f.Updated, err)
	}
	var self bool
	for _, l := range f.Links {
		self = self || l.Rel == "self" && l.Href == "https://hub.example/feed.xml"
	}
	if !self {
		t.Errorf("no rel=self link: %+v", f.Links)
	}
	e := f.Entries[0]
	if e.ID != "https://hub.example/articles/1-talks" || e.Updated != "2025-03-01T08:00:00Z" {
		t.Errorf("entry id %q updated %q", e.ID, e.Updated)
	}
	if e.Links[0].Rel != "alternate" || e.Links[0].Href != "https://outlet.example/news/1?a=1&b=2" {
		t.Errorf("alternate link %+v", e.Links)
	}
	if len(e.Authors) != 2 || e.Authors[0].Name != "Ivan Petrov" || e.Authors[1].Name != "Outlet & Co" || e.Source.Title != "Outlet & Co" {
		t.Errorf("authors %+v source %+v", e.Authors, e.Source)
	}
	if e.Content.Type != "html" || !strings.Contains(e.Content.Value, `<div class="crosswire-disclaimer">`) {
		t.Errorf("content %+v", e.Content)
	}
}

func TestWriteJSONFeed(t *testing.T) {
	var buf bytes.Buffer
	if err := writeJSONFeed(&buf, sampleFeedDoc()); err != nil {
		t.Fatal(err)
	}
	var f struct {
		Version string `json:"version"`
		FeedURL string `json:"feed_url"`
		Items   []struct {
			ID            string `json:"id"`
			URL           string `json:"url"`
			ContentHTML   string `json:"content_html"`
			DatePublished string `json:"date_published"`
			Authors       []struct {
				Name string `json:"name"`
				URL  string `json:"url"`
			} `json:"authors"`
			Attachments []struct {
				URL string `json:"url"`
			} `json:"attachments"`
		} `json:"items"`
	}
	if err := json.Unmarshal(buf.Bytes(), &f); err != nil {
		t.Fatal(err)
	}
	if f.Version != "https://jsonfeed.org/version/1.1" || f.FeedURL != "https://hub.example/feed.xml" {
		t.Errorf("version %q feed_url %q", f.Version, f.FeedURL)
	}
	it := f.Items[0]
	if it.ID != "https://hub.example/articles/1-talks" || it.URL != "https://outlet.example/news/1?a=1&b=2" {
		t.Errorf("id %q url %q", it.ID, it.URL)
	}
	if it.DatePublished != "2025-03-01T07:30:00Z" {
		t.Errorf("date_published %q", it.DatePublished)
	}
	if len(it.Authors) != 2 || it.Authors[1].Name != "Outlet & Co" || it.Authors[1].URL != "https://outlet.example/" {
		t.Errorf("authors %+v", it.Authors)
	}
	if !strings.Contains(it.ContentHTML, "State media.") || len(it.Attachments) != 1 {
		t.Errorf("content %q attachments %+v", it.ContentHTML, it.Attachments)
	}
}

func TestWriteEmptyFeeds(t *testing.T) {
	doc := sampleFeedDoc()
	doc.Items = nil
	for _, f := range feedFormats() {
		var buf bytes.Buffer
		if err := f.write(&buf, doc); err != nil {
			t.Fatalf("%s: %v", f.name, err)
		}
		if f.ext == "json" {
			if !strings.Contains(buf.String(), `"items": []`) {
				t.Errorf("JSON Feed without items must still have an items array: %s", buf.String())
			}
			continue
		}
		wellFormed(t, buf.Bytes())
	}
}
