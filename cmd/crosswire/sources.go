package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"crosswire"
	"crosswire/config"
	"crosswire/opml"
)

const sourcesUsage = `Usage: crosswire sources SUBCOMMAND [flags]

  list                      list sources with their feeds' state
  add --name NAME --feed URL [--feed URL ...] [profile flags]
  pause SLUG                stop polling a source (its archive stays)
  resume SLUG               poll it again
  remove SLUG --purge       delete a source with its feeds and archived articles
  import FILE.opml          add the outlets and feeds of an OPML file
  export [FILE.opml]        write all sources as OPML (stdout by default)

Every subcommand takes --config FILE to find the database.`

func runSources(ctx context.Context, sio stdio, args []string) error {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprintln(sio.err, sourcesUsage)
		if len(args) == 0 {
			return errUsage
		}
		return nil
	}
	sub, args := args[0], args[1:]
	switch sub {
	case "list":
		return sourcesList(ctx, sio, args)
	case "add":
		return sourcesAdd(ctx, sio, args)
	case "pause", "resume":
		return sourcesPause(ctx, sio, sub, args)
	case "remove":
		return sourcesRemove(ctx, sio, args)
	case "import":
		return sourcesImport(ctx, sio, args)
	case "export":
		return sourcesExport(ctx, sio, args)
	}
	fmt.Fprintf(sio.err, "crosswire sources: unknown subcommand %q\n\n%s\n", sub, sourcesUsage)
	return errUsage
}

// openForCLI loads the config and opens its store; the caller closes it.
func openForCLI(ctx context.Context, cfgPath string) (*config.Config, crosswire.Store, error) {
	cfg, err := loadConfig(cfgPath)
	if err != nil {
		return nil, nil, err
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, nil, err
	}
	if err := syncSources(ctx, st, cfg, time.Now); err != nil {
		st.Close()
		return nil, nil, err
	}
	return cfg, st, nil
}

func sourcesList(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "sources list", "[--config FILE]")
	cfgPath := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	_, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	sources, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	now := time.Now()
	tw := tabwriter.NewWriter(sio.out, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLUG\tNAME\tOWNERSHIP\tCOUNTRY\tREPUBLISHED\tSTATE\tFEEDS\tARTICLES\tLAST ERROR")
	for _, s := range sources {
		feeds, err := st.Feeds(ctx, s.ID)
		if err != nil {
			return err
		}
		n, err := st.CountArticles(ctx, crosswire.ArticleQuery{SourceIDs: []int64{s.ID}})
		if err != nil {
			return err
		}
		state := "polling"
		if s.Paused {
			state = "paused"
		}
		lastErr := ""
		for _, f := range feeds {
			if f.LastError != "" {
				lastErr = truncate(f.LastError, 60)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\t%d\t%d\t%s\n", s.Slug, s.Name, s.Ownership, s.Country, republishLabel(s, now), state, len(feeds), n, lastErr)
	}
	return tw.Flush()
}

func republishLabel(s crosswire.Source, now time.Time) string {
	switch {
	case !s.Republish:
		return "no"
	case s.RepublishOpen(now) && s.RepublishUntil.IsZero():
		return "yes"
	case s.RepublishOpen(now):
		return "until " + s.RepublishUntil.Format("2006-01-02")
	case !s.RepublishFrom.IsZero() && now.Before(s.RepublishFrom):
		return "from " + s.RepublishFrom.Format("2006-01-02")
	}
	return "ended " + s.RepublishUntil.Format("2006-01-02")
}

func truncate(s string, n int) string {
	if len([]rune(s)) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}

// stringList is a repeatable flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

func sourcesAdd(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "sources add", "--name NAME --feed URL [--feed URL ...] [flags]")
	cfgPath := configFlag(fs)
	var feeds stringList
	fs.Var(&feeds, "feed", "feed URL or file (repeatable)")
	name := fs.String("name", "", "outlet name")
	slug := fs.String("slug", "", "URL slug (default: from the name)")
	homepage := fs.String("homepage", "", "outlet homepage")
	country := fs.String("country", "", "two-letter country code")
	ownership := fs.String("ownership", "other", "state-owned, public, private, independent or other")
	lang := fs.String("language", "", "main language, e.g. en")
	perspective := fs.String("perspective", "", "perspective tag")
	disclaimer := fs.String("disclaimer", "", "disclaimer appended to republished articles (Markdown)")
	noRepublish := fs.Bool("no-republish", false, "archive only; do not show on the site")
	until := fs.String("republish-until", "", "stop republishing at this date (2027-01-31)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	// The same validation as the config file, so both paths agree.
	cs, err := config.ParseSource("sources add", config.SourceInput{
		Name: *name, Slug: *slug, Homepage: *homepage, Country: *country, Ownership: *ownership,
		Language: *lang, Perspective: *perspective, Disclaimer: *disclaimer, Republish: !*noRepublish,
		RepublishUntil: *until, Feeds: feeds,
	})
	if err != nil {
		return err
	}
	cfg, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if _, err := st.SourceBySlug(ctx, cs.Slug); err == nil {
		return fmt.Errorf("a source with slug %q exists already", cs.Slug)
	}
	now := time.Now()
	s := cs.Source
	s.CreatedAt, s.UpdatedAt = now, now
	if err := st.PutSource(ctx, &s); err != nil {
		return err
	}
	for _, u := range cs.Feeds {
		f := crosswire.Feed{SourceID: s.ID, URL: u, Interval: cfg.Polling.Interval, NextPollAt: now}
		if err := st.PutFeed(ctx, &f); err != nil {
			return err
		}
	}
	fmt.Fprintf(sio.out, "added %s (%s) with %d feed(s)\n", s.Slug, s.Name, len(cs.Feeds))
	return nil
}

func sourcesPause(ctx context.Context, sio stdio, verb string, args []string) error {
	fs := newFlags(sio, "sources "+verb, "SLUG")
	cfgPath := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	_, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	if err := st.SetSourcePaused(ctx, fs.Arg(0), verb == "pause"); err != nil {
		return err
	}
	fmt.Fprintf(sio.out, "%sd %s\n", verb, fs.Arg(0))
	return nil
}

func sourcesRemove(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "sources remove", "SLUG --purge")
	cfgPath := configFlag(fs)
	purge := fs.Bool("purge", false, "confirm that the archived articles are deleted too")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	cfg, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	slug := fs.Arg(0)
	src, err := st.SourceBySlug(ctx, slug)
	if err != nil {
		return fmt.Errorf("source %q: %w", slug, err)
	}
	n, err := st.CountArticles(ctx, crosswire.ArticleQuery{SourceIDs: []int64{src.ID}})
	if err != nil {
		return err
	}
	if n > 0 && !*purge {
		return fmt.Errorf("%s has %d archived articles; `crosswire sources pause %s` stops polling and keeps them, --purge deletes them", slug, n, slug)
	}
	for _, cs := range cfg.Sources {
		if cs.Slug == slug {
			return fmt.Errorf("%s is defined in %s: remove it there too, or it comes back at the next start", slug, cfg.Path)
		}
	}
	if err := st.DeleteSource(ctx, slug); err != nil {
		return err
	}
	fmt.Fprintf(sio.out, "removed %s and %d articles\n", slug, n)
	return nil
}

func sourcesImport(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "sources import", "FILE.opml")
	cfgPath := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return errUsage
	}
	f, err := os.Open(fs.Arg(0))
	if err != nil {
		return err
	}
	defer f.Close()
	outlets, err := opml.Read(f)
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	cfg, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	now := time.Now()
	var added, feeds int
	var problems []error
	for i, o := range outlets {
		var urls []string
		for _, f := range o.Feeds {
			urls = append(urls, f.URL)
		}
		cs, err := config.ParseSource(fmt.Sprintf("%s: outline %d (%s)", fs.Arg(0), i+1, o.Name), config.SourceInput{
			Name: o.Name, Slug: o.Slug, Homepage: o.Homepage, Country: o.Country, Ownership: o.Ownership,
			Language: o.Language, Perspective: o.Perspective, Republish: true, Feeds: urls,
		})
		if err != nil {
			problems = append(problems, err)
			continue
		}
		s := cs.Source
		if old, err := st.SourceBySlug(ctx, s.Slug); err == nil {
			s = old // keep the existing profile; add any new feeds
		} else {
			s.CreatedAt, s.UpdatedAt = now, now
			if err := st.PutSource(ctx, &s); err != nil {
				return err
			}
			added++
		}
		for _, u := range cs.Feeds {
			f := crosswire.Feed{SourceID: s.ID, URL: u, Interval: cfg.Polling.Interval, NextPollAt: now}
			if err := st.PutFeed(ctx, &f); err != nil {
				return err
			}
			feeds++
		}
	}
	fmt.Fprintf(sio.out, "imported %d new sources, %d feeds from %d outlines\n", added, feeds, len(outlets))
	if len(problems) > 0 {
		return fmt.Errorf("%d outlines skipped:\n%w", len(problems), errors.Join(problems...))
	}
	return nil
}

func sourcesExport(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "sources export", "[FILE.opml]")
	cfgPath := configFlag(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, st, err := openForCLI(ctx, *cfgPath)
	if err != nil {
		return err
	}
	defer st.Close()
	sources, err := st.Sources(ctx)
	if err != nil {
		return err
	}
	var outlets []opml.Outlet
	for _, s := range sources {
		feeds, err := st.Feeds(ctx, s.ID)
		if err != nil {
			return err
		}
		o := opml.Outlet{Name: s.Name, Homepage: s.Homepage, Slug: s.Slug, Country: s.Country,
			Ownership: string(s.Ownership), Language: s.Language, Perspective: s.Perspective}
		for _, f := range feeds {
			o.Feeds = append(o.Feeds, opml.Feed{Title: f.Title, URL: f.URL})
		}
		outlets = append(outlets, o)
	}
	var w io.Writer = sio.out
	if fs.NArg() == 1 {
		f, err := os.Create(fs.Arg(0))
		if err != nil {
			return err
		}
		defer f.Close()
		w = f
	}
	return opml.Write(w, cfg.Site.Title+" sources", outlets, time.Now())
}
