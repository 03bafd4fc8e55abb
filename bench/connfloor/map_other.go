//go:build !unix

package main

import "os"

// mapFile reads the file whole where there is no mmap.
func mapFile(name string) ([]byte, error) { return os.ReadFile(name) }
