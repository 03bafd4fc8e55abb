package main

import (
	"bytes"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// pages logs in and fetches each path -n times, -c at a time, after one
// untimed warm-up fetch of each.
func pages(args []string) error {
	fs := flag.NewFlagSet("pages", flag.ContinueOnError)
	server := fs.String("server", "http://127.0.0.1:8080", "server URL")
	user := fs.String("user", "admin", "user name")
	pwFile := fs.String("password-file", "", "file holding the password")
	n := fs.Int("n", 200, "fetches of each path")
	conc := fs.Int("c", 4, "concurrent fetches")
	stop := fs.String("stop", "", "fetch the paths in turn until this file exists (instead of -n of each)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	pw, err := os.ReadFile(*pwFile)
	if err != nil {
		return err
	}
	jar, _ := cookiejar.New(nil)
	client := &http.Client{Jar: jar, Timeout: time.Minute,
		Transport: &http.Transport{MaxIdleConnsPerHost: *conc}}
	login, _ := json.Marshal(map[string]string{"username": *user, "password": strings.TrimSpace(string(pw))})
	resp, err := client.Post(*server+"/api/v1/login", "application/json", bytes.NewReader(login))
	if err != nil {
		return err
	}
	if err := decode(resp, http.StatusOK, nil); err != nil {
		return fmt.Errorf("login: %w", err)
	}
	resp.Body.Close()
	if *stop != "" {
		return pagesUntil(client, *server, fs.Args(), *conc, *stop)
	}
	for _, path := range fs.Args() {
		if err := fetch(client, *server+path); err != nil {
			return fmt.Errorf("%s: %w", path, err)
		}
		start := time.Now()
		lat, failed := measure(*n, *conc, func(int) (time.Duration, error) {
			t0 := time.Now()
			if err := fetch(client, *server+path); err != nil {
				return 0, fmt.Errorf("%s: %w", path, err)
			}
			return time.Since(t0), nil
		})
		summary("Page"+benchName(path), lat, time.Since(start), failed)
	}
	return nil
}

func fetch(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s", resp.Status)
	}
	return nil
}

// benchName turns a path into a benchmark name: "/" is "/overview".
func benchName(path string) string {
	if path == "/" {
		return "/overview"
	}
	return strings.ReplaceAll(path, "?", "_")
}

// pagesUntil fetches the paths in turn, conc at a time, until the file
// stop exists, and sums up each path's fetches.
func pagesUntil(client *http.Client, server string, paths []string, conc int, stop string) error {
	var mu sync.Mutex
	lat := make([][]time.Duration, len(paths))
	failed := make([]int, len(paths))
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range conc {
		wg.Go(func() {
			for {
				if _, err := os.Stat(stop); err == nil {
					return
				}
				i := int(next.Add(1)-1) % len(paths)
				t0 := time.Now()
				err := fetch(client, server+paths[i])
				d := time.Since(t0)
				mu.Lock()
				if err != nil {
					fmt.Fprintln(os.Stderr, "fleetload:", paths[i], err)
					failed[i]++
				} else {
					lat[i] = append(lat[i], d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	for i, p := range paths {
		summary("Page"+benchName(p), lat[i], time.Since(start), failed[i])
	}
	return nil
}
