package main

import (
	"fmt"
	"os"
	"strconv"
	"strings"
)

// memTotal is the machine's memory as /proc/meminfo reports it.
func memTotal() string {
	b, err := os.ReadFile("/proc/meminfo")
	if err != nil {
		return "memory ?"
	}
	for line := range strings.SplitSeq(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "MemTotal:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			if err == nil {
				return fmt.Sprintf("%.1f GiB memory", float64(kb)/(1<<20))
			}
		}
	}
	return "memory ?"
}
