// Package crosswire holds the hub's domain: sources (outlets), their feeds,
// archived articles with every revision, and stories that group coverage of
// one event across outlets. It also declares the store interfaces that the
// adapters (sqlite, postgres) implement. It imports nothing but the standard
// library so every other package can depend on it.
package crosswire

// Version is the hub's release, printed by `crosswire version` and sent in
// the fetcher's User-Agent. Overridden at build time with -ldflags.
var Version = "0.1.0-dev"

// ProjectURL is where the User-Agent points operators of fetched sites.
const ProjectURL = "https://github.com/crosswire-hub/crosswire"
