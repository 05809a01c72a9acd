package main

import (
	"testing"
	"time"
)

func TestParseRole(t *testing.T) {
	tests := []struct {
		name                   string
		noPoll                 bool
		want                   role
		serves, works, listens bool // listens without --listen
		wantErr                bool
	}{
		{name: "all", want: roleAll, serves: true, works: true, listens: true},
		{name: "web", want: roleWeb, serves: true, listens: true},
		{name: "worker", want: roleWorker, works: true},
		{name: "all", noPoll: true, want: roleWeb, serves: true, listens: true},
		{name: "worker", noPoll: true, wantErr: true},
		{name: "everything", wantErr: true},
		{name: "", wantErr: true},
	}
	for _, tt := range tests {
		got, err := parseRole(tt.name, tt.noPoll)
		if (err != nil) != tt.wantErr {
			t.Errorf("parseRole(%q, %v) error = %v, want error %v", tt.name, tt.noPoll, err, tt.wantErr)
			continue
		}
		if err != nil {
			continue
		}
		if got != tt.want || got.serves() != tt.serves || got.works() != tt.works || got.listens("") != tt.listens {
			t.Errorf("parseRole(%q, %v) = %s (serves %v, works %v, listens %v); want %s (%v, %v, %v)",
				tt.name, tt.noPoll, got, got.serves(), got.works(), got.listens(""), tt.want, tt.serves, tt.works, tt.listens)
		}
		if !got.listens("127.0.0.1:0") {
			t.Errorf("role %s does not listen when given an address", got)
		}
	}
}

func TestJobTimeouts(t *testing.T) {
	for _, fetch := range []time.Duration{2 * time.Second, 30 * time.Second} {
		poll, rescue := jobTimeouts(fetch)
		if poll <= fetch || rescue <= poll {
			t.Errorf("jobTimeouts(%s) = %s, %s: want fetch < poll job timeout < rescue", fetch, poll, rescue)
		}
	}
}

func TestJobsPath(t *testing.T) {
	tests := map[string]string{
		"data/crosswire.db":   "data/crosswire.jobs.db",
		"/var/lib/hub.sqlite": "/var/lib/hub.jobs.db",
		"hub":                 "hub.jobs.db",
		":memory:":            ":memory:",
	}
	for in, want := range tests {
		if got := jobsPath(in); got != want {
			t.Errorf("jobsPath(%q) = %q, want %q", in, got, want)
		}
	}
}
