package wiresharkplugin

import (
	"bufio"
	"bytes"
	"encoding/hex"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/ctishark/ctishark/cmd/capture"
	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// The captures both decoders read: the sample, and the conformance set
// (every message type at versions 13 and 18, TCP segmentation: split
// headers, coalesced frames, out-of-order and retransmitted segments),
// which lives beside the repository and is skipped when absent.
func captures(t *testing.T) []string {
	paths := []string{"../../testdata/sample.pcap"}
	conf, _ := filepath.Glob("../../../shared/conformance/*.pcap")
	if len(conf) == 0 {
		t.Log("../shared/conformance not present: only the sample is compared")
	}
	return append(paths, conf...)
}

// TestTsharkAgreesWithCtishark runs real tshark with the generated plugin
// and checks, message by message, that Wireshark shows what ctishark
// decodes: the same messages in the same frames, every field (children
// included) under the same filter name with the same value, the same
// expert items, the same request/confirm links and the same Info text.
func TestTsharkAgreesWithCtishark(t *testing.T) {
	tshark, dir, script, _ := setup(t, nil)
	for _, path := range captures(t) {
		t.Run(filepath.Base(path), func(t *testing.T) {
			want := ctisharkMessages(t, path)
			got := tsharkMessages(t, tshark, dir, script, path)
			agree(t, filepath.Base(path), want, got, tsharkInfo(t, tshark, dir, script, path))
		})
	}
}

// agree compares both decoders' messages and Info columns and logs the
// figures.
func agree(t *testing.T, name string, want []ctiMessage, got []wsMessage, info map[int]string) {
	t.Helper()
	msgs, fields, notes := compareMessages(t, want, got)
	infos := compareInfo(t, want, info)
	t.Logf("%s: %d messages, %d field values, %d Info columns, %d session notes agree", name, msgs, fields, infos, notes)
}

// setup finds tshark (skipping the test without it) and writes the plugin
// and, when given, a capture into a fresh folder that also serves tshark as
// its home.
func setup(t *testing.T, pcap []byte) (tshark, dir, script, path string) {
	t.Helper()
	tshark, err := exec.LookPath("tshark")
	if err != nil {
		t.Skip("tshark is not installed (apt-get install tshark); .ci/run installs it, so CI runs this test")
	}
	dir = t.TempDir()
	script = filepath.Join(dir, FileName)
	if err := os.WriteFile(script, Script, 0o644); err != nil {
		t.Fatal(err)
	}
	if pcap != nil {
		path = filepath.Join(dir, "crafted.pcap")
		if err := os.WriteFile(path, pcap, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return tshark, dir, script, path
}

// item is one (filter name, value) pair in tree order.
type item struct{ key, val string }

// wsMessage is one CTI tree of tshark's JSON: its items in tree order and
// its expert items as "severity code: message", sorted.
type wsMessage struct {
	frame   int
	items   []item
	experts []string
	notes   []string // session notes, "code: text", in tree order
}

type ctiMessage struct {
	frame   int
	name    string
	info    string
	items   []item
	experts []string
	notes   []string
}

func ctisharkMessages(t *testing.T, path string, opts ...capture.Option) []ctiMessage {
	t.Helper()
	// The plugin is generated from the UCCX catalog: it is held to
	// ctishark's UCCX dialect (the UCCE dialect is not in the plugin yet).
	// It does not compute the doctor's findings (cti.diag.*): they judge
	// the traffic around a message, not its bytes.
	all, err := capture.ReadAll(path, "", append([]capture.Option{capture.WithDialect("uccx"), capture.WithoutDiagnosis()}, opts...)...)
	if err != nil {
		t.Fatal(err)
	}
	frameOf := map[int]int{}
	for _, m := range all {
		pk := m.Packets()
		frameOf[m.Num()] = pk[len(pk)-1]
	}
	var out []ctiMessage
	for _, m := range all {
		d, rec := m.Decoded(), m.Record()
		c := ctiMessage{frame: frameOf[m.Num()], name: m.Type(), info: m.Info()}
		for i := range d.Header {
			c.items = appendField(c.items, &d.Header[i])
		}
		c.items = append(c.items, item{"cti.msg_type", d.Name()})
		for i := range d.Fields {
			c.items = appendField(c.items, &d.Fields[i])
		}
		// Wireshark links to frames (clickable), ctishark to message
		// numbers: the expected frame is the one of the linked message.
		if r := rec.Response; r != nil {
			c.items = append(c.items, item{"cti.response_in", strconv.Itoa(frameOf[r.Num])}, item{"cti.response_time", seconds(r.Latency.Seconds())})
		}
		if r := rec.Request; r != nil {
			c.items = append(c.items, item{"cti.request_in", strconv.Itoa(frameOf[r.Num])}, item{"cti.response_time", seconds(r.Latency.Seconds())})
		}
		for _, e := range d.AllExpert() {
			c.experts = append(c.experts, e.Severity.String()+" "+e.Code+": "+e.Message)
		}
		sort.Strings(c.experts)
		// What the session learnt at this message, said once.
		for _, n := range rec.Session.Notes {
			c.notes = append(c.notes, n.Code+": "+n.Text)
		}
		out = append(out, c)
	}
	// Wireshark shows messages in the frame that completes them, in wire
	// order within a frame; ctishark emits them as they complete, which
	// across two connections may interleave differently.
	sort.SliceStable(out, func(i, j int) bool { return out[i].frame < out[j].frame })
	return out
}

func seconds(s float64) string { return strconv.FormatFloat(s, 'f', 6, 64) }

// appendField adds f and its children as Wireshark would print their values.
func appendField(items []item, f *dissect.Field) []item {
	items = append(items, item{f.Filter, wsValue(f)})
	for i := range f.Children {
		items = appendField(items, &f.Children[i])
	}
	return items
}

func wsValue(f *dissect.Field) string {
	if record.IsSecret(f) {
		return record.Secret
	}
	v := f.Value
	switch {
	case v.Type == dissect.TypeBOOL:
		if v.Num != 0 {
			return "1"
		}
		return "0"
	case v.Type.IsInteger():
		return strconv.FormatInt(v.Int64(), 10)
	}
	return v.Text()
}

func tsharkCmd(tshark, home, script, path string, args ...string) *exec.Cmd {
	// Two passes, so a request shows the frame of its response; TCP
	// reassembles out-of-order segments as ctishark does (Wireshark 4.0
	// leaves that off by default).
	cmd := exec.Command(tshark, append([]string{"-n", "-2", "-X", "lua_script:" + script, "-r", path,
		"-o", "tcp.reassemble_out_of_order:TRUE"}, args...)...)
	cmd.Env = privateHome(home)
	return cmd
}

// privateHome is the environment with home as HOME: no personal
// preferences or plugins (an installed copy of this plugin would register
// the protocol twice).
func privateHome(home string) []string {
	return append(os.Environ(), "HOME="+home, "XDG_CONFIG_HOME="+filepath.Join(home, "config"))
}

// tsharkCmdG asks tshark with the plugin for its registrations (-G).
func tsharkCmdG(tshark, home, script, report string) *exec.Cmd {
	cmd := exec.Command(tshark, "-G", report, "-X", "lua_script:"+script)
	cmd.Env = privateHome(home)
	return cmd
}

func run(t *testing.T, cmd *exec.Cmd) []byte {
	t.Helper()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", strings.Join(cmd.Args, " "), err, stderr.String())
	}
	// tshark reports Lua errors on stderr and carries on: any is a failure.
	for _, line := range strings.Split(stderr.String(), "\n") {
		if strings.Contains(line, "Lua") || strings.Contains(line, "lua") {
			t.Errorf("tshark: %s", line)
		}
	}
	return out
}

// node is one key of tshark's JSON, in document order (its objects repeat
// keys, so they cannot be read into maps).
type node struct {
	key  string
	val  string
	kids []node
	obj  bool
}

func parseValue(dec *json.Decoder) (node, error) {
	tok, err := dec.Token()
	if err != nil {
		return node{}, err
	}
	switch tok := tok.(type) {
	case json.Delim:
		n := node{obj: true}
		for dec.More() {
			var key string
			if tok == '{' {
				k, err := dec.Token()
				if err != nil {
					return n, err
				}
				key, _ = k.(string)
			}
			kid, err := parseValue(dec)
			if err != nil {
				return n, err
			}
			kid.key = key
			n.kids = append(n.kids, kid)
		}
		_, err := dec.Token() // the closing delimiter
		return n, err
	case string:
		return node{val: tok}, nil
	default:
		return node{val: fmt.Sprint(tok)}, nil
	}
}

func (n node) get(key string) (node, bool) {
	for _, k := range n.kids {
		if k.key == key {
			return k, true
		}
	}
	return node{}, false
}

var wsSeverity = map[string]string{"4194304": "note", "6291456": "warning", "8388608": "error"}

// tsharkMessages reads the CTI trees of tshark's decode; prefs are extra
// tshark arguments (-o cti.version:20).
func tsharkMessages(t *testing.T, tshark, home, script, path string, prefs ...string) []wsMessage {
	t.Helper()
	out := run(t, tsharkCmd(tshark, home, script, path, append([]string{"-T", "json", "-Y", "cti"}, prefs...)...))
	root, err := parseValue(json.NewDecoder(bytes.NewReader(out)))
	if err != nil {
		t.Fatalf("tshark JSON: %v", err)
	}
	var msgs []wsMessage
	for _, pkt := range root.kids {
		src, _ := pkt.get("_source")
		layers, _ := src.get("layers")
		fr, _ := layers.get("frame")
		num, _ := fr.get("frame.number")
		frame, err := strconv.Atoi(num.val)
		if err != nil {
			t.Fatalf("frame.number %q: %v", num.val, err)
		}
		for _, l := range layers.kids {
			if l.key != "cti" {
				continue
			}
			m := wsMessage{frame: frame}
			walk(&m, l.kids)
			sort.Strings(m.experts)
			msgs = append(msgs, m)
		}
	}
	// tshark's JSON drops the text of text items; its PDML keeps it.
	notes := tsharkNotes(t, tshark, home, script, path, prefs...)
	if len(notes) != len(msgs) {
		t.Fatalf("tshark PDML has %d CTI trees, its JSON %d", len(notes), len(msgs))
	}
	for i := range msgs {
		msgs[i].notes = notes[i]
	}
	return msgs
}

// notePrefix starts the plugin's text item for a session note.
const notePrefix = "Session note ("

// tsharkNotes returns the session notes of each CTI tree of tshark's PDML,
// in document order, as "code: text".
func tsharkNotes(t *testing.T, tshark, home, script, path string, prefs ...string) [][]string {
	t.Helper()
	out := run(t, tsharkCmd(tshark, home, script, path, append([]string{"-T", "pdml", "-Y", "cti"}, prefs...)...))
	// PDML copies wire strings as they are; the notes are ASCII.
	dec := xml.NewDecoder(bytes.NewReader(bytes.ToValidUTF8(out, []byte("\uFFFD"))))
	var trees [][]string
	depth, in := 0, -1 // element depth; depth of the current cti proto (-1 none)
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("tshark PDML: %v", err)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			depth++
			attr := map[string]string{}
			for _, a := range el.Attr {
				attr[a.Name.Local] = a.Value
			}
			switch {
			case el.Name.Local == "proto" && attr["name"] == "cti":
				in = depth
				trees = append(trees, nil)
			case in >= 0 && el.Name.Local == "field" && attr["name"] == "_ws.lua.text" && strings.HasPrefix(attr["showname"], notePrefix):
				code, text, ok := strings.Cut(strings.TrimPrefix(attr["showname"], notePrefix), "): ")
				if !ok {
					t.Fatalf("session note item %q", attr["showname"])
				}
				trees[len(trees)-1] = append(trees[len(trees)-1], code+": "+text)
			}
		case xml.EndElement:
			if depth == in {
				in = -1
			}
			depth--
		}
	}
	return trees
}

func walk(m *wsMessage, kids []node) {
	for _, k := range kids {
		switch {
		case k.key == "_ws.expert":
			var code, msg, sev string
			for _, e := range k.kids {
				switch e.key {
				case "_ws.expert.message":
					msg = e.val
				case "_ws.expert.severity":
					sev = wsSeverity[e.val]
				case "_ws.expert.group":
				default:
					code = e.key
				}
			}
			m.experts = append(m.experts, sev+" "+code+": "+msg)
		case k.key == "_ws.lua.text":
			// A text item: the session notes, compared from the PDML.
		case k.key == "_ws.malformed":
			// tshark's JSON marks an item of the Malformed expert group
			// with this key after it; the item itself was compared.
		case k.obj:
			walk(m, k.kids) // X_tree: the children of the item before
		default:
			m.items = append(m.items, item{k.key, k.val})
		}
	}
}

// sameValue compares a tshark value with ctishark's rendering of it.
func sameValue(key, ws, want string) bool {
	if ws == want {
		return true
	}
	if key == "cti.response_time" {
		a, err1 := strconv.ParseFloat(ws, 64)
		b, err2 := strconv.ParseFloat(want, 64)
		// Both are the difference of two microsecond capture times.
		return err1 == nil && err2 == nil && math.Abs(a-b) < 1.5e-6
	}
	// Wireshark shows a string that is not UTF-8 with replacement
	// characters (both decoders flag it: cti.string.utf8).
	if !utf8.ValidString(want) && ws == strings.ToValidUTF8(want, "\uFFFD") {
		return true
	}
	// Mask fields are shown in hex (0x00040010).
	if n, err := strconv.ParseInt(ws, 0, 64); err == nil && strings.HasPrefix(ws, "0x") {
		return strconv.FormatInt(n, 10) == want
	}
	// Bytes are shown as aa:bb:cc.
	if b, err := hex.DecodeString(strings.ReplaceAll(ws, ":", "")); err == nil && strings.Contains(ws, ":") {
		return hex.EncodeToString(b) == want
	}
	return false
}

func compareMessages(t *testing.T, want []ctiMessage, got []wsMessage) (msgs, fields, notes int) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("tshark shows %d CTI messages, ctishark decodes %d", len(got), len(want))
	}
	for i := 0; i < len(want) && i < len(got); i++ {
		w, g := want[i], got[i]
		where := fmt.Sprintf("message %d (%s, frame %d)", i+1, w.name, w.frame)
		if g.frame != w.frame {
			t.Errorf("%s: tshark shows it in frame %d", where, g.frame)
			continue
		}
		bad := false
		for j := 0; j < len(w.items) || j < len(g.items); j++ {
			var wi, gi item
			if j < len(w.items) {
				wi = w.items[j]
			}
			if j < len(g.items) {
				gi = g.items[j]
			}
			if gi.key != wi.key || !sameValue(wi.key, gi.val, wi.val) {
				t.Errorf("%s: item %d: tshark %s=%q, ctishark %s=%q", where, j+1, gi.key, gi.val, wi.key, wi.val)
				bad = true
				break
			}
			fields++
		}
		if strings.Join(g.experts, "\n") != strings.Join(w.experts, "\n") {
			t.Errorf("%s: expert items differ\ntshark:\n  %s\nctishark:\n  %s", where, strings.Join(g.experts, "\n  "), strings.Join(w.experts, "\n  "))
			bad = true
		}
		if strings.Join(g.notes, "\n") != strings.Join(w.notes, "\n") {
			t.Errorf("%s: session notes differ\ntshark:\n  %s\nctishark:\n  %s", where, strings.Join(g.notes, "\n  "), strings.Join(w.notes, "\n  "))
			bad = true
		} else {
			notes += len(w.notes)
		}
		if !bad {
			msgs++
		}
	}
	return msgs, fields, notes
}

// tsharkInfo returns the Info column by frame number, for frames with CTI.
func tsharkInfo(t *testing.T, tshark, home, script, path string, prefs ...string) map[int]string {
	t.Helper()
	out := run(t, tsharkCmd(tshark, home, script, path, append([]string{"-Y", "cti", "-o", `gui.column.format:"No.","%m","Info","%i"`}, prefs...)...))
	info := map[int]string{}
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(make([]byte, 0, 1<<16), 1<<20)
	for sc.Scan() {
		line := strings.TrimLeft(sc.Text(), " ")
		num, rest, _ := strings.Cut(line, " ")
		n, err := strconv.Atoi(num)
		if err != nil {
			t.Fatalf("tshark line %q", sc.Text())
		}
		info[n] = strings.TrimLeft(rest, " ")
	}
	return info
}

// compareInfo checks each frame's Info: its messages as ctishark's table
// shows them (type, then the Info text), joined by ", ".
func compareInfo(t *testing.T, want []ctiMessage, got map[int]string) int {
	t.Helper()
	byFrame := map[int][]string{}
	var frames []int
	for _, m := range want {
		if _, ok := byFrame[m.frame]; !ok {
			frames = append(frames, m.frame)
		}
		s := m.name
		if m.info != "" {
			s += " " + m.info
		}
		byFrame[m.frame] = append(byFrame[m.frame], s)
	}
	n := 0
	for _, f := range frames {
		w := strings.Join(byFrame[f], ", ")
		if got[f] != w {
			t.Errorf("frame %d Info:\ntshark   %q\nctishark %q", f, got[f], w)
			continue
		}
		n++
	}
	if len(got) != len(frames) {
		t.Errorf("tshark shows CTI in %d frames, ctishark in %d", len(got), len(frames))
	}
	return n
}
