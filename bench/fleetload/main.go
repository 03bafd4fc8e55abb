// Command fleetload drives a running `embargo serve` for the fleet
// benchmarks of BENCHMARKS.md (bench/fleet.sh runs it):
//
//	fleetload status -items 2000 > status        a dpkg status file of N packages,
//	                                             a few of them a restricted supplier's
//	fleetload upload -server URL -tokens FILE -report scan.json -hosts 10000 -c 8
//	                                             simulated agents: each enrols with one of
//	                                             the tokens (one per line, round robin)
//	                                             and uploads the report as its own
//	fleetload pages -server URL -user U -password-file F -n 200 -c 4 PATH...
//	                                             logs in and fetches the pages
//
// upload and pages print one line in the Go benchmark format per
// measurement (requests/s, p50, p95, p99 in milliseconds) for
// bench/benchratio and benchstat.
package main

import (
	"fmt"
	"os"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: fleetload status|upload|pages [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "status":
		err = status(os.Args[2:])
	case "upload":
		err = upload(os.Args[2:])
	case "pages":
		err = pages(os.Args[2:])
	default:
		err = fmt.Errorf("unknown command %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "fleetload:", err)
		os.Exit(1)
	}
}

// measure runs job(i) for i in [0, n), conc at a time, and returns how
// long each successful job took (as job reports it) and how many failed.
func measure(n, conc int, job func(i int) (time.Duration, error)) ([]time.Duration, int) {
	var (
		mu     sync.Mutex
		lat    []time.Duration
		failed int
		next   atomic.Int64
		wg     sync.WaitGroup
	)
	for range conc {
		wg.Go(func() {
			for {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				d, err := job(i)
				mu.Lock()
				if err != nil {
					fmt.Fprintln(os.Stderr, "fleetload:", err)
					failed++
				} else {
					lat = append(lat, d)
				}
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return lat, failed
}

// summary prints a measurement: count, rate over wall, and latency
// quantiles.
func summary(name string, lat []time.Duration, wall time.Duration, failed int) {
	slices.Sort(lat)
	q := func(p float64) float64 {
		if len(lat) == 0 {
			return 0
		}
		i := int(p * float64(len(lat)-1))
		return float64(lat[i]) / float64(time.Millisecond)
	}
	fmt.Printf("Benchmark%s %d %.1f req/s %.2f p50-ms %.2f p95-ms %.2f p99-ms %d failed %.2f wall-s\n",
		name, len(lat), float64(len(lat))/wall.Seconds(), q(0.50), q(0.95), q(0.99), failed, wall.Seconds())
}
