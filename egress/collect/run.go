package collect

import (
	"errors"
)

// ErrNothingRead ends a run none of whose inputs could be read: the
// report would say nothing. Each input's error is in the report's inputs.
var ErrNothingRead = errors.New("no input could be read")

// Complete ends a run over inputs as every front end (the command, its
// NetFlow listener, the agent) must: when none of them could be read it
// is ErrNothingRead, otherwise what was collected, attributed and added
// up.
func (j *Aggregator) Complete(inputs []Input) (*Result, error) {
	failed := 0
	for _, in := range inputs {
		if in.Error != "" {
			failed++
		}
	}
	if failed > 0 && failed == len(inputs) {
		return nil, ErrNothingRead
	}
	return j.Finish(), nil
}

// Input is one input read, and what came of it.
type Input struct {
	Source string
	Reader string
	Error  string
	// Records and Bad count the records read from the input (flows and
	// DNS answers) and the bad ones, when read into an Aggregator.
	Records, Bad uint64
}
