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

// parseRing reads "-b filesize:MB" and "-b files:N" into the ring
// writer's FileSize and Files.
func parseRing(vals []string) (reassembly.RingOptions, error) {
	var r reassembly.RingOptions
	for _, v := range vals {
		k, s, ok := strings.Cut(v, ":")
		if !ok {
			return r, factory.Usagef("-b %q: want filesize:MB or files:N", v)
		}
		n, err := strconv.ParseInt(s, 10, 64)
		switch k {
		case "filesize":
			if err != nil || n <= 0 || n > 1<<20 {
				return r, factory.Usagef("-b filesize:%s: want a size in MB (1 to 1048576)", s)
			}
			r.FileSize = n << 20
		case "files":
			if err != nil || n <= 0 || n > 1e6 {
				return r, factory.Usagef("-b files:%s: want a positive number of files", s)
			}
			r.Files = int(n)
		default:
			return r, factory.Usagef("-b %q: unknown option (want filesize:MB or files:N)", v)
		}
	}
	if r.Files > 0 && r.FileSize == 0 {
		return r, factory.Usagef("-b files:N needs -b filesize:MB (the size at which to start the next file)")
	}
	return r, nil
}
