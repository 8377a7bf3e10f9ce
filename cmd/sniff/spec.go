package sniff

import (
	"strconv"
	"strings"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/reassembly"
)

// autostop is -a: when to stop by itself.
type autostop struct {
	duration time.Duration // 0 = no limit
}

// parseAutostop reads dumpcap-style "-a duration:SECONDS" values
// (repeatable; the last of each kind wins).
func parseAutostop(vals []string) (autostop, error) {
	var a autostop
	for _, v := range vals {
		k, s, ok := strings.Cut(v, ":")
		if !ok {
			return a, factory.Usagef("-a %q: want duration:SECONDS", v)
		}
		switch k {
		case "duration":
			secs, err := strconv.ParseFloat(s, 64)
			if err != nil || secs <= 0 || secs > 1e7 {
				return a, factory.Usagef("-a duration:%s: want a positive number of seconds", s)
			}
			a.duration = time.Duration(secs * float64(time.Second))
		default:
			return a, factory.Usagef("-a %q: unknown condition (want duration:SECONDS; -c N stops after N messages)", v)
		}
	}
	return a, nil
}

// maxRingKB is dumpcap's bound on -b filesize: 2 TiB.
const maxRingKB = 2 << 30

// parseRing reads "-b filesize:KB" and "-b files:N" into the ring
// writer's FileSize and Files. Sizes count kB of 1000 bytes, as dumpcap
// and tshark do, so filesize:100000 is 100 MB files there and here.
func parseRing(vals []string) (reassembly.RingOptions, error) {
	var r reassembly.RingOptions
	for _, v := range vals {
		k, s, ok := strings.Cut(v, ":")
		if !ok {
			return r, factory.Usagef("-b %q: want filesize:KB or files:N", v)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		switch k {
		case "filesize":
			if err != nil || n <= 0 || n > maxRingKB {
				return r, factory.Usagef("-b filesize:%s: want a size in kB of 1000 bytes, as dumpcap (1 to %d; 100000 is 100 MB)", s, maxRingKB)
			}
			r.FileSize = n * 1000
		case "files":
			if err != nil || n <= 0 || n > 1e6 {
				return r, factory.Usagef("-b files:%s: want a positive number of files", s)
			}
			r.Files = int(n)
		default:
			return r, factory.Usagef("-b %q: unknown option (want filesize:KB or files:N)", v)
		}
	}
	if r.Files > 0 && r.FileSize == 0 {
		return r, factory.Usagef("-b files:N needs -b filesize:KB (the size at which to start the next file)")
	}
	return r, nil
}
