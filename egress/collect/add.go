package collect

// Add adds o, the same destination's traffic in another report (a later
// upload of the same host), to a: counters summed (saturating rather than
// wrapping), first and last widened, the listed values merged up to their
// bound. What names the destination is o's when o decided it by a
// stronger way, else a's.
func (a *Aggregate) Add(o *Aggregate) {
	a.BytesOut = addSat(a.BytesOut, o.BytesOut)
	a.BytesIn = addSat(a.BytesIn, o.BytesIn)
	a.PacketsOut = addSat(a.PacketsOut, o.PacketsOut)
	a.PacketsIn = addSat(a.PacketsIn, o.PacketsIn)
	a.Flows = addSat(a.Flows, o.Flows)
	a.RejectedFlows = addSat(a.RejectedFlows, o.RejectedFlows)
	a.Conversations = addSat(a.Conversations, o.Conversations)
	if !o.First.IsZero() && (a.First.IsZero() || o.First.Before(a.First)) {
		a.First = o.First
	}
	if o.Last.After(a.Last) {
		a.Last = o.Last
	}
	a.RegisteredCountries = addAll(a.RegisteredCountries, o.RegisteredCountries)
	a.ASNs = addAll(a.ASNs, o.ASNs)
	a.ASOrgs = addAll(a.ASOrgs, o.ASOrgs)
	a.Names = addAll(a.Names, o.Names)
	a.Addrs = addAll(a.Addrs, o.Addrs)
	a.Ports = addAll(a.Ports, o.Ports)
	a.Sources = addAll(a.Sources, o.Sources)
	for _, s := range o.Samples {
		if len(a.Samples) >= maxSamples {
			break
		}
		a.Samples = append(a.Samples, s)
	}
	if rank(o.DecidedBy) > rank(a.DecidedBy) {
		a.DecidedBy, a.Evidence, a.Source, a.Tier = o.DecidedBy, o.Evidence, o.Source, o.Tier
	}
	if a.Entity == "" && o.Entity != "" {
		a.Entity, a.EntityName, a.Chain, a.ControllingCountry = o.Entity, o.EntityName, o.Chain, o.ControllingCountry
	}
}

func addAll[T comparable](s, more []T) []T {
	for _, v := range more {
		s = addOne(s, v)
	}
	return s
}

// addSat adds without wrapping.
func addSat(a, b uint64) uint64 {
	if a+b < a {
		return ^uint64(0)
	}
	return a + b
}
