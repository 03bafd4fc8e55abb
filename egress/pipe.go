package egress

// Pipe runs a sink on a goroutine of its own, so that decoding an input
// (on the reader's goroutine) and adding its flows up overlap on two
// cores. Values are copied into batches, as the Sink contract lets readers
// reuse their buffers; the batches are recycled. Close flushes what is
// pending and waits until the sink has taken everything, after which the
// sink may be read.
type Pipe struct {
	sink  Sink
	cur   *batch
	full  chan *batch
	free  chan *batch
	done  chan struct{}
}

type batch struct {
	flows []Flow
	dns   []DNSAnswer
	bads  []Bad
}

const (
	pipeBatch   = 512
	pipeBatches = 4
)

// NewPipe starts the goroutine that feeds sink.
func NewPipe(sink Sink) *Pipe {
	p := &Pipe{sink: sink, full: make(chan *batch, pipeBatches), free: make(chan *batch, pipeBatches+1), done: make(chan struct{})}
	for range pipeBatches {
		p.free <- &batch{flows: make([]Flow, 0, pipeBatch)}
	}
	p.cur = <-p.free
	go p.run()
	return p
}

func (p *Pipe) run() {
	defer close(p.done)
	for b := range p.full {
		// Bad records and DNS answers first: answers name flows later, and
		// nothing here depends on the order within a batch.
		for i := range b.bads {
			p.sink.Bad(b.bads[i])
		}
		for i := range b.dns {
			p.sink.DNS(&b.dns[i])
		}
		for i := range b.flows {
			p.sink.Flow(&b.flows[i])
		}
		b.flows, b.dns, b.bads = b.flows[:0], b.dns[:0], b.bads[:0]
		p.free <- b
	}
}

// Flow implements Sink.
func (p *Pipe) Flow(f *Flow) {
	c := *f
	if len(f.Names) > 0 {
		c.Names = append([]Name(nil), f.Names...)
	}
	p.cur.flows = append(p.cur.flows, c)
	if len(p.cur.flows) == pipeBatch {
		p.flush()
	}
}

// DNS implements Sink.
func (p *Pipe) DNS(a *DNSAnswer) {
	p.cur.dns = append(p.cur.dns, *a)
	if len(p.cur.dns) == pipeBatch {
		p.flush()
	}
}

// Bad implements Sink.
func (p *Pipe) Bad(b Bad) {
	p.cur.bads = append(p.cur.bads, b)
	if len(p.cur.bads) == pipeBatch {
		p.flush()
	}
}

func (p *Pipe) flush() {
	p.full <- p.cur
	p.cur = <-p.free
}

// Close hands over what is pending and waits for the sink to take it.
func (p *Pipe) Close() {
	p.full <- p.cur
	p.cur = nil
	close(p.full)
	<-p.done
}
