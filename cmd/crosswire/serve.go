package main

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"strings"
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
	noPoll := fs.Bool("no-poll", false, "serve the site only; do not poll feeds (--role web)")
	roleName := fs.String("role", string(roleAll), roleUsage)
	verbose := fs.Bool("v", false, "log every poll (debug level)")
	filesDir := fs.String("files", "", "also serve the files of this directory under /files/ (downloads; the benchmark's static baseline)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	rl, err := parseRole(*roleName, *noPoll)
	if err != nil {
		return err
	}
	cfg, err := loadConfig(*cfgPath)
	if err != nil {
		return err
	}
	var files http.Handler
	if *filesDir != "" {
		if files, err = filesHandler(*filesDir); err != nil {
			return err
		}
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
	root.Handle("GET /metrics", m.Handler())
	root.HandleFunc("GET /readyz", readyz(h.store))
	if rl.serves() {
		root.Handle("/admin/api/", admin.New(h.store, admin.Options{Token: cfg.Admin.Token, Interval: cfg.Polling.Interval, Now: time.Now, Logger: log}))
		if files != nil {
			root.Handle("GET /files/", files)
		}
		root.Handle("GET /media/", h.mirror)
		root.Handle("/", site)
	} else {
		root.HandleFunc("GET /healthz", web.Healthz)
	}

	var ln net.Listener
	if rl.listens(*listen) {
		if ln, err = net.Listen("tcp", cfg.Site.Listen); err != nil {
			return fmt.Errorf("listen: %w", err)
		}
	}
	srv := &http.Server{
		Handler:           root,
		ReadHeaderTimeout: 10 * time.Second,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	url := "(none)"
	if ln != nil {
		url = "http://" + ln.Addr().String()
	}
	log.Info("serving", "role", rl, "url", url, "base_url", cfg.Site.BaseURL, "sources", len(cfg.Sources))

	if rl.works() {
		stopJobs, err := startJobs(ctx, h, m)
		if err != nil {
			return err
		}
		// Before the deferred Close of the database.
		defer stopJobs()
	}
	serveErr := make(chan error, 1)
	if ln != nil {
		go func() { serveErr <- srv.Serve(ln) }()
	}

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
	log.Info("stopped")
	return nil
}

// filesHandler serves the regular files under dir at /files/NAME, with
// the standard library's conditional and range requests, and no directory
// listings (an operator shares files, not the layout of a disk).
func filesHandler(dir string) (http.Handler, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("--files: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("--files: %s is not a directory", dir)
	}
	fsrv := http.StripPrefix("/files/", http.FileServerFS(os.DirFS(dir)))
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") {
			http.NotFound(w, r)
			return
		}
		fsrv.ServeHTTP(w, r)
	}), nil
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
