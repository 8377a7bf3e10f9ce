package ladder

import "testing"

// -Y narrows the ladder like --stream does, through the display filter.
func TestDisplayFilter(t *testing.T) {
	path, res := sample(t)
	d := runJSON(t, "-Y", "cti.stream == 2 && cti.dir == c2s", path)
	n := 0
	for _, m := range res.Messages {
		if m.Conn == 2 && m.FromClient {
			n++
		}
	}
	if n == 0 || len(d.Arrows) != n {
		t.Fatalf("-Y stream 2 client->server: %d arrows, want %d", len(d.Arrows), n)
	}
	for _, a := range d.Arrows {
		if a.Stream != 2 {
			t.Fatalf("-Y shows stream %d", a.Stream)
		}
	}
	if _, _, err := run(t, nil, "-Y", "cti.stream ==", path); err == nil {
		t.Fatal("a bad filter was accepted")
	}
}
