package egress

import (
	"fmt"
	"net/netip"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

type recorder struct {
	flows []Flow
	dns   []DNSAnswer
	bads  []Bad
}

func (r *recorder) Flow(f *Flow)     { r.flows = append(r.flows, *f) }
func (r *recorder) DNS(a *DNSAnswer) { r.dns = append(r.dns, *a) }
func (r *recorder) Bad(b Bad)        { r.bads = append(r.bads, b) }

// Everything written into a pipe reaches the sink, in order per kind,
// with names copied though the writer reuses its buffer.
func TestPipe(t *testing.T) {
	var want recorder
	got := &recorder{}
	p := NewPipe(got)
	names := make([]Name, 1)
	for i := range 3*pipeBatch + 7 {
		names[0] = Name{Name: fmt.Sprintf("n%d.example", i), Via: ViaSNI}
		f := Flow{BytesOut: uint64(i), Names: names}
		p.Flow(&f)
		want.flows = append(want.flows, Flow{BytesOut: uint64(i), Names: []Name{names[0]}})
		if i%100 == 0 {
			a := DNSAnswer{Name: names[0].Name}
			p.DNS(&a)
			want.dns = append(want.dns, a)
			b := Bad{Reason: names[0].Name}
			p.Bad(b)
			want.bads = append(want.bads, b)
		}
	}
	p.Close()
	if diff := cmp.Diff(want, *got, cmp.AllowUnexported(recorder{}), cmpopts.EquateComparable(netip.Addr{})); diff != "" {
		t.Errorf("pipe (-want +got):\n%s", diff)
	}
}
