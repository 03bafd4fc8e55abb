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
