package diag

import (
	"math/rand/v2"
	"testing"
)

// A reqTable answers as a map would, through bursts past its inline room
// and back: random sets, gets and removes over a few InvokeIDs, checked
// against a map after every step.
func TestReqTableIsAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	var tab reqTable
	model := map[uint32]uint32{}
	for step := range 20000 {
		id := uint32(rng.IntN(3 * reqInline))
		switch rng.IntN(5) {
		case 0, 1:
			typ := uint32(rng.IntN(300))
			_, had := model[id]
			if isNew := tab.set(id, typ); isNew == had {
				t.Fatalf("step %d: set(%d) said new %v, map had it %v", step, id, isNew, had)
			}
			model[id] = typ
		case 2, 3:
			_, had := model[id]
			if gone := tab.remove(id); gone != had {
				t.Fatalf("step %d: remove(%d) = %v, map had it %v", step, id, gone, had)
			}
			delete(model, id)
		default:
			if rng.IntN(50) == 0 {
				tab.clear()
				clear(model)
			}
		}
		if tab.len() != len(model) {
			t.Fatalf("step %d: len %d, map %d", step, tab.len(), len(model))
		}
		for k := range uint32(3 * reqInline) {
			typ, ok := tab.get(k)
			want, wok := model[k]
			if ok != wok || typ != want {
				t.Fatalf("step %d: get(%d) = %d, %v; map %d, %v", step, k, typ, ok, want, wok)
			}
		}
	}
}
