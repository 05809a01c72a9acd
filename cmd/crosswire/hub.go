package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"time"

	"crosswire"
	"crosswire/config"
	"crosswire/fetch"
	"crosswire/ingest"
	"crosswire/media"
	"crosswire/postgres"
	"crosswire/schedule"
	"crosswire/sqlite"
	"crosswire/story"
)

// defaultConfig is read when --config is not given and the file exists;
// without it the built-in defaults apply (database ./data/crosswire.db).
const defaultConfig = "crosswire.yaml"

// configFlag registers --config on a command's flag set.
func configFlag(fs *flag.FlagSet) *string {
	return fs.String("config", "", "configuration file (default ./"+defaultConfig+" if it exists)")
}

// loadConfig reads the named file, or the default one when it exists.
// CROSSWIRE_ADMIN_TOKEN, when set, is the admin token (secrets stay out of
// config files).
func loadConfig(path string) (*config.Config, error) {
	var cfg *config.Config
	var err error
	if path == "" {
		if _, statErr := os.Stat(defaultConfig); statErr != nil {
			cfg, err = config.Parse(defaultConfig, nil)
		} else {
			cfg, err = config.Load(defaultConfig)
		}
	} else {
		cfg, err = config.Load(path)
	}
	if err != nil {
		return nil, err
	}
	if tok := os.Getenv("CROSSWIRE_ADMIN_TOKEN"); tok != "" {
		cfg.Admin.Token = tok
	}
	return cfg, nil
}

// hub is the wired pipeline that serve and fetch share.
type hub struct {
	cfg      *config.Config
	store    crosswire.Store
	fetcher  *fetch.Client
	pipeline *ingest.Pipeline
	mirror   *media.Mirror
	runner   *schedule.Runner
	log      *slog.Logger
}

func newLogger(w io.Writer, level slog.Level) *slog.Logger {
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: level}))
}

// openStore opens the configured database and applies migrations.
func openStore(ctx context.Context, cfg *config.Config) (crosswire.Store, error) {
	if cfg.PostgreSQL() {
		st, err := postgres.Open(ctx, cfg.Database)
		if err != nil {
			return nil, fmt.Errorf("open database: %w", err)
		}
		return st, nil
	}
	st, err := sqlite.Open(ctx, cfg.Database)
	if err != nil {
		return nil, fmt.Errorf("open database %s: %w", cfg.Database, err)
	}
	return st, nil
}

// openHub loads everything a polling process needs. The caller closes
// h.store.
func openHub(ctx context.Context, cfg *config.Config, log *slog.Logger) (*hub, error) {
	st, err := openStore(ctx, cfg)
	if err != nil {
		return nil, err
	}
	if err := syncSources(ctx, st, cfg, time.Now); err != nil {
		st.Close()
		return nil, err
	}
	p := cfg.Polling
	ua := p.UserAgent
	if ua == "" {
		ua = fmt.Sprintf("crosswire/%s (+%s; hub at %s)", crosswire.Version, crosswire.ProjectURL, cfg.Site.BaseURL)
	}
	fc := fetch.New(fetch.Options{
		UserAgent:    ua,
		AllowPrivate: p.AllowPrivate,
		MaxBodyBytes: p.MaxBodyBytes,
		Timeout:      p.Timeout,
		PerHost:      p.PerHost,
		MaxConns:     max(p.Workers*2, 16),
		Now:          time.Now,
		Rand:         rand.Float64,
	})
	// Mirrored images are served at /media/ under the site's base path.
	mirror := &media.Mirror{Dir: cfg.MediaDir, Fetcher: fc, Store: st, Prefix: basePath(cfg.Site.BaseURL) + "/media/", Now: time.Now}
	// Grouping is the group job's (serve) or added by fetch: see newGrouping.
	pl := &ingest.Pipeline{Store: st, Fetcher: fc, Now: time.Now, Log: log, Mirror: mirror, Revisits: p.Revisits}
	r := &schedule.Runner{
		Store:   st,
		Poller:  pl,
		Policy:  schedule.Policy{Default: p.Interval, Min: p.MinInterval, Max: p.MaxInterval, BackoffBase: p.MinInterval},
		Workers: p.Workers,
		Now:     time.Now,
		Rand:    rand.Float64,
		Log:     log,
	}
	return &hub{cfg: cfg, store: st, fetcher: fc, pipeline: pl, mirror: mirror, runner: r, log: log}, nil
}

// basePath is the path of the site's base URL without its trailing slash
// ("" when the hub is at the root of its host).
func basePath(baseURL string) string {
	u, err := url.Parse(baseURL)
	if err != nil {
		return ""
	}
	return strings.TrimSuffix(u.Path, "/")
}

// newGrouping loads the live story grouper's state (the last 72 hours)
// from the store.
func newGrouping(ctx context.Context, st crosswire.Store) (*ingest.Grouping, error) {
	return ingest.NewGrouping(ctx, st, story.NewGrouper(story.DefaultOptions()), time.Now)
}

// syncSources applies the configured sources to the store: created or
// updated by slug, feeds added. Removing a source from the file does not
// delete its archive (that is `crosswire sources remove`), and a pause set
// at run time survives a restart unless the file itself pauses the source.
func syncSources(ctx context.Context, st crosswire.Store, cfg *config.Config, now func() time.Time) error {
	for _, cs := range cfg.Sources {
		s := cs.Source
		if old, err := st.SourceBySlug(ctx, s.Slug); err == nil {
			s.ID = old.ID
			s.CreatedAt = old.CreatedAt
			s.Paused = s.Paused || old.Paused
		} else if !errors.Is(err, crosswire.ErrNotFound) {
			return fmt.Errorf("sync source %s: %w", s.Slug, err)
		} else {
			s.CreatedAt = now()
		}
		s.UpdatedAt = now()
		if err := st.PutSource(ctx, &s); err != nil {
			return fmt.Errorf("sync source %s: %w", s.Slug, err)
		}
		for _, u := range cs.Feeds {
			f := crosswire.Feed{SourceID: s.ID, URL: u, Interval: cfg.Polling.Interval, NextPollAt: now()}
			if err := st.PutFeed(ctx, &f); err != nil {
				return fmt.Errorf("sync feed %s of %s: %w", u, s.Slug, err)
			}
		}
	}
	return nil
}
