//go:build !pcap

package sniff

// pcapBuild says the capture goes through libpcap (build tag pcap).
const pcapBuild = false
