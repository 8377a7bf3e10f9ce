package read

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/dissect/dissecttest"
	"github.com/ctishark/ctishark/reassembly/ctitest"
)

// TestIndependentCaptures sends the independent vectors (frames of
// open-source CTI drivers and clients, see dissect/testdata/independent)
// over one TCP connection each and reads the capture with -T jsonl and
// default flags: every frame must come out as its message, in order, with
// its floating records, and nothing may be reported as skipped bytes. A
// vector without OPEN_REQ is captured without the handshake, as a capture
// started mid-session is.
func TestIndependentCaptures(t *testing.T) {
	vs, err := dissecttest.Load("../../dissect/testdata/independent")
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range vs {
		t.Run(v.File, func(t *testing.T) {
			c := ctitest.NewConv("10.0.0.1:50000", "10.0.0.5:42027", 100, 900, time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC))
			if v.OpenReq {
				c.Handshake()
			}
			for _, f := range v.Frames {
				b, _ := f.Bytes()
				c.Send(f.FromClient(), b)
			}
			r := run(t, false, nil, "-T", "jsonl", writeCapture(t, ctitest.Pcap(ctitest.Ethernet, c.Segs)))
			if r.e != nil {
				t.Fatalf("read: %v %s", r.e, r.err)
			}
			var got, want []string
			var last map[string]any
			for _, l := range jsonLines(t, r.out) {
				if l["event"] != nil {
					t.Errorf("event in an in-sync stream: %v", l)
					continue
				}
				got = append(got, fmt.Sprintf("%v %v", l["msg_type"], floatingTags(l)))
				last = l
			}
			for _, f := range v.Frames {
				tags := f.FloatingTags()
				if f.RawBody != nil && !strings.HasPrefix(f.Message, "UNKNOWN_") {
					// A type only the UCCE catalog names: the vector lists
					// its body, not its records; read them off the body
					// as the source's floating header layout frames them.
					tags = recordTags(t, f, v.Layout)
				}
				want = append(want, fmt.Sprintf("%s %v", f.Message, tags))
			}
			if !slices.Equal(got, want) {
				t.Errorf("messages:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if s, _ := last["session"].(map[string]any); s["layout"] != v.Layout || v.OpenReq && s["version"] != float64(v.Version) || s["dialect"] != v.Dialect {
				t.Errorf("session after the last message: %v, want version %d layout %s dialect %s", s, v.Version, v.Layout, v.Dialect)
			}
		})
	}
}

// jsonLines parses -T jsonl output, messages sorted by their number (a
// request is printed once its answer is seen).
func jsonLines(t *testing.T, out string) []map[string]any {
	t.Helper()
	var ls []map[string]any
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var o map[string]any
		if err := json.Unmarshal([]byte(l), &o); err != nil {
			t.Fatal(err)
		}
		ls = append(ls, o)
	}
	sort.SliceStable(ls, func(i, j int) bool {
		ni, _ := ls[i]["num"].(float64)
		nj, _ := ls[j]["num"].(float64)
		return ni < nj
	})
	return ls
}

// floatingTags lists the FieldDataIDs of a message object's fields.
func floatingTags(o map[string]any) []int {
	var tags []int
	fs, _ := o["fields"].([]any)
	for _, f := range fs {
		if tag, ok := f.(map[string]any)["tag"].(float64); ok {
			tags = append(tags, int(tag))
		}
	}
	return tags
}

// recordTags lists the floating tags of frame f, whose hex is the header,
// the fixed part and then one chunk per floating record (see the vectors'
// README): each record chunk starts with its tag, 1 or 2 bytes by layout.
func recordTags(t *testing.T, f dissecttest.Frame, layout string) []int {
	t.Helper()
	var tags []int
	for _, chunk := range f.Hex[min(2, len(f.Hex)):] {
		b, err := hex.DecodeString(chunk)
		if err != nil || len(b) < 2 {
			t.Fatalf("%s: bad record chunk %q", f.Sample, chunk)
		}
		if layout == "1+1" {
			tags = append(tags, int(b[0]))
		} else {
			tags = append(tags, int(b[0])<<8|int(b[1]))
		}
	}
	return tags
}
