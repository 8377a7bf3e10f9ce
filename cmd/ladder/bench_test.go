package ladder

import (
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
)

// BenchmarkPipelineOnly is the baseline: decoding the sample with
// look-ahead and drawing nothing.
func BenchmarkPipelineOnly(b *testing.B) {
	path, _ := sample(&testing.T{})
	for b.Loop() {
		p := pipeline.New(pipeline.Options{Lookahead: true})
		if _, err := p.ReadFiles(pipeline.Inputs{Names: []string{path}}, func(*pipeline.Record) error { return nil }); err != nil {
			b.Fatal(err)
		}
	}
}

func benchLadder(b *testing.B, args ...string) {
	path, _ := sample(&testing.T{})
	t := &testing.T{}
	for b.Loop() {
		if _, _, err := run(t, nil, append(args, path)...); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkText(b *testing.B) { benchLadder(b) }
func BenchmarkSVG(b *testing.B)  { benchLadder(b, "-T", "svg") }
func BenchmarkJSON(b *testing.B) { benchLadder(b, "-T", "json") }
