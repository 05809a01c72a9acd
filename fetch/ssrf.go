package fetch

import (
	"fmt"
	"net/netip"
	"syscall"
)

// nonPublic lists ranges that netip.Addr's predicates do not cover and that a
// public news site has no business resolving to. Read-only.
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"; 0.x reaches the local host on Linux
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT (RFC 6598)
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and 255.255.255.255
	netip.MustParsePrefix("::/96"),           // IPv4-compatible (deprecated), :: and ::1
	netip.MustParsePrefix("64:ff9b:1::/48"),  // local-use NAT64 (RFC 8215)
	netip.MustParsePrefix("100::/64"),        // discard-only
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("fec0::/10"),       // site-local (deprecated, still routed by some)
}

var (
	nat64     = netip.MustParsePrefix("64:ff9b::/96") // well-known NAT64: IPv4 in the low 32 bits
	sixToFour = netip.MustParsePrefix("2002::/16")    // 6to4: IPv4 in bits 16..48
)

// isPublic reports whether a is an address the hub may connect to when
// private addresses are not allowed. IPv4-mapped (::ffff:a.b.c.d) addresses
// and the IPv6 forms that embed an IPv4 address (NAT64, 6to4) are judged by
// the IPv4 address they lead to.
func isPublic(a netip.Addr) bool {
	a = a.Unmap().WithZone("")
	if !a.IsValid() || a.IsLoopback() || a.IsPrivate() || a.IsUnspecified() ||
		a.IsLinkLocalUnicast() || a.IsLinkLocalMulticast() ||
		a.IsInterfaceLocalMulticast() || a.IsMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(a) {
			return false
		}
	}
	if a.Is6() {
		b := a.As16()
		switch {
		case nat64.Contains(a):
			return isPublic(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
		case sixToFour.Contains(a):
			return isPublic(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
		}
	}
	return true
}

// checkDial is the net.Dialer Control hook: it sees the resolved IP of every
// connection attempt (each Happy Eyeballs candidate, every redirect hop, every
// re-dial after DNS changes), which is the only place a check cannot be
// bypassed by a name that resolves differently the second time.
func (c *Client) checkDial(network, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: unparsable dial address %q", ErrPrivateAddress, address)
	}
	if c.exempt != nil && c.exempt(ap) {
		return nil
	}
	if !isPublic(ap.Addr()) {
		return fmt.Errorf("%w %s", ErrPrivateAddress, ap.Addr())
	}
	return nil
}
