// Command treegen writes the deterministic file tree of the host-walk
// benchmark (bench/walk.sh): n small files (0-2 KiB) in a tree shaped like
// a system's — a few top folders, fan-out of 6 to 14 per level, leaves at
// depth 3 to 6 holding 1 to 99 files — plus the files some collectors
// want, where they live on a real system: a dpkg database of 1,000
// packages (kesl among them), systemd units, a Chrome extension, a macOS
// application bundle and launchd plist, a program under Program Files.
//
//	go run ./bench/treegen -n 200000 -o DIR
package main

import (
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
)

func main() {
	n := flag.Int("n", 200000, "number of small files (the planted files come on top)")
	out := flag.String("o", "", "folder to create (must not exist)")
	seed := flag.Uint64("seed", 1, "random seed")
	flag.Parse()
	if *out == "" {
		flag.Usage()
		os.Exit(2)
	}
	if err := generate(*out, *n, *seed); err != nil {
		fmt.Fprintln(os.Stderr, "treegen:", err)
		os.Exit(1)
	}
}

var tops = []string{"usr", "opt", "home", "srv", "var"}

func generate(root string, n int, seed uint64) error {
	if _, err := os.Stat(root); err == nil {
		return fmt.Errorf("%s exists", root)
	}
	rng := rand.New(rand.NewPCG(seed, 2))
	buf := make([]byte, 2048)
	for i := range buf {
		buf[i] = "abcdefghijklmnopqrstuvwxyz0123456789 \n"[rng.IntN(38)]
	}
	written := 0
	// Walk a random tree depth first until n files are written.
	var fill func(dir string, depth int) error
	fill = func(dir string, depth int) error {
		if err := os.MkdirAll(dir, 0o755); err != nil {
			return err
		}
		leaf := depth >= 3 && (depth == 6 || rng.IntN(3) == 0)
		files := rng.IntN(6)
		if leaf {
			files = 1 + rng.IntN(99)
		}
		for i := 0; i < files && written < n; i++ {
			name := filepath.Join(dir, fmt.Sprintf("f%03d%s", i, []string{".txt", ".so", ".py", ".h", ".gz", ""}[rng.IntN(6)]))
			if err := os.WriteFile(name, buf[:rng.IntN(len(buf))], 0o644); err != nil {
				return err
			}
			written++
		}
		if leaf {
			return nil
		}
		subs := 6 + rng.IntN(9)
		for i := 0; i < subs && written < n; i++ {
			if err := fill(filepath.Join(dir, fmt.Sprintf("d%02d", i)), depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	for round := 0; written < n; round++ {
		for _, top := range tops {
			if err := fill(filepath.Join(root, top, fmt.Sprintf("g%d", round)), 1); err != nil {
				return err
			}
		}
	}
	return plant(root)
}

// plant writes the files that collectors want.
func plant(root string) error {
	var status strings.Builder
	for i := range 1000 {
		name := fmt.Sprintf("pkg%04d", i)
		maint := "Debian Developers <debian-devel@lists.debian.org>"
		if i == 500 {
			name, maint = "kesl", "AO Kaspersky Lab <support@example.invalid>"
		}
		fmt.Fprintf(&status, "Package: %s\nStatus: install ok installed\nPriority: optional\nSection: utils\nInstalled-Size: %d\nMaintainer: %s\nArchitecture: amd64\nVersion: 1.%d-1\nDescription: package %d\n a longer description line\n\n", name, 100+i, maint, i, i)
	}
	ext := "abcdefghijklmnopabcdefghijklmnop"
	files := map[string]string{
		"var/lib/dpkg/status":             status.String(),
		"etc/systemd/system/kesl.service": "[Unit]\nDescription=Kaspersky Endpoint Security\n[Service]\nExecStart=/opt/kaspersky/kesl/libexec/kesl\n",
		"lib/systemd/system/ssh.service":  "[Unit]\nDescription=OpenBSD Secure Shell server\n[Service]\nExecStart=/usr/sbin/sshd -D\n",
		"home/user/.config/google-chrome/Default/Extensions/" + ext + "/1.0_0/manifest.json": `{"manifest_version": 3, "name": "Example", "version": "1.0"}`,
		"Applications/Example.app/Contents/Info.plist": `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>CFBundleIdentifier</key><string>com.example.app</string><key>CFBundleName</key><string>Example</string><key>CFBundleShortVersionString</key><string>1.0</string></dict></plist>
`,
		"Library/LaunchDaemons/com.example.agent.plist": `<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0"><dict><key>Label</key><string>com.example.agent</string><key>Program</key><string>/usr/local/bin/agent</string></dict></plist>
`,
		"Program Files/Example/example.exe": "MZ not really a program",
	}
	for p, body := range files {
		full := filepath.Join(root, filepath.FromSlash(p))
		if err := os.MkdirAll(filepath.Dir(full), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(full, []byte(body), 0o644); err != nil {
			return err
		}
	}
	return nil
}
