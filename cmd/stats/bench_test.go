package stats

import (
	"bytes"
	"testing"

	"github.com/ctishark/ctishark/cmd/gen"
	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render/analyze"
)

// benchData is a 16 MB load-mode capture (50 connections), made once.
var benchData []byte

func benchCapture(b *testing.B) []byte {
	if benchData == nil {
		var buf bytes.Buffer
		cfg := gen.DefaultConfig()
		cfg.Connections, cfg.TargetBytes = 50, 16<<20
		if _, err := gen.Generate(&buf, cfg); err != nil {
			b.Fatal(err)
		}
		benchData = buf.Bytes()
	}
	return benchData
}

func benchPipeline(b *testing.B, fn func() func(*pipeline.Record) error) {
	data := benchCapture(b)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		src, err := reassembly.OpenReader(bytes.NewReader(data))
		if err != nil {
			b.Fatal(err)
		}
		// The options report.Run gives stats.
		if err := pipeline.New(pipeline.Options{Lookahead: true, Recycle: true}).Read(src, fn()); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStatsBaseline is the pipeline alone (looking ahead, recycling
// messages, as for the stats command), with a no-op callback: the
// cost stats adds is BenchmarkStats over this.
func BenchmarkStatsBaseline(b *testing.B) {
	benchPipeline(b, func() func(*pipeline.Record) error {
		return func(*pipeline.Record) error { return nil }
	})
}

// BenchmarkStats is the pipeline feeding the stats collector.
func BenchmarkStats(b *testing.B) {
	benchPipeline(b, func() func(*pipeline.Record) error {
		st := analyze.NewStats()
		return func(r *pipeline.Record) error { st.Add(r); return nil }
	})
}
