package server

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/judge"
	"github.com/embargo-dev/embargo/policy"
	"github.com/embargo-dev/embargo/policy/systems"
)

// RegisterName is the name the stored register is given in errors and
// in judged reports.
const RegisterName = "register.yaml"

// policyState is the register and the packs in force, loaded from the
// store once and kept until an admin changes either through this server.
type policyState struct {
	reg     *systems.Register // nil: no register stored
	engine  *policy.Engine
	packIDs []string
	// data is the catalogue and packs it was built from.
	data *dataSet
	// version is the fleet's policy version read before the register
	// and packs: findings judged by this state are stored only while it
	// is current.
	version int64
}

// policyState returns the cached state, loading it when needed.
func (s *Server) policyState(ctx context.Context) (*policyState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.policy != nil {
		return s.policy, nil
	}
	pv, err := s.st.PolicyVersion(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the policy version: %w", err)
	}
	data, err := s.st.Register(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the systems register: %w", err)
	}
	ids, err := s.st.Policies(ctx)
	if err != nil {
		return nil, fmt.Errorf("reading the policies in force: %w", err)
	}
	if len(ids) == 0 {
		ids = []string{"all"}
	}
	// Built-in packs only: the server reads no files named by its API.
	d := s.dataNow()
	src := judge.Source{Packs: ids, Builtin: d.packs}
	if len(data) > 0 {
		src.RegisterName, src.RegisterData = RegisterName, data
	}
	p, err := judge.Setup(d.cat, src)
	if err != nil {
		return nil, fmt.Errorf("the policy in force: %w", err)
	}
	ps := &policyState{reg: p.Register, engine: p.Engine, version: pv.Version, data: d}
	for _, pk := range p.Engine.Packs() {
		ps.packIDs = append(ps.packIDs, pk.ID)
	}
	s.policy = ps
	return ps, nil
}

// forget drops the cached state after the register or packs changed.
func (s *Server) forget() {
	s.mu.Lock()
	s.policy = nil
	s.mu.Unlock()
}

// forgetUnless drops the cached state unless it is of version: another
// replica changed the register or packs, or a catalogue was noted.
func (s *Server) forgetUnless(version int64) {
	s.mu.Lock()
	if s.policy != nil && s.policy.version != version {
		s.policy = nil
	}
	s.mu.Unlock()
}

// agentSystems assigns every host of an agent's report to a system: the
// register's when it lists the host, else the register's default (or
// the lowest classification when there is no register) in the agent's
// department.
type agentSystems struct {
	reg  *systems.Register
	dept string
}

// ForHost implements judge.Assigner. A host matches only systems of its
// own department (or of none): a name that matches another department's
// system is that department's clash, not this host's system.
func (a agentSystems) ForHost(host string, labels map[string]string) systems.Match {
	if a.reg != nil {
		m := a.reg.ForHost(host, labels)
		if !m.Unregistered && a.foreign(m.System) {
			m = systems.Match{System: a.reg.Default, Unregistered: true, By: systems.ByDefault}
		}
		if m.Unregistered {
			m.System.Department = a.dept
		}
		return m
	}
	sys := systems.System{Classification: systems.UKScale().Lowest(), Department: a.dept}
	return systems.Match{System: sys, Unregistered: true, By: systems.ByDefault}
}

// foreign reports whether sys belongs to another department than the
// agent's.
func (a agentSystems) foreign(sys systems.System) bool {
	return sys.Department != "" && !strings.EqualFold(sys.Department, a.dept)
}

// clash names the other department's system host's name (or a managed
// device's labels) matches, if it does: what an admin is shown.
func (a agentSystems) clash(host string, labels map[string]string) string {
	if a.reg == nil {
		return ""
	}
	m := a.reg.ForHost(host, labels)
	if m.Unregistered || !a.foreign(m.System) {
		return ""
	}
	what := "the name"
	if labels != nil {
		what = "the device"
	}
	return fmt.Sprintf("%s matches system %s of department %s (by %s %s); judged as department %s's default instead", what,
		m.System.ID, m.System.Department, m.By, m.Rule, a.dept)
}

// systemFor is the system of an agent's host, with the id findings use
// (judge gives an unregistered host an id of its own).
func (a agentSystems) systemFor(host string) systems.Match {
	m := a.ForHost(host, nil)
	if m.Unregistered {
		m.System.ID = judge.UnregisteredPrefix + host
	}
	return m
}

// systemOf is systemFor for a host that may be a managed device d (nil:
// an agent's machine): a device is matched by its labels too, and its
// system carries the device's own tags added, as the judge applies them
// (judge.DeviceTags), so that findings, the host's stored tags and the
// re-judger's choice of items agree.
func (a agentSystems) systemOf(host string, d *inventory.ManagedDevice) systems.Match {
	if d == nil {
		return a.systemFor(host)
	}
	m := a.ForHost(host, d.Labels())
	if m.Unregistered {
		m.System.ID = judge.UnregisteredPrefix + host
	}
	tags := slices.Concat(m.System.Tags, judge.DeviceTags(d))
	slices.Sort(tags)
	m.System.Tags = slices.Compact(tags)
	return m
}
