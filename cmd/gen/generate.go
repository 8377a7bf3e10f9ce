package gen

import (
	"bufio"
	"io"
	"math"
	"math/rand/v2"

	"github.com/ctishark/ctishark/dissect"
	"github.com/gopacket/gopacket"
	"github.com/gopacket/gopacket/layers"
	"github.com/gopacket/gopacket/pcapgo"
)

// Generate writes the capture described by cfg to w and reports what it
// wrote. The output depends on cfg alone: no clock, no environment.
func Generate(w io.Writer, cfg Config) (Result, error) {
	if err := cfg.Validate(); err != nil {
		return Result{}, err
	}
	g := &gen{
		cfg:    cfg,
		rng:    rand.New(rand.NewPCG(cfg.Seed, cfg.Seed^0x9e3779b97f4a7c15)),
		layout: dissect.LayoutFor(cfg.dialect(), cfg.Version),
		cat:    dissect.CatalogFor(cfg.dialect()),
		detail: !cfg.LoadMode(),
		end:    math.MaxInt64,
		res:    &Result{},
		sbuf:   gopacket.NewSerializeBuffer(),
		cw:     &countingWriter{w: w},
	}
	if cfg.dialect() == dissect.DialectUCCE {
		// UCCE reuses a few type IDs across versions: look names and IDs
		// up at the session's version. UCCX's catalog has one meaning
		// per ID, looked up as before dialects existed.
		g.catVersion = cfg.Version
	}
	if cfg.PCAPNG {
		ng, err := pcapgo.NewNgWriterInterface(g.cw,
			pcapgo.NgInterface{Name: "eth0", LinkType: layers.LinkTypeEthernet, TimestampResolution: 9},
			pcapgo.NgWriterOptions{SectionInfo: pcapgo.NgSectionInfo{Application: "ctishark gen"}})
		if err != nil {
			return Result{}, err
		}
		g.ng, g.pw = ng, ng
	} else {
		g.bw = bufio.NewWriterSize(g.cw, 1<<16)
		pw := pcapgo.NewWriter(g.bw)
		if err := pw.WriteFileHeader(262144, layers.LinkTypeEthernet); err != nil {
			return Result{}, err
		}
		g.pw = pw
	}
	g.run()
	if g.ng != nil {
		g.fail(g.ng.Flush())
	} else {
		g.fail(g.bw.Flush())
	}
	res := g.result()
	return res, g.err
}

// written is the output size so far, buffered bytes included.
func (g *gen) written() int64 {
	if g.bw != nil {
		return g.cw.n + int64(g.bw.Buffered())
	}
	return g.cw.n
}

func (g *gen) full() bool { return g.cfg.TargetBytes > 0 && g.written() >= g.cfg.TargetBytes }

func (g *gen) run() {
	if g.cfg.dialect() == dissect.DialectUCCE {
		g.runUCCE()
		return
	}
	g.setup()
	g.bridgeSession(800*ms + g.between(0, 300*ms))
	load := g.cfg.LoadMode()
	n := int64(len(g.agents))
	for i, a := range g.agents {
		at := 3*sec + int64(i)*7*sec + g.between(0, 4*sec)
		if load {
			at = 2*sec + int64(i)*(60*sec/n) + g.between(0, 60*sec/n)
		}
		g.login(a, at)
	}
	dur := g.cfg.Duration.Microseconds()
	if load {
		g.runLoad(dur)
		return
	}
	g.pushFunc(dur*6/10, g.systemEvent)
	g.runFaults()

	g.spreadCalls(45*sec, 100*sec, dur, func(at int64, k int) {
		kind := g.randomKind()
		if k < len(scriptedKinds) {
			kind = scriptedKinds[k]
		}
		g.planCall(at, kind)
	})
	g.closeDay(dur, g.logout)
}

// spreadCalls places the scripted capture's Calls calls from first on,
// evenly (with some jitter) over the capture's dur but the last tail,
// at least 5 s apart, handing each to place with its index.
func (g *gen) spreadCalls(first, tail, dur int64, place func(at int64, k int)) {
	if g.cfg.Calls <= 0 {
		return
	}
	gap := max(dur-first-tail, int64(g.cfg.Calls)*5*sec) / int64(g.cfg.Calls)
	for k := 0; k < g.cfg.Calls && g.err == nil; k++ {
		at := first + int64(k)*gap + g.between(0, gap/2)
		g.flush(at)
		place(at, k)
	}
}

// closeDay ends a scripted capture: the first agent goes home (logout),
// everyone else is still at work when the capture stops, after dur and
// after every agent's work.
func (g *gen) closeDay(dur int64, logout func(a *agent, t int64)) {
	a := g.agents[0]
	out := max(a.busyUntil+g.between(20*sec, 40*sec), dur-g.between(25*sec, 35*sec), g.now+sec)
	logout(a, out)
	end := max(dur, out+5*sec)
	for _, a := range g.agents {
		end = max(end, a.busyUntil+10*sec)
	}
	g.end = end
	g.flush(math.MaxInt64)
}

// runLoad runs the open-ended contact center of load mode: calls arrive at
// random, at a rate that keeps the agents about 85% busy.
func (g *gen) runLoad(dur int64) {
	g.pushFunc(90*sec, g.systemEvent)
	mean := float64(180*sec) / (0.85 * float64(len(g.agents)))
	at := 45 * sec
	for n := 0; g.err == nil; n++ {
		at += int64(g.rng.ExpFloat64()*mean) + 1
		if g.cfg.Calls > 0 && n >= g.cfg.Calls || g.cfg.TargetBytes == 0 && at > dur {
			break
		}
		if g.flushLoad(at) {
			return
		}
		g.planCall(at, g.randomKind())
	}
	if g.cfg.TargetBytes == 0 {
		g.end = dur
	}
	g.flushLoad(math.MaxInt64)
}

// flushLoad is flush that stops at the target size; it reports whether the
// target was reached.
func (g *gen) flushLoad(t int64) bool {
	for g.err == nil && len(g.q) > 0 && g.q[0].at < t {
		if g.full() {
			return true
		}
		g.flush(g.q[0].at + 1)
	}
	return g.full()
}

func (g *gen) result() Result {
	r := *g.res
	r.Frames = g.frames
	r.Bytes = g.cw.n
	r.NumMsgs = g.msgs
	r.Counts = map[string]int{}
	for id, n := range g.counts {
		if n == 0 {
			continue
		}
		name := "UNKNOWN"
		if def := g.cat.Lookup(uint32(id), g.catVersion); def != nil {
			name = def.Name
		}
		r.Counts[name] += n
	}
	for _, c := range g.calls {
		r.Calls = append(r.Calls, *c)
	}
	return r
}
