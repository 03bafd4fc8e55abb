package aimodel

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"strings"

	"github.com/embargo-dev/embargo/inventory"
)

// maxSmall bounds a ref or a manifest: bytes to a few kilobytes.
const maxSmall = 1 << 20

// hfItem is one repository of the Hugging Face hub cache; its version is
// the commit refs/main points at.
func hfItem(t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) (inventory.Item, error) {
	org, name, _ := hfRepo(f.Path)
	data, err := t.ReadFile(f.Path, maxSmall, lim)
	if err != nil {
		return inventory.Item{}, err
	}
	rev := strings.TrimSpace(string(data))
	if !isHex(rev) {
		rev = ""
	}
	repo := org + "/" + name
	it := inventory.Item{Type: inventory.Model, Ecosystem: "huggingface", Name: repo, Version: rev,
		Location: inventory.Location{Source: t.Display(f.Path), Reader: "aimodel"}}
	p := "pkg:huggingface/" + org + "/" + name
	if rev != "" {
		p += "@" + rev
	}
	it.Add(inventory.PURL, p)
	it.Add(inventory.ModelRepo, repo)
	it.Add(inventory.Path, t.Display(path.Dir(path.Dir(f.Path))))
	return it, nil
}

func isHex(s string) bool {
	if len(s) < 7 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
			return false
		}
	}
	return true
}

// ref is an Ollama model reference.
type ref struct{ registry, namespace, model, tag string }

// ollamaRef is the model reference an Ollama manifest path names:
// .../manifests/REGISTRY/NAMESPACE/MODEL/TAG. It runs on every file of a
// walk, so the four segments are taken from the end, and the folder
// before them must be the last "manifests".
func ollamaRef(p string) (ref, bool) {
	var segs [4]string
	end := len(p)
	for k := 3; k >= 0; k-- {
		i := strings.LastIndexByte(p[:end], '/')
		if i < 0 {
			return ref{}, false
		}
		segs[k], end = p[i+1:end], i
	}
	if !strings.HasSuffix(p[:end], "/manifests") || !strings.Contains(segs[0], ".") {
		return ref{}, false
	}
	for _, s := range segs {
		if s == "" || s == "manifests" || strings.HasPrefix(s, ".") {
			return ref{}, false
		}
	}
	return ref{segs[0], segs[1], segs[2], segs[3]}, true
}

// ollamaItem is one pulled model: a library model (registry.ollama.ai/
// library/NAME:TAG), a user's model, or a Hugging Face repository pulled
// through hf.co.
func ollamaItem(t *inventory.Target, f inventory.TargetFile, lim inventory.Limits) (inventory.Item, error) {
	r, _ := ollamaRef(f.Path)
	name := t.Display(f.Path)
	data, err := t.ReadFile(f.Path, maxSmall, lim)
	if err != nil {
		return inventory.Item{}, err
	}
	var m struct {
		SchemaVersion int `json:"schemaVersion"`
		Layers        []struct {
			MediaType string `json:"mediaType"`
		} `json:"layers"`
	}
	if err := json.Unmarshal(data, &m); err != nil {
		return inventory.Item{}, inventory.JSONError(name, data, err)
	}
	isModel := false
	for _, l := range m.Layers {
		isModel = isModel || strings.HasPrefix(l.MediaType, "application/vnd.ollama.image.model")
	}
	if m.SchemaVersion != 2 || !isModel {
		return inventory.Item{}, &inventory.InputError{Source: name, Offset: -1,
			Err: errors.New("not an Ollama model manifest (schemaVersion 2 with a model layer)")}
	}
	it := inventory.Item{Type: inventory.Model, Ecosystem: "ollama", Version: r.tag,
		Location: inventory.Location{Source: name, Reader: "aimodel"}}
	switch {
	case r.registry == "registry.ollama.ai" && r.namespace == "library":
		it.Name = r.model
		it.Add(inventory.OllamaModel, r.model+":"+r.tag)
	case r.registry == "registry.ollama.ai":
		it.Name = r.namespace + "/" + r.model
		it.Add(inventory.OllamaModel, it.Name+":"+r.tag)
	case r.registry == "hf.co" || r.registry == "huggingface.co":
		it.Name = r.namespace + "/" + r.model
		it.Add(inventory.ModelRepo, it.Name)
	default:
		it.Name = fmt.Sprintf("%s/%s/%s", r.registry, r.namespace, r.model)
	}
	return it, nil
}
