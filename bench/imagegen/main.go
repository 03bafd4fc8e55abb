// Command imagegen writes a large deterministic image tarball for
// measuring the memory of `embargo scan IMAGE.tar` (BENCHMARKS.md, "Host
// walk"): a base layer of the given size in files of 64 KiB of
// incompressible bytes, with a dpkg database listing kesl, and a second
// layer that whites out one file.
//
//	go run ./bench/imagegen -mb 1024 -format docker -o big.tar   # docker save, uncompressed layers
//	go run ./bench/imagegen -mb 1024 -format oci -o big.oci.tar  # OCI layout, gzip layers
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
)

func main() {
	mb := flag.Int("mb", 1024, "size of the base layer's files, in MiB")
	format := flag.String("format", "docker", "docker (docker save) or oci (OCI layout, gzip layers)")
	out := flag.String("o", "", "tarball to write")
	flag.Parse()
	if *out == "" || *format != "docker" && *format != "oci" {
		flag.Usage()
		os.Exit(2)
	}
	if err := run(*out, *format, *mb); err != nil {
		fmt.Fprintln(os.Stderr, "imagegen:", err)
		os.Exit(1)
	}
}

const status = "Package: kesl\nStatus: install ok installed\nMaintainer: AO Kaspersky Lab <support@example.invalid>\nArchitecture: amd64\nVersion: 12.1.0-1\n\n"

func run(out, format string, mb int) error {
	tmp, err := os.MkdirTemp("", "imagegen-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(tmp)
	compress := format == "oci"
	// Layers are written to temporary files first: their digests name them.
	base, err := writeLayer(tmp+"/base", compress, func(tw *tar.Writer) error {
		rng := rand.New(rand.NewPCG(1, 2))
		chunk := make([]byte, 64<<10)
		for i := 0; i < mb*16; i++ {
			for j := 0; j < len(chunk); j += 8 {
				v := rng.Uint64()
				for k := 0; k < 8; k++ {
					chunk[j+k] = byte(v >> (8 * k))
				}
			}
			if err := add(tw, fmt.Sprintf("usr/share/data/d%03d/f%05d.bin", i%1000, i), chunk); err != nil {
				return err
			}
		}
		return add(tw, "var/lib/dpkg/status", []byte(status))
	})
	if err != nil {
		return err
	}
	top, err := writeLayer(tmp+"/top", compress, func(tw *tar.Writer) error {
		return add(tw, "usr/share/data/d000/.wh.f00000.bin", nil)
	})
	if err != nil {
		return err
	}
	f, err := os.Create(out)
	if err != nil {
		return err
	}
	defer f.Close()
	tw := tar.NewWriter(f)
	cfg, _ := json.Marshal(map[string]any{"architecture": "amd64", "os": "linux", "rootfs": map[string]any{"type": "layers", "diff_ids": []string{}}})
	cfgDigest := digest(cfg)
	if err := add(tw, "blobs/sha256/"+cfgDigest, cfg); err != nil {
		return err
	}
	var paths []string
	var descs []map[string]any
	for _, l := range []layerFile{base, top} {
		if err := addFile(tw, "blobs/sha256/"+l.digest, l.path, l.size); err != nil {
			return err
		}
		paths = append(paths, "blobs/sha256/"+l.digest)
		mt := "application/vnd.oci.image.layer.v1.tar"
		if compress {
			mt += "+gzip"
		}
		descs = append(descs, map[string]any{"mediaType": mt, "digest": "sha256:" + l.digest, "size": l.size})
	}
	if format == "docker" {
		m, _ := json.Marshal([]map[string]any{{"Config": "blobs/sha256/" + cfgDigest, "RepoTags": []string{"bench/big:1"}, "Layers": paths}})
		if err := add(tw, "manifest.json", m); err != nil {
			return err
		}
	} else {
		m, _ := json.Marshal(map[string]any{"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
			"config": map[string]any{"mediaType": "application/vnd.oci.image.config.v1+json", "digest": "sha256:" + cfgDigest, "size": len(cfg)}, "layers": descs})
		md := digest(m)
		idx, _ := json.Marshal(map[string]any{"schemaVersion": 2, "manifests": []map[string]any{{"mediaType": "application/vnd.oci.image.manifest.v1+json", "digest": "sha256:" + md, "size": len(m)}}})
		for name, b := range map[string][]byte{"blobs/sha256/" + md: m, "index.json": idx, "oci-layout": []byte(`{"imageLayoutVersion":"1.0.0"}`)} {
			if err := add(tw, name, b); err != nil {
				return err
			}
		}
	}
	return tw.Close()
}

type layerFile struct {
	path, digest string
	size         int64
}

func writeLayer(p string, compress bool, fill func(*tar.Writer) error) (layerFile, error) {
	f, err := os.Create(p)
	if err != nil {
		return layerFile{}, err
	}
	defer f.Close()
	h := sha256.New()
	var w io.Writer = io.MultiWriter(f, h)
	var zw *gzip.Writer
	if compress {
		zw, _ = gzip.NewWriterLevel(w, gzip.BestSpeed)
		w = zw
	}
	tw := tar.NewWriter(w)
	if err := fill(tw); err != nil {
		return layerFile{}, err
	}
	if err := tw.Close(); err != nil {
		return layerFile{}, err
	}
	if zw != nil {
		if err := zw.Close(); err != nil {
			return layerFile{}, err
		}
	}
	fi, err := f.Stat()
	if err != nil {
		return layerFile{}, err
	}
	return layerFile{p, hex.EncodeToString(h.Sum(nil)), fi.Size()}, nil
}

func add(tw *tar.Writer, name string, b []byte) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: int64(len(b)), Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	_, err := io.Copy(tw, bytes.NewReader(b))
	return err
}

func addFile(tw *tar.Writer, name, p string, size int64) error {
	if err := tw.WriteHeader(&tar.Header{Name: name, Mode: 0o644, Size: size, Typeflag: tar.TypeReg}); err != nil {
		return err
	}
	f, err := os.Open(p)
	if err != nil {
		return err
	}
	defer f.Close()
	_, err = io.Copy(tw, f)
	return err
}

func digest(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}
