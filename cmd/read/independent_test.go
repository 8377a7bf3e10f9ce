package read

import (
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
				want = append(want, fmt.Sprintf("%s %v", f.Message, f.FloatingTags()))
			}
			if !slices.Equal(got, want) {
				t.Errorf("messages:\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
			}
			if s, _ := last["session"].(map[string]any); s["layout"] != v.Layout || v.OpenReq && s["version"] != float64(v.Version) {
				t.Errorf("session after the last message: %v, want version %d layout %s", s, v.Version, v.Layout)
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
