package testutil

import (
	"path/filepath"
	"runtime"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/dissect"
)

// VariedCaptures returns paths of captures that between them hold every
// kind of traffic the generator writes: the bundled samples of both
// dialects, every fault scenario, a UCCE capture at a version with other
// layouts, a version-18 UCCX one (2-byte tags) and a load of 20
// connections with transfers, conferences and call data. For tests that
// hold two ways of computing a view to the same bytes.
func VariedCaptures(t testing.TB) []string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	root := filepath.Join(filepath.Dir(here), "..", "..", "..", "testdata")
	paths := []string{filepath.Join(root, "sample.pcap"), filepath.Join(root, "sample-ucce.pcap")}
	faults := gen.DefaultConfig()
	faults.Faults = []string{"all"}
	ucce := gen.DefaultConfig()
	ucce.Dialect, ucce.Version = dissect.DialectUCCE, 24
	v18 := gen.DefaultConfig()
	v18.Version = 18
	load := gen.DefaultConfig()
	load.Connections, load.TargetBytes, load.Calls = 20, 2<<20, 0
	for _, cfg := range []gen.Config{faults, ucce, v18, load} {
		p, _, _ := Capture(t, cfg)
		paths = append(paths, p)
	}
	return paths
}
