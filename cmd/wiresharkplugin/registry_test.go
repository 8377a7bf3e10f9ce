package wiresharkplugin

import (
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/dissect/filter"
)

// leftToWireshark are ctishark's capture and analysis fields the plugin
// does not register, because Wireshark has its own: frame.number
// (cti.num), tcp.stream, ip.src/ip.dst and tcp.srcport/tcp.dstport (the
// addresses, ports and direction), frame.time_relative and
// frame.time_epoch, _ws.expert and _ws.expert.severity; cti.event reports
// reassembly gaps, which TCP's expert items cover; cti.unanswered needs the
// end of the capture, which a dissector never sees; cti.frame and cti.file
// are frame.number and frame's file, and cti.info is Wireshark's Info
// column (_ws.col.info).
var leftToWireshark = []string{
	"cti.addr", "cti.dir", "cti.dst", "cti.dstport", "cti.event", "cti.expert", "cti.expert.severity",
	"cti.file", "cti.frame", "cti.info", "cti.num", "cti.port", "cti.src", "cti.srcport", "cti.stream",
	"cti.time_epoch", "cti.time_relative", "cti.unanswered",
}

// TestTsharkFieldRegistry checks the fields Wireshark registers for the
// plugin against ctishark's filter registry: the same names, nothing but
// the metadata above missing, and every enum name under its field.
func TestTsharkFieldRegistry(t *testing.T) {
	tshark, dir, script, _ := setup(t, nil)
	// -G must come first; the Lua script still loads after it.
	fields := string(run(t, tsharkCmdG(tshark, dir, script, "fields")))
	ws := map[string]bool{}
	for _, line := range strings.Split(fields, "\n") {
		c := strings.Split(line, "\t")
		if len(c) < 5 || c[0] != "F" || c[4] != "cti" {
			continue
		}
		if c[3] == "FT_NONE" {
			continue // expert items, registered under ctishark's expert codes
		}
		ws[c[2]] = true
	}
	known := map[string]filter.FieldInfo{}
	for _, f := range filter.Fields() {
		if !f.UCCEOnly { // the plugin decodes UCCX only
			known[f.Name] = f
		}
	}
	var extra, missing []string
	for name := range ws {
		if _, ok := known[name]; !ok {
			extra = append(extra, name)
		}
	}
	for name := range known {
		if !ws[name] {
			missing = append(missing, name)
		}
	}
	sort.Strings(extra)
	sort.Strings(missing)
	if len(extra) > 0 {
		t.Errorf("Wireshark registers fields ctishark does not know: %s", strings.Join(extra, ", "))
	}
	if strings.Join(missing, " ") != strings.Join(leftToWireshark, " ") {
		t.Errorf("ctishark fields Wireshark does not register:\n  %s\nwant only\n  %s", strings.Join(missing, " "), strings.Join(leftToWireshark, " "))
	}

	values := string(run(t, tsharkCmdG(tshark, dir, script, "values")))
	named := map[string]bool{}
	for _, line := range strings.Split(values, "\n") {
		if c := strings.Split(line, "\t"); len(c) == 4 && c[0] == "V" && strings.HasPrefix(c[1], "cti.") {
			named[c[1]+"\t"+c[2]+"\t"+c[3]] = true
		}
	}
	n := 0
	for _, f := range filter.Fields() {
		if f.Mask || f.Name == "cti.msg_type" || !ws[f.Name] {
			continue // bits are bitfields; cti.msg_type is text in both
		}
		for _, v := range f.Enum {
			if !named[f.Name+"\t"+strconv.FormatUint(v.Value, 10)+"\t"+v.Name] {
				t.Errorf("%s: Wireshark has no name %s for %d", f.Name, v.Name, v.Value)
			}
			n++
		}
	}
	t.Logf("%d field names and %d enum names agree", len(ws), n)
}
