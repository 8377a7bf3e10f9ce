package filter

import (
	"fmt"
	"strings"
)

// aliases are the generic Wireshark field names a tshark user types out
// of habit, mapped to the cti. field that means the same on a CTI
// message: the packet that completed it, its connection, its endpoints.
var aliases = map[string]string{
	"frame.number":        "cti.frame",
	"frame.time_relative": "cti.time_relative",
	"frame.time_epoch":    "cti.time_epoch",
	"tcp.stream":          "cti.stream",
	"tcp.port":            "cti.port",
	"tcp.srcport":         "cti.srcport",
	"tcp.dstport":         "cti.dstport",
	"ip.addr":             "cti.addr",
	"ip.src":              "cti.src",
	"ip.dst":              "cti.dst",
	"ipv6.addr":           "cti.addr",
	"ipv6.src":            "cti.src",
	"ipv6.dst":            "cti.dst",
}

// Canonical is the cti. name a field name stands for: itself, the cti.
// field a generic Wireshark alias (frame.number, ip.addr...) means, or
// the name an old spelling (cti.lineType) now has.
func Canonical(name string) string {
	if c, ok := aliases[name]; ok {
		return c
	}
	if c, ok := Renamed(name); ok {
		return c
	}
	return name
}

// RenameHint tells a user who typed an old spelling of a field name the
// name to use ("" when name is not an old spelling).
func RenameHint(name string) string {
	if c, ok := Renamed(name); ok {
		return fmt.Sprintf("%s is now called %s (the old name still works)", name, c)
	}
	return ""
}

// genericHint explains an unknown name from another Wireshark protocol.
func genericHint(name string) string {
	proto, _, ok := strings.Cut(name, ".")
	if !ok {
		return ""
	}
	switch proto {
	case "frame", "tcp", "ip", "ipv6", "eth", "udp":
		return " (ctishark filters CTI messages: use cti. fields such as cti.frame, cti.num, cti.stream, cti.port, cti.addr, cti.time_relative; ctishark fields lists them)"
	}
	return ""
}
