// Package content turns the HTML an outlet delivers into the faithful,
// safe article the hub republishes: sanitizing, plain-text rendering,
// full-text extraction and per-source clean-up rules.
package content
