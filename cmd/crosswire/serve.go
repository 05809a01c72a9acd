package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"crosswire"
	"crosswire/admin"
	"crosswire/metrics"
	"crosswire/web"
)

func runServe(ctx context.Context, sio stdio, args []string) error {
	fs := newFlags(sio, "serve", "[--config FILE] [--listen ADDR]")
	cfgPath := configFlag(fs)
	listen := fs.String("listen", "", "listen address (overrides site.listen)")
	noPoll := fs.Bool("no-poll", false, "serve the site only; do not poll feeds")
	verbose := fs.Bool("v", false, "log every poll (debug level)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	if *listen != "" {
		cfg.Site.Listen = *listen
	}
	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	log := newLogger(sio.err, level)

	h, err := openHub(ctx, cfg, log)
	if err != nil {
		return err
	}
	defer func() {
		if err := h.store.Close(); err != nil {
			log.Error("close database", "err", err)
		}
	}()

	m := metrics.New()
	h.runner.OnPoll = m.ObservePoll
	site, err := web.New(h.store, web.Options{
		SiteTitle:    cfg.Site.Title,
		BaseURL:      cfg.Site.BaseURL,
		Now:          time.Now,
		Logger:       log,
		Perspectives: cfg.Site.Perspectives,
		PageSize:     cfg.Site.PageSize,
		Observe:      m.ObserveHTTP,
	})
	if err != nil {
		return err
	}
	// The public site is read-only; admin actions go through the token API.
	root := http.NewServeMux()
	root.Handle("/admin/api/", admin.New(h.store, admin.Options{Token: cfg.Admin.Token, Interval: cfg.Polling.Interval, Now: time.Now, Logger: log}))
	root.Handle("GET /metrics", m.Handler())
	root.HandleFunc("GET /readyz", readyz(h.store))
	root.Handle("/", site)

	ln, err := net.Listen("tcp", cfg.Site.Listen)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	srv := &http.Server{
		Handler:           root,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	log.Info("serving", "url", "http://"+ln.Addr().String(), "base_url", cfg.Site.BaseURL, "database", cfg.Database, "sources", len(cfg.Sources))

	var wg sync.WaitGroup
	if !*noPoll {
		wg.Go(func() {
			if err := h.runner.Run(ctx); err != nil {
				log.Error("scheduler stopped", "err", err)
			}
		})
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()

	select {
	case <-ctx.Done():
		log.Info("shutting down")
	case err := <-serveErr:
		if !errors.Is(err, http.ErrServerClosed) {
			return fmt.Errorf("serve: %w", err)
		}
	}
	shutdownCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(shutdownCtx); err != nil {
		log.Warn("http shutdown", "err", err)
	}
	// ctx is cancelled, so polls in flight are being cut short; wait for
	// them before the deferred Close of the database.
	wg.Wait()
	log.Info("stopped")
	return nil
}

// readyz answers 200 when the database answers, so a load balancer sends
// traffic only to processes that can serve it. (/healthz, in web, only says
// the process is alive.)
func readyz(st crosswire.Store) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		w.Header().Set("Cache-Control", "no-store")
		if _, err := st.LastChange(ctx, nil); err != nil {
			http.Error(w, "database: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ready")
	}
}
