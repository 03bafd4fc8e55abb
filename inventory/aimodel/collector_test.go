package aimodel

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/embargo-dev/embargo/inventory"
	"github.com/embargo-dev/embargo/inventory/collecttest"
)

// ggufFile writes a GGUF (version 3) header: string metadata, a
// tokeniser-sized string array and a number, then a few tensor bytes.
func ggufFile(kv map[string]string) []byte {
	var b bytes.Buffer
	w := func(v any) { binary.Write(&b, binary.LittleEndian, v) }
	str := func(s string) { w(uint64(len(s))); b.WriteString(s) }
	b.WriteString("GGUF")
	w(uint32(3))
	w(uint64(1))           // tensors
	w(uint64(len(kv) + 2)) // kvs
	keys := make([]string, 0, len(kv))
	for k := range kv {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		str(k)
		w(uint32(tString))
		str(kv[k])
	}
	str("tokenizer.ggml.tokens")
	w(uint32(tArray))
	w(uint32(tString))
	w(uint64(1000))
	for i := 0; i < 1000; i++ {
		str("tok")
	}
	str("qwen2.context_length")
	w(uint32(tUint32))
	w(uint32(131072))
	b.Write(make([]byte, 64)) // tensor info and data, never read
	return b.Bytes()
}

var distill = map[string]string{
	"general.architecture":          "qwen2",
	"general.name":                  "DeepSeek R1 Distill Qwen 7B",
	"general.organization":          "Deepseek Ai",
	"general.basename":              "DeepSeek-R1-Distill-Qwen",
	"general.base_model.count":      "1",
	"general.base_model.0.name":     "DeepSeek R1 Distill Qwen 7B",
	"general.base_model.0.repo_url": "https://huggingface.co/deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
	"general.source.repo_url":       "https://example.org/not-a-hub",
}

const ollamaManifest = `{"schemaVersion":2,"mediaType":"application/vnd.docker.distribution.manifest.v2+json",
"config":{"mediaType":"application/vnd.docker.container.image.v1+json","digest":"sha256:aa","size":487},
"layers":[{"mediaType":"application/vnd.ollama.image.model","digest":"sha256:bb","size":4683073184},
{"mediaType":"application/vnd.ollama.image.template","digest":"sha256:cc","size":387}]}`

func TestCollector(t *testing.T) {
	root := collecttest.Volume(t, map[string][]byte{
		"home/ann/.cache/huggingface/hub/models--deepseek-ai--DeepSeek-R1/refs/main":                  []byte("56d4cbbb4d29f4355bab4b9a39ccb717a14ad5ad"),
		"home/ann/.cache/huggingface/hub/models--deepseek-ai--DeepSeek-R1/snapshots/56d4/config.json": []byte("{}"),
		"home/ann/.cache/huggingface/hub/datasets--x--y/refs/main":                                    []byte("abc1234"),
		"usr/share/ollama/.ollama/models/manifests/registry.ollama.ai/library/deepseek-r1/7b":         []byte(ollamaManifest),
		"usr/share/ollama/.ollama/models/manifests/registry.ollama.ai/someone/deepseek-r1/latest":     []byte(ollamaManifest),
		"home/ann/.ollama/models/manifests/hf.co/deepseek-ai/DeepSeek-V3-GGUF/Q4_K_M":                 []byte(ollamaManifest),
		"srv/models/DeepSeek-R1-Distill-Qwen-7B-Q4_K_M.gguf":                                          ggufFile(distill),
		"srv/models/unnamed.gguf": ggufFile(map[string]string{"general.architecture": "llama"}),
	})
	res := collecttest.Root(t, root, Collector{})
	var got []string
	for _, it := range res.Items {
		s := string(it.Type) + " " + it.Ecosystem + " " + it.Name + "@" + it.Version
		for _, a := range it.Attrs {
			if a.Field != inventory.Path {
				s += " " + string(a.Field) + "=" + a.Value
			}
		}
		got = append(got, s)
	}
	slices.Sort(got)
	want := []string{
		"model gguf DeepSeek R1 Distill Qwen 7B@ model_repo=deepseek-ai/DeepSeek-R1-Distill-Qwen-7B",
		"model gguf unnamed@",
		"model huggingface deepseek-ai/DeepSeek-R1@56d4cbbb4d29f4355bab4b9a39ccb717a14ad5ad purl=pkg:huggingface/deepseek-ai/DeepSeek-R1@56d4cbbb4d29f4355bab4b9a39ccb717a14ad5ad model_repo=deepseek-ai/DeepSeek-R1",
		"model ollama deepseek-ai/DeepSeek-V3-GGUF@Q4_K_M model_repo=deepseek-ai/DeepSeek-V3-GGUF",
		"model ollama deepseek-r1@7b ollama_model=deepseek-r1:7b",
		"model ollama someone/deepseek-r1@latest ollama_model=someone/deepseek-r1:latest",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("(-want +got):\n%s\nunknowns %v errs %v", diff, res.Unknowns, res.Errs)
	}
}

func TestHostileGGUF(t *testing.T) {
	good := ggufFile(distill)
	bigEndian := append([]byte("GGUF"), 0, 0, 0, 3)
	hugeKVs := append([]byte("GGUF\x03\x00\x00\x00"), append(make([]byte, 8), 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f)...)
	for _, tc := range []struct {
		name string
		data []byte
		err  string
	}{
		{"not GGUF", []byte("PK\x03\x04"), "byte 0: not a GGUF file"},
		{"cut in the metadata", good[:200], "the header ends early"},
		{"big-endian", bigEndian, "GGUF version 50331648"},
		{"too many entries", hugeKVs, "metadata entries is over"},
		{"unknown type", append(append([]byte("GGUF\x03\x00\x00\x00"), 0, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0), 'k', 99, 0, 0, 0), "unknown value type 99"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseGGUF("m.gguf", bytes.NewReader(tc.data))
			if err == nil || !strings.Contains(err.Error(), tc.err) || !strings.HasPrefix(err.Error(), "m.gguf: byte ") {
				t.Errorf("error %v, want %q", err, tc.err)
			}
		})
	}
}

func TestHostileCaches(t *testing.T) {
	root := collecttest.Volume(t, map[string][]byte{
		"m/manifests/registry.ollama.ai/library/x/latest": []byte(`{"schemaVersion":2,"layers":[]}`),
		"m/manifests/registry.ollama.ai/library/y/latest": []byte(`{`),
		"hub/models--org--name/refs/main":                 []byte("not a commit"),
	})
	res := collecttest.Root(t, root, Collector{})
	if !strings.Contains(res.Errs["m/manifests/registry.ollama.ai/library/x/latest"], "not an Ollama model manifest") ||
		!strings.Contains(res.Errs["m/manifests/registry.ollama.ai/library/y/latest"], "/m/manifests/registry.ollama.ai/library/y/latest:1:") {
		t.Errorf("errs %v", res.Errs)
	}
	if len(res.Items) != 1 || res.Items[0].Version != "" || res.Items[0].Name != "org/name" {
		t.Errorf("items %+v", res.Items)
	}
}

func FuzzParseGGUF(f *testing.F) {
	f.Add(ggufFile(distill))
	f.Add([]byte("GGUF\x01\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x01\x00\x00\x00k\x09\x00\x00\x00\x08\x00\x00\x00\x02\x00\x00\x00"))
	f.Fuzz(func(t *testing.T, data []byte) {
		md, err := ParseGGUF("f", bytes.NewReader(data))
		if err != nil {
			return
		}
		for k := range md {
			if !strings.HasPrefix(k, "general.") {
				t.Fatalf("kept %q", k)
			}
		}
		_ = md.Repos()
	})
}

func TestWants(t *testing.T) {
	for p, want := range map[string]bool{
		"home/ann/.ollama/models/manifests/registry.ollama.ai/library/deepseek-r1/7b": true,
		"m/manifests/hf.co/deepseek-ai/DeepSeek-V3-GGUF/Q4_K_M":                       true,
		"manifests/registry.ollama.ai/library/x/latest":                               false, // no folder above
		"m/manifests/library/deepseek-r1/7b":                                          false, // three segments
		"m/manifests/registry.ollama.ai/library/deepseek-r1/7b/extra":                 false,
		"m/manifests/registry/library/x/latest":                                       false, // not a host
		"m/manifests/registry.ollama.ai/.library/x/latest":                            false,
		"m/manifests/a.b/manifests/c/d":                                               false,
		"m/manifests/registry.ollama.ai/library//latest":                              false,
		"m/x.gguf": true,
		"hub/models--deepseek-ai--DeepSeek-R1/refs/main": true,
		"src/refs/main": false,
	} {
		if got := (Collector{}).Wants(p); got != want {
			t.Errorf("Wants(%q) = %v", p, got)
		}
	}
}
