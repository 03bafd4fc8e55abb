package egress

import (
	"errors"
	"fmt"

	"github.com/embargo-dev/embargo/egress/ipdata"
)

// ErrNothingRead ends a run none of whose inputs could be read: the
// report would say nothing. Each input's error is in the report's inputs.
var ErrNothingRead = errors.New("no input could be read")

// Complete ends a run whose inputs are in rep: it aggregates what the
// aggregator was given into rep.Result and names the IP data used, as
// every front end (the command, its NetFlow listener, the agent) must.
func (j *Aggregator) Complete(rep *Report, describeIP func() (*IPData, error)) error {
	failed := 0
	for _, in := range rep.Inputs {
		if in.Error != "" {
			failed++
		}
	}
	if failed > 0 && failed == len(rep.Inputs) {
		return ErrNothingRead
	}
	rep.Result = *j.Finish()
	ip, err := describeIP()
	if err != nil {
		return fmt.Errorf("IP data: %w", err)
	}
	rep.IPData = ip
	return nil
}

// IPDataOf names a snapshot of IP data for a report.
func IPDataOf(m ipdata.Meta) *IPData {
	d := &IPData{Name: m.Name, Built: m.Built, Digest: m.Digest}
	for _, s := range m.Sources {
		d.Sources = append(d.Sources, IPDataSource(s))
	}
	return d
}
