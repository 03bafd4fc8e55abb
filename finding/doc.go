// Package finding is what a judge concludes and every output reports: a
// Finding is one rule of one instrument broken on one system, by an item
// or by traffic to a destination, with its deadline, its first sighting
// and the waiver that decided it. Finalize completes findings the same
// way for the items' judge, the traffic judge and the fleet server.
package finding
