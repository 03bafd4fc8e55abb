package feed

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/theupdateframework/go-tuf/v2/metadata"

	"github.com/embargo-dev/embargo/internal/atomicfile"
)

// A repository directory holds metadata/ (N.root.json for every root,
// N.targets.json and N.snapshot.json, timestamp.json) and targets/
// (each target as SHA256.NAME: consistent snapshots, so that a mirror
// being updated never serves a mix). It is what an HTTP server, a mirror
// directory or a bundle serves.
const (
	metadataDir = "metadata"
	targetsDir  = "targets"
)

// Role is a role's keys as the root names them, and how many of them
// must sign.
type Role struct {
	Keys      []*Key
	Threshold int
}

// Roles are the four top-level roles' keys.
type Roles struct {
	Root, Targets, Snapshot, Timestamp Role
}

// Lifetimes are how long each role's metadata is valid once signed.
type Lifetimes struct {
	Root, Targets, Snapshot, Timestamp time.Duration
}

// DefaultLifetimes: a root for a year, targets and snapshot for 90 days,
// the timestamp for 7 days (a feed not re-timestamped within a week is
// frozen, and clients refuse it).
var DefaultLifetimes = Lifetimes{Root: 365 * 24 * time.Hour, Targets: 90 * 24 * time.Hour,
	Snapshot: 90 * 24 * time.Hour, Timestamp: 7 * 24 * time.Hour}

// Init makes a new repository in dir with version 1 of the root, signed
// by a threshold of the root's keys.
func Init(dir string, roles Roles, life Lifetimes, now time.Time) error {
	if err := os.MkdirAll(filepath.Join(dir, metadataDir), 0o755); err != nil {
		return err
	}
	if _, err := os.Stat(filepath.Join(dir, metadataDir, "1.root.json")); err == nil {
		return fmt.Errorf("%s already holds a repository", dir)
	}
	root := metadata.Root(now.Add(life.Root).UTC().Truncate(time.Second))
	if err := setRoles(&root.Signed, roles); err != nil {
		return err
	}
	if err := signWith(root, "root", roles.Root.Keys, roles.Root.Threshold); err != nil {
		return err
	}
	return writeMeta(dir, "1.root.json", root)
}

// setRoles names each role's keys and threshold in root.
func setRoles(root *metadata.RootType, roles Roles) error {
	for name, r := range map[string]Role{metadata.ROOT: roles.Root, metadata.TARGETS: roles.Targets,
		metadata.SNAPSHOT: roles.Snapshot, metadata.TIMESTAMP: roles.Timestamp} {
		if r.Threshold < 1 || r.Threshold > len(r.Keys) {
			return fmt.Errorf("role %s: threshold %d of %d keys", name, r.Threshold, len(r.Keys))
		}
		root.Roles[name] = &metadata.Role{KeyIDs: []string{}, Threshold: r.Threshold}
		for _, k := range r.Keys {
			pub, err := k.Public()
			if err != nil {
				return err
			}
			if err := root.AddKey(pub, name); err != nil {
				return fmt.Errorf("role %s: %w", name, err)
			}
		}
	}
	return nil
}

// signWith signs md with keys, refusing fewer than threshold.
func signWith[T metadata.Roles](md *metadata.Metadata[T], role string, keys []*Key, threshold int) error {
	if len(keys) < threshold {
		return fmt.Errorf("signing %s: %d keys given, its threshold is %d: %w", role, len(keys), threshold, errNoKey)
	}
	for _, k := range keys {
		s, err := k.signer()
		if err != nil {
			return fmt.Errorf("signing %s with %s: %w", role, k.Path, err)
		}
		if _, err := md.Sign(s); err != nil {
			return fmt.Errorf("signing %s with %s: %w", role, k.Path, err)
		}
	}
	return nil
}

func writeMeta[T metadata.Roles](dir, name string, md *metadata.Metadata[T]) error {
	data, err := md.ToBytes(true)
	if err != nil {
		return fmt.Errorf("encoding %s: %w", name, err)
	}
	return atomicfile.Write(filepath.Join(dir, metadataDir, name), data, 0o644)
}

// latest is the highest N of the repository's N.ROLE.json files (0:
// none).
func latest(dir, role string) (int64, error) {
	ents, err := os.ReadDir(filepath.Join(dir, metadataDir))
	if err != nil {
		return 0, err
	}
	var max int64
	for _, e := range ents {
		v, rest, ok := strings.Cut(e.Name(), ".")
		if !ok || rest != role+".json" {
			continue
		}
		n, err := strconv.ParseInt(v, 10, 64)
		if err == nil && n > max {
			max = n
		}
	}
	return max, nil
}

// Root is the repository's newest root.
func Root(dir string) (*metadata.Metadata[metadata.RootType], int64, error) {
	n, err := latest(dir, "root")
	if err != nil || n == 0 {
		return nil, 0, fmt.Errorf("%s: no root (run feed init): %v", dir, err)
	}
	r, err := metadata.Root().FromFile(filepath.Join(dir, metadataDir, fmt.Sprintf("%d.root.json", n)))
	return r, n, err
}

// Target is one file the feed carries, with what people need to know of
// it (version, date, what it is) as its custom metadata.
type Target struct {
	Name   string
	Data   []byte
	Custom TargetInfo
}

// TargetInfo is a target's custom metadata.
type TargetInfo struct {
	Kind    string    `json:"kind"` // catalogue, packs or ipdata
	Version string    `json:"version"`
	Built   time.Time `json:"built"`
}

// Signers are the keys a publication is signed with.
type Signers struct {
	Targets, Snapshot, Timestamp []*Key
}

// Publish writes targets as the repository's next version: the target
// files, then targets, snapshot and timestamp metadata, each signed by a
// threshold of its role's keys as the newest root names them.
func Publish(dir string, targets []Target, keys Signers, life Lifetimes, now time.Time) (int64, error) {
	root, _, err := Root(dir)
	if err != nil {
		return 0, err
	}
	prev, err := latest(dir, "targets")
	if err != nil {
		return 0, err
	}
	version := prev + 1
	if err := os.MkdirAll(filepath.Join(dir, targetsDir), 0o755); err != nil {
		return 0, err
	}
	tm := metadata.Targets(now.Add(life.Targets).UTC().Truncate(time.Second))
	tm.Signed.Version = version
	sort.Slice(targets, func(i, j int) bool { return targets[i].Name < targets[j].Name })
	for _, t := range targets {
		if t.Name == "" || strings.ContainsAny(t.Name, `/\`) {
			return 0, fmt.Errorf("target name %q: want a plain file name", t.Name)
		}
		sum := sha256.Sum256(t.Data)
		if err := atomicfile.Write(filepath.Join(dir, targetsDir, hex.EncodeToString(sum[:])+"."+t.Name), t.Data, 0o644); err != nil {
			return 0, err
		}
		tf, err := metadata.TargetFile().FromBytes(t.Name, t.Data, "sha256")
		if err != nil {
			return 0, err
		}
		custom, err := json.Marshal(t.Custom)
		if err != nil {
			return 0, err
		}
		raw := json.RawMessage(custom)
		tf.Custom = &raw
		tm.Signed.Targets[t.Name] = tf
	}
	if err := signRole(tm, root, metadata.TARGETS, keys.Targets); err != nil {
		return 0, err
	}
	if err := writeMeta(dir, fmt.Sprintf("%d.targets.json", version), tm); err != nil {
		return 0, err
	}
	sm := metadata.Snapshot(now.Add(life.Snapshot).UTC().Truncate(time.Second))
	sm.Signed.Version = version
	sm.Signed.Meta["targets.json"] = metadata.MetaFile(version)
	if err := signRole(sm, root, metadata.SNAPSHOT, keys.Snapshot); err != nil {
		return 0, err
	}
	if err := writeMeta(dir, fmt.Sprintf("%d.snapshot.json", version), sm); err != nil {
		return 0, err
	}
	return version, Timestamp(dir, keys.Timestamp, life, now)
}

// Timestamp signs a new timestamp of the newest snapshot: what the
// timestamp role's keys do more often than anything else is published,
// so that clients know the feed is current and not frozen.
func Timestamp(dir string, keys []*Key, life Lifetimes, now time.Time) error {
	root, _, err := Root(dir)
	if err != nil {
		return err
	}
	snap, err := latest(dir, "snapshot")
	if err != nil || snap == 0 {
		return fmt.Errorf("%s: nothing published to timestamp", dir)
	}
	version := int64(1)
	if old, err := metadata.Timestamp().FromFile(filepath.Join(dir, metadataDir, "timestamp.json")); err == nil {
		version = old.Signed.Version + 1
	}
	ts := metadata.Timestamp(now.Add(life.Timestamp).UTC().Truncate(time.Second))
	ts.Signed.Version = version
	ts.Signed.Meta["snapshot.json"] = metadata.MetaFile(snap)
	if err := signRole(ts, root, metadata.TIMESTAMP, keys); err != nil {
		return err
	}
	return writeMeta(dir, "timestamp.json", ts)
}

// signRole signs md with those of keys the root names for role, refusing
// fewer than its threshold.
func signRole[T metadata.Roles](md *metadata.Metadata[T], root *metadata.Metadata[metadata.RootType], role string, keys []*Key) error {
	r := root.Signed.Roles[role]
	var of []*Key
	for _, k := range keys {
		id, err := k.ID()
		if err != nil {
			return err
		}
		for _, want := range r.KeyIDs {
			if id == want {
				of = append(of, k)
			}
		}
	}
	if len(of) != len(keys) {
		return fmt.Errorf("signing %s: %d of the %d keys given are not the role's", role, len(keys)-len(of), len(keys))
	}
	return signWith(md, role, of, r.Threshold)
}

// RotateRoot writes the next root, naming roles' keys, signed by a
// threshold of the old root's keys and of the new root's: clients that
// trust the old root follow it to the new one.
func RotateRoot(dir string, roles Roles, oldRootKeys []*Key, life Lifetimes, now time.Time) (int64, error) {
	old, n, err := Root(dir)
	if err != nil {
		return 0, err
	}
	next := metadata.Root(now.Add(life.Root).UTC().Truncate(time.Second))
	next.Signed.Version = n + 1
	if err := setRoles(&next.Signed, roles); err != nil {
		return 0, err
	}
	if err := signRole(next, old, metadata.ROOT, oldRootKeys); err != nil {
		return 0, fmt.Errorf("the old root's keys: %w", err)
	}
	newOnly := []*Key{}
	for _, k := range roles.Root.Keys {
		id, _ := k.ID()
		signed := false
		for _, s := range next.Signatures {
			if s.KeyID == id {
				signed = true
			}
		}
		if !signed {
			newOnly = append(newOnly, k)
		}
	}
	// Every key of the new root signs too (those of the old one already
	// have), so its own threshold holds whatever it is.
	if err := signWith(next, "root", newOnly, 0); err != nil {
		return 0, err
	}
	return n + 1, writeMeta(dir, fmt.Sprintf("%d.root.json", n+1), next)
}
