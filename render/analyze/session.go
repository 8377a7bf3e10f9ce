package analyze

import (
	"net/netip"
	"time"

	"github.com/ctishark/ctishark/dissect"
	"github.com/ctishark/ctishark/dissect/record"
)

// sessionStats accumulates SessionStats for one connection.
type sessionStats struct {
	SessionStats
	client, server netip.AddrPort
	hbFirst        time.Time
	hbLast         time.Time
	lastClient     time.Time
	shown          int // messages Stats.Select kept
}

func (ss *sessionStats) add(r *record.Record) {
	m := r.Msg
	t := r.Frame.Time
	if ss.Messages == 0 {
		ss.First = t
	}
	ss.Messages++
	ss.Last = t
	ss.Version = r.Session.Version
	ss.Mode = r.Session.Mode.String()
	if d := r.Session.Dialect; d != dissect.DialectUnknown {
		ss.Dialect, ss.DialectWhy = d, r.Session.DialectWhy
	}
	ss.Notes = append(ss.Notes, r.Session.Notes...)
	if r.Frame.Dir == record.ClientToServer {
		if !ss.lastClient.IsZero() {
			gap := record.Elapsed(t, ss.lastClient)
			ss.MaxClientGap = max(ss.MaxClientGap, gap)
			if ss.IdleTimeout > 0 && gap > ss.IdleTimeout {
				ss.IdleViolations++
			}
		}
		ss.lastClient = t
	}
	if m.Def == nil {
		return
	}
	switch m.Def.ID {
	case dissect.MsgOpenReq:
		if v, ok := m.Uint("IdleTimeout"); ok && v > 0 && v < 1<<31 {
			ss.IdleTimeout = time.Duration(v) * time.Second
		}
		ss.ClientID, _ = m.String("ClientID")
		ss.ServicesRequested = display(m.Get("ServicesRequested"))
	case dissect.MsgOpenConf:
		ss.ServicesGranted = display(m.Get("ServicesGranted"))
	case dissect.MsgHeartbeatReq:
		if ss.Heartbeats == 0 {
			ss.hbFirst = t
		}
		ss.Heartbeats++
		ss.hbLast = t
	}
}

func (ss *sessionStats) result() SessionStats {
	out := ss.SessionStats
	out.Messages = ss.shown
	out.Client, out.Server = ss.client, ss.server
	if ss.Heartbeats > 1 {
		out.HeartbeatInterval = ss.hbLast.Sub(ss.hbFirst) / time.Duration(ss.Heartbeats-1)
	}
	return out
}
