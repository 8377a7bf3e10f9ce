package read

import (
	"bytes"
	"os"
	"strings"
	"testing"

	"github.com/ctishark/ctishark/cmd/internal/pipeline"
	"github.com/ctishark/ctishark/cmd/internal/testutil"
	"github.com/ctishark/ctishark/dissect/record"
	"github.com/ctishark/ctishark/reassembly"
	"github.com/ctishark/ctishark/render"
)

// The jsonl writer renders through its memo of what it wrote last
// (fields, endpoints, sessions, the time to the second); render.AppendJSON
// renders every record afresh. Both write the same bytes, with and
// without secrets, over the bundled samples, captures of every fault the
// generator makes and one with bytes changed at random, read by a
// recycling pipeline: each message is decoded into the memory of earlier
// ones, of whose pieces the memo keeps copies.
func TestJSONLMemoWritesWhatAFreshRenderingDoes(t *testing.T) {
	for _, path := range append(testutil.VariedCaptures(t), testutil.Scrambled(t, 3)) {
		for _, secrets := range []bool{false, true} {
			var memo, fresh bytes.Buffer
			w, err := render.New(render.FormatJSONL, &memo, render.Options{ShowSecrets: secrets})
			if err != nil {
				t.Fatal(err)
			}
			f, err := os.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			src, err := reassembly.OpenReader(f)
			if err != nil {
				t.Fatal(err)
			}
			var line []byte
			err = pipeline.New(pipeline.Options{Lookahead: true, Recycle: true}).Read(src, func(r *record.Record) error {
				line = append(render.AppendJSON(line[:0], r, secrets), '\n')
				fresh.Write(line)
				return w.Write(r)
			})
			f.Close()
			if err == nil {
				err = w.Close()
			}
			if err != nil {
				t.Fatal(err)
			}
			got, want := strings.Split(memo.String(), "\n"), strings.Split(fresh.String(), "\n")
			if len(got) != len(want) || len(want) < 100 {
				t.Fatalf("%s: %d lines through the memo, %d fresh", path, len(got), len(want))
			}
			for i := range want {
				if got[i] != want[i] {
					t.Fatalf("%s secrets %v line %d: through the memo\n%s\nfresh\n%s", path, secrets, i+1, got[i], want[i])
				}
			}
		}
	}
}
