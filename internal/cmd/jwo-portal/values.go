package main

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/netip"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/justwalkout/terraform-provider-jwo/internal/jwo"
)

// The flag package's own errors for ints and durations end in "parse
// error"; these values say what to type instead. flag prefixes each message
// with `invalid value "X" for flag -NAME: `.

// durationValue is a non-negative time.Duration.
type durationValue time.Duration

func (d *durationValue) String() string { return time.Duration(*d).String() }

func (d *durationValue) Set(s string) error {
	v, err := time.ParseDuration(s)
	if err != nil || v < 0 {
		return errors.New("use a duration such as 250ms, 2s or 1m30s")
	}
	*d = durationValue(v)
	return nil
}

// countValue is a non-negative int.
type countValue int

func (n *countValue) String() string { return strconv.Itoa(int(*n)) }

func (n *countValue) Set(s string) error {
	v, err := strconv.Atoi(s)
	if err != nil || v < 0 {
		return errors.New("use a whole number, 0 or more")
	}
	*n = countValue(v)
	return nil
}

// failValue collects repeated --fail METHOD=STATUS flags.
type failValue map[jwo.Method]int

func (f failValue) String() string {
	parts := make([]string, 0, len(f))
	for _, m := range jwo.Methods {
		if code, ok := f[m]; ok {
			parts = append(parts, fmt.Sprintf("%s=%d", m, code))
		}
	}
	return strings.Join(parts, ",")
}

func (f failValue) Set(s string) error {
	name, status, ok := strings.Cut(s, "=")
	if !ok {
		return errors.New("use METHOD=STATUS, e.g. ORDERING=503")
	}
	m, err := jwo.ParseMethod(strings.TrimSpace(name))
	if err != nil {
		return err
	}
	code, err := strconv.Atoi(strings.TrimSpace(status))
	if err != nil || code < 100 || code > 599 {
		return fmt.Errorf("status %q is not an HTTP status: use 100-599, e.g. %s=503", status, m)
	}
	if _, dup := f[m]; dup {
		return fmt.Errorf("%s is given twice: give one --fail per method", m)
	}
	f[m] = code
	return nil
}

// envOr is the environment's value of key, or def when it is unset or empty.
func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// checkAddr accepts HOST:PORT, including port 0 (any free port).
func checkAddr(cmd, addr string) error {
	_, port, err := net.SplitHostPort(addr)
	if err == nil {
		if _, perr := strconv.ParseUint(port, 10, 16); perr != nil {
			err = perr
		}
	}
	if err != nil {
		return usagef(cmd, "--addr %q is not HOST:PORT: use e.g. 127.0.0.1:8787, or port 0 for any free port", addr)
	}
	return nil
}

// levelValue is a log level by its slog name, in any letter case.
type levelValue slog.Level

func (l *levelValue) String() string { return strings.ToLower(slog.Level(*l).String()) }

func (l *levelValue) Set(s string) error {
	for _, lv := range []slog.Level{slog.LevelDebug, slog.LevelInfo, slog.LevelWarn, slog.LevelError} {
		if strings.EqualFold(s, lv.String()) {
			*l = levelValue(lv)
			return nil
		}
	}
	return errors.New("use debug, info, warn or error")
}

// prefixList collects repeated CIDR flags; a bare address is its own /32
// or /128.
type prefixList []netip.Prefix

func (l *prefixList) String() string {
	parts := make([]string, len(*l))
	for i, p := range *l {
		parts[i] = p.String()
	}
	return strings.Join(parts, ",")
}

func (l *prefixList) Set(s string) error {
	p, err := netip.ParsePrefix(s)
	if err != nil {
		a, aerr := netip.ParseAddr(s)
		if aerr != nil {
			return errors.New("use a CIDR block such as 10.20.0.0/16 or fd12::/48, or one address")
		}
		p = netip.PrefixFrom(a, a.BitLen())
	}
	*l = append(*l, p.Masked())
	return nil
}

// caseList collects repeated --violate CASE_ID flags, each a conformance
// case id.
type caseList []string

func (l *caseList) String() string { return strings.Join(*l, ",") }

func (l *caseList) Set(s string) error {
	if _, err := jwo.FindCase(s); err != nil {
		return err
	}
	if !slices.Contains(*l, s) {
		*l = append(*l, s)
	}
	return nil
}
