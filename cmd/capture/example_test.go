package capture_test

import (
	"fmt"
	"time"

	"github.com/ctishark/ctishark/cmd/capture"
)

// A Go test asserting facts about a capture: every heartbeat answered
// within 100 ms, and how many times agents became READY.
func Example() {
	const path = "../../testdata/sample.pcap"

	heartbeats, err := capture.ReadAll(path, `cti.msg_type == "HEARTBEAT_REQ"`)
	if err != nil {
		fmt.Println(err) // in a test: t.Fatal(err)
		return
	}
	slow := 0
	for _, m := range heartbeats {
		if d, ok := m.ResponseTime(); !ok || d > 100*time.Millisecond {
			slow++ // in a test: t.Errorf("#%d %s answered after %v", m.Num(), m.Type(), d)
		}
	}
	fmt.Printf("%d heartbeats, %d not answered within 100 ms\n", len(heartbeats), slow)

	c, err := capture.Open(path, capture.WithFilter(`cti.msg_type == "AGENT_STATE_EVENT" && cti.AgentState == AGENT_STATE_READY`))
	if err != nil {
		fmt.Println(err)
		return
	}
	perAgent := map[string]int{}
	for m, err := range c.Messages() {
		if err != nil {
			fmt.Println(err)
			return
		}
		if m.Stream() == 0 {
			continue // the wallboard's copy of each event
		}
		agent, _ := m.Field("cti.AgentID")
		perAgent[agent]++
	}
	fmt.Println("READY on the agents' own connections:", perAgent)
	// Output:
	// 51 heartbeats, 0 not answered within 100 ms
	// READY on the agents' own connections: map[abello:4 jcarter:3 mlopez:4]
}
