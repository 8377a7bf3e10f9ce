package inputflags

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/factory"
	"github.com/ctishark/ctishark/dissect"
	"github.com/spf13/pflag"
)

func parse(t *testing.T, args ...string) (*Options, error) {
	t.Helper()
	var o Options
	fl := pflag.NewFlagSet("x", pflag.ContinueOnError)
	o.AddFlags(fl)
	if err := fl.Parse(args); err != nil {
		t.Fatal(err)
	}
	return &o, o.Validate()
}

func TestResolve(t *testing.T) {
	o, err := parse(t, "-p", "42028", "-p", "9000, 9001", "--cti-version", "18", "--float-header", "2+1", "--no-heuristics", "-Y", "cti.stream == 1")
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.PortList, []uint16{42028, 9000, 9001}) || o.Layout != dissect.Layout21 || o.Match == nil {
		t.Fatalf("resolved %+v", o)
	}
	p := o.Pipeline()
	if !p.NoHeuristics || p.Version != 18 || p.Filter == nil || !slices.Equal(p.Ports, o.PortList) {
		t.Fatalf("pipeline options %+v", p)
	}
	if p.Dialect != dissect.DialectUnknown {
		t.Errorf("default dialect %s, want auto", p.Dialect)
	}
	for arg, want := range map[string]dissect.Dialect{"uccx": dissect.DialectUCCX, "ucce": dissect.DialectUCCE, "auto": dissect.DialectUnknown} {
		if o, err := parse(t, "--dialect", arg); err != nil || o.Pipeline().Dialect != want {
			t.Errorf("--dialect %s: %v, %v", arg, o.Pipeline().Dialect, err)
		}
	}
	if o, _ := parse(t, "-p", ""); o.PortList == nil || len(o.PortList) != 0 {
		t.Errorf("-p '' should mean no server ports, got %v", o.PortList)
	}
}

func TestUsageErrors(t *testing.T) {
	for _, args := range [][]string{
		{"-p", "0"}, {"-p", "70000"}, {"-p", "http"}, {"--cti-version", "-1"}, {"--cti-version", "99"}, {"--cti-version", "26"},
		{"--float-header", "3+3"}, {"-Y", "cti.AgentState == NOT_A_STATE"}, {"--dialect", "icm"},
	} {
		_, err := parse(t, args...)
		var ue *factory.UsageError
		if !errors.As(err, &ue) {
			t.Errorf("%v: %v, want a usage error", args, err)
		}
	}
	// The versions sources know are accepted (24: UCCE).
	for _, v := range []string{"1", "13", "18", "24"} {
		if _, err := parse(t, "--cti-version", v); err != nil {
			t.Errorf("--cti-version %s: %v", v, err)
		}
	}
	if _, err := parse(t, "--cti-version", "99"); err == nil || !strings.Contains(err.Error(), "no such protocol version") {
		t.Errorf("--cti-version 99: %v", err)
	}
	_, err := parse(t, "-Y", "cti.stream = = 1")
	if err == nil || !strings.Contains(err.Error(), "^") {
		t.Errorf("a bad filter should point at its position: %v", err)
	}
	if CheckFiles(nil) == nil || CheckFiles([]string{"-", "-"}) == nil || CheckFiles([]string{"a", "-"}) != nil {
		t.Error("CheckFiles")
	}
}

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int{"": 0, "4096": 4096, "64K": 64 << 10, "512m": 512 << 20, "1G": 1 << 30} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"0", "-1", "2G", "12X", "M", "1.5M"} {
		if _, err := ParseSize(in); err == nil {
			t.Errorf("ParseSize(%q) accepted", in)
		}
	}
}

func TestCheckOutput(t *testing.T) {
	dir := t.TempDir()
	in := filepath.Join(dir, "in.pcap")
	other := filepath.Join(dir, "other.pcap")
	for _, p := range []string{in, other} {
		if err := os.WriteFile(p, []byte("x"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	sym, hard := filepath.Join(dir, "sym"), filepath.Join(dir, "hard")
	if err := os.Symlink(in, sym); err != nil {
		t.Fatal(err)
	}
	if err := os.Link(in, hard); err != nil {
		t.Fatal(err)
	}
	dotted := filepath.Join(dir, ".", "in.pcap")
	for _, out := range []string{in, sym, hard, dotted} {
		if err := CheckOutput("-w", out, "-", other, in); err == nil || !strings.Contains(err.Error(), "would overwrite") {
			t.Errorf("CheckOutput(%s) = %v, want a refusal", out, err)
		}
	}
	for _, out := range []string{"", "-", other, filepath.Join(dir, "new.pcap")} {
		if err := CheckOutput("-w", out, "-", in); err != nil {
			t.Errorf("CheckOutput(%q) = %v, want nil", out, err)
		}
	}
}
