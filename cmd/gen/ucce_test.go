package gen

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/cmd/iostreams"
	"github.com/ctishark/ctishark/dissect"
)

// ucceMessages is every message type a UCCE capture must hold; the first
// three are types only UCCE defines.
var ucceMessages = []string{
	"CLIENT_EVENT_REPORT_REQ", "CLIENT_EVENT_REPORT_CONF", "AGENT_PRE_CALL_EVENT",
	"OPEN_REQ", "OPEN_CONF", "HEARTBEAT_REQ", "HEARTBEAT_CONF", "CLOSE_REQ", "CLOSE_CONF",
	"QUERY_AGENT_STATE_REQ", "QUERY_AGENT_STATE_CONF", "SET_AGENT_STATE_REQ", "SET_AGENT_STATE_CONF", "AGENT_STATE_EVENT",
	"BEGIN_CALL_EVENT", "CALL_DELIVERED_EVENT", "ANSWER_CALL_REQ", "ANSWER_CALL_CONF", "CALL_ESTABLISHED_EVENT",
	"SET_CALL_DATA_REQ", "SET_CALL_DATA_CONF", "CALL_DATA_UPDATE_EVENT",
	"CLEAR_CONNECTION_REQ", "CLEAR_CONNECTION_CONF", "CALL_CONNECTION_CLEARED_EVENT", "CALL_CLEARED_EVENT", "END_CALL_EVENT",
	"SYSTEM_EVENT",
}

// TestUCCECapture generates UCCE captures at versions on both sides of
// each layout and field change (18: a version both dialects have; 19:
// DepartmentID; 20: 2+2 headers; 24: OPEN_CONF's SessionType) and reads
// them back with a session in auto mode: every session settles on UCCE,
// every message decodes from the UCCE catalog without an expert item, every
// confirm answers its own request, and DepartmentID is there exactly from
// version 19.
func TestUCCECapture(t *testing.T) {
	for _, v := range []int{14, 18, 19, 20, 24} {
		cfg := DefaultConfig()
		cfg.Dialect, cfg.Version = dissect.DialectUCCE, v
		data, res := generate(t, cfg)
		rb := checkCapture(t, data, res, cfg)
		counts := rb.counts()
		for _, name := range ucceMessages {
			if counts[name] == 0 {
				t.Errorf("v%d: no %s", v, name)
			}
		}
		modes := map[dissect.ClientMode]int{}
		for k, s := range rb.sessions {
			modes[s.Mode]++
			if s.Dialect != dissect.DialectUCCE || s.DialectWhy == "" {
				t.Errorf("v%d %v: session dialect %v (%q)", v, k, s.Dialect, s.DialectWhy)
			}
		}
		if modes[dissect.ModeAgent] != cfg.Agents || modes[dissect.ModeBridge] != 1 {
			t.Errorf("v%d: session modes %v", v, modes)
		}
		type key struct {
			conn   string
			invoke uint32
		}
		asked := map[key]*dissect.MessageDef{}
		answered, department := 0, 0
		for _, m := range rb.msgs {
			if m.msg.Def.Dialect != dissect.DialectUCCE {
				t.Errorf("v%d %s: decoded from the %s catalog", v, describe(m), m.msg.Def.Dialect)
			}
			// Not even a note: every enum value is one the catalog names.
			for _, e := range m.msg.AllExpert() {
				t.Errorf("v%d %s: %s %s", v, describe(m), e.Code, e.Message)
			}
			if m.msg.Def.Name == "AGENT_STATE_EVENT" && m.msg.Get("DepartmentID") != nil {
				department++
			}
			if !m.hasInv {
				continue
			}
			k := key{m.conn.String(), m.invoke}
			if m.c2s {
				asked[k] = m.msg.Def
				continue
			}
			req := asked[k]
			if req == nil || req.ConfirmedBy != m.msg.Def {
				t.Errorf("v%d %s: confirms %v", v, describe(m), req)
			}
			delete(asked, k)
			answered++
		}
		if answered != len(res.Pairs) || len(asked) != 0 {
			t.Errorf("v%d: %d confirms, Result has %d pairs, %d unanswered", v, answered, len(res.Pairs), len(asked))
		}
		if want := v >= 19; (department == counts["AGENT_STATE_EVENT"]) != want || (department == 0) == want {
			t.Errorf("v%d: %d of %d AGENT_STATE_EVENTs carry DepartmentID", v, department, counts["AGENT_STATE_EVENT"])
		}
		if len(res.Calls) != cfg.Calls {
			t.Errorf("v%d: %d calls, want %d", v, len(res.Calls), cfg.Calls)
		}
		for _, c := range res.Calls {
			if c.Offered.IsZero() || c.Answered.IsZero() || c.Cleared.IsZero() {
				t.Errorf("v%d: call %d offered %v answered %v cleared %v", v, c.CallID, c.Offered, c.Answered, c.Cleared)
			}
		}
	}
}

// The UCCE capture is as deterministic as the UCCX one.
func TestUCCEDeterministic(t *testing.T) {
	cfg := DefaultConfig()
	cfg.Dialect, cfg.Version = dissect.DialectUCCE, 0 // UCCE's default version
	a, _ := generate(t, cfg)
	b, _ := generate(t, cfg)
	if !bytes.Equal(a, b) {
		t.Error("two runs of the same UCCE config differ")
	}
	cfg.Seed++
	if c, _ := generate(t, cfg); bytes.Equal(a, c) {
		t.Error("another seed gives the same UCCE capture")
	}
}

// Versions are checked against the chosen dialect's range; the UCCE
// default is 20, UCCX's 13.
func TestDialectVersions(t *testing.T) {
	for _, tc := range []struct {
		dialect dissect.Dialect
		version int
		want    string // error text, "" = valid
		got     int    // version after Validate
	}{
		{dissect.DialectUCCX, 0, "", 13},
		{dissect.DialectUCCE, 0, "", 20},
		{dissect.DialectUCCE, 14, "", 14},
		{dissect.DialectUCCE, 25, "", 25},
		{dissect.DialectUCCE, 13, "not a UCCE version", 0},
		{dissect.DialectUCCE, 26, "not a UCCE version", 0},
		{dissect.DialectUCCX, 20, "not a UCCX version", 0},
	} {
		cfg := Config{Seed: 1, Agents: 2, Calls: 1, Duration: 2 * time.Minute, Dialect: tc.dialect, Version: tc.version}
		err := cfg.Validate()
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("%v v%d: %v", tc.dialect, tc.version, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("%v v%d: error %v, want %q", tc.dialect, tc.version, err, tc.want)
		case tc.want == "" && cfg.Version != tc.got:
			t.Errorf("%v v%d: version %d after Validate, want %d", tc.dialect, tc.version, cfg.Version, tc.got)
		}
	}
	cfg := DefaultConfig()
	cfg.Dialect, cfg.Version, cfg.Faults = dissect.DialectUCCE, 20, []string{"all"}
	if err := cfg.Validate(); err == nil {
		t.Error("faults accepted for a UCCE capture")
	}
}

// The command's --dialect and --version (or --cti-version, as read names
// it) reach the config; a version of the other dialect is a usage error.
func TestCommandDialect(t *testing.T) {
	ios, _, _, _ := iostreams.Test()
	f := &factory.Factory{IOStreams: ios}
	for _, tc := range []struct {
		args    []string
		dialect dissect.Dialect
		version int
		usage   bool
	}{
		{[]string{"--dialect", "ucce"}, dissect.DialectUCCE, 20, false},
		{[]string{"--dialect", "ucce", "--cti-version", "24"}, dissect.DialectUCCE, 24, false},
		{[]string{"--dialect", "ucce", "--version", "19"}, dissect.DialectUCCE, 19, false},
		{[]string{}, dissect.DialectUCCX, 13, false},
		{[]string{"--cti-version", "17"}, dissect.DialectUCCX, 17, false},
		{[]string{"--dialect", "ucce", "--version", "13"}, 0, 0, true},
		{[]string{"--version", "20"}, 0, 0, true},
		{[]string{"--dialect", "ucx"}, 0, 0, true},
	} {
		var got *GenOptions
		cmd := NewCmdGen(f, func(o *GenOptions) error { got = o; return nil })
		cmd.SetArgs(append([]string{"-w", "x.pcap"}, tc.args...))
		if err := cmd.Execute(); err != nil {
			t.Fatal(err)
		}
		cfg, err := got.Config()
		var ue *factory.UsageError
		switch {
		case tc.usage && (err == nil || !asUsage(err, &ue)):
			t.Errorf("%v: error %v, want a usage error", tc.args, err)
		case !tc.usage && err != nil:
			t.Errorf("%v: %v", tc.args, err)
		case !tc.usage && (cfg.dialect() != tc.dialect || cfg.Version != tc.version):
			t.Errorf("%v: %v v%d, want %v v%d", tc.args, cfg.dialect(), cfg.Version, tc.dialect, tc.version)
		}
	}
}
