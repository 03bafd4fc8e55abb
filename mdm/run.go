package mdm

import (
	"context"
	"errors"
	"fmt"
	"net/http"
)

// Pull fetches conn's inventory into a fresh run directory under
// o.Out/conn.Name and, when every page was fetched and saved, makes it
// the connector's current directory. A pull that fails leaves the current
// directory as it was; what it fetched is kept under partial/ and named
// in the Result. The Result is never nil; the error is Result.Err. No
// error, log record or manifest holds a secret or a token.
func Pull(ctx context.Context, conn Connector, o Options) (*Result, error) {
	o = o.withDefaults()
	res := &Result{Manifest: Manifest{
		Format: ManifestFormat, Connector: conn.Name, Kind: conn.Kind, Department: conn.Department,
		Status: StatusFailed, Started: o.Now(),
	}}
	red := &redactor{}
	fail := func(err error) (*Result, error) {
		err = red.err(err)
		res.Err, res.Error, res.Finished = err, err.Error(), o.Now()
		return res, err
	}
	if o.Out == "" {
		return fail(errors.New("no output directory"))
	}
	pull, ok := pullers[pullerKey(conn)]
	if !ok {
		return fail(fmt.Errorf("connector %s: kind %q, api %q: not a connector this build can pull", conn.Name, conn.Kind, conn.API))
	}
	st := &stats{}
	c, err := newClient(conn, o, red, st)
	if err != nil {
		return fail(fmt.Errorf("connector %s: %w", conn.Name, err))
	}
	store, err := openStore(o.Out, conn.Name, res.Started)
	if err != nil {
		return fail(err)
	}
	defer store.close()
	if m, err := readManifest(store.path(dirCurrent, ManifestName)); err == nil {
		res.Current, res.CurrentRun = store.path(dirCurrent), m.Run
	}
	id, err := store.newRun(res.Started)
	if err != nil {
		return fail(err)
	}
	res.Run = id
	s := &session{conn: conn, opts: o, c: c, dir: store.path(dirIncoming, id), st: st, red: red, started: res.Started}
	if err := store.writeManifest(s.dir, res.Manifest); err != nil {
		return fail(err)
	}
	o.Logger.Info("pull started", "connector", conn.Name, "kind", conn.Kind, "run", id)
	err = pull(ctx, s)
	res.fill(st)
	res.Finished = o.Now()
	if err == nil {
		res.Status = StatusComplete
		var switched bool
		if switched, err = store.promote(id, res.Manifest); switched {
			if err != nil {
				o.Logger.Warn("tidying after the pull", "connector", conn.Name, "err", red.err(err))
			}
			res.Dir, res.Current, res.CurrentRun = store.path(dirCurrent), store.path(dirCurrent), id
			o.Logger.Info("pull complete", "connector", conn.Name, "devices", res.Devices, "pages", res.Pages, "retries", res.Retries)
			return res, nil
		}
	}
	err = red.err(err)
	res.Status, res.Err, res.Error = StatusFailed, err, err.Error()
	dst, serr := store.setAside(id, res.Manifest)
	if serr != nil {
		res.Err = errors.Join(err, serr)
		return res, res.Err
	}
	res.Dir = dst
	if perr := store.prunePartial(o.KeepPartial); perr != nil {
		o.Logger.Warn("pruning partial runs", "connector", conn.Name, "err", perr)
	}
	o.Logger.Warn("pull failed", "connector", conn.Name, "partial", dst, "err", err)
	return res, err
}

func (r *Result) fill(st *stats) {
	r.Devices, r.Pages, r.Requests, r.Retries = st.Devices, st.Pages, st.Requests, st.Retries
	r.Renewals = max(st.TokenFetches-1, 0)
	r.Files, r.Gone, r.NoContent = st.Files, st.Gone, st.NoContent
	if r.Files == nil {
		r.Files = []string{}
	}
}

// pullers are the connectors, by kind and API.
var pullers = map[string]func(context.Context, *session) error{
	KindIntune + "/":            pullIntune,
	KindJamf + "/pro":           pullJamfPro,
	KindJamf + "/classic":       pullJamfClassic,
	KindWorkspaceOne + "/oauth": pullWorkspaceOne,
	KindWorkspaceOne + "/basic": pullWorkspaceOne,
}

func pullerKey(c Connector) string {
	if c.Kind == KindIntune {
		return KindIntune + "/"
	}
	return c.Kind + "/" + c.API
}

// newClient loads conn's secrets and makes the client its requests go
// through, authorised as the vendor documents.
func newClient(conn Connector, o Options, red *redactor, st *stats) (*client, error) {
	base := &client{hc: o.HTTPClient, now: o.Now, sleep: o.Sleep, log: o.Logger, red: red, st: st, retry: o.Retry, maxBody: o.MaxResponseBytes}
	sec, err := conn.ClientSecret.load(o.LookupEnv)
	if err != nil {
		return nil, fmt.Errorf("client secret: %w", err)
	}
	red.add(sec.value())
	extra := http.Header{}
	if conn.TenantCode.given() {
		code, err := conn.TenantCode.load(o.LookupEnv)
		if err != nil {
			return nil, fmt.Errorf("tenant code: %w", err)
		}
		red.add(code.value())
		extra.Set("aw-tenant-code", code.value())
	}
	api := *base
	if conn.Kind == KindWorkspaceOne && conn.API == "basic" {
		api.auth = &basicAuth{username: conn.Username, password: sec, extra: extra}
		return &api, nil
	}
	oc := &oauthClient{tokens: base, tokenURL: conn.TokenURL, clientID: conn.ClientID, secret: sec, extra: extra, now: o.Now, red: red, st: st}
	if conn.Kind == KindIntune {
		// Client credentials take the resource's ".default" scope
		// (Microsoft identity platform, client credentials flow).
		oc.scope = conn.BaseURL + "/.default"
	}
	api.auth = oc
	return &api, nil
}
