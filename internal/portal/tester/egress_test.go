package tester

import (
	"errors"
	"net/netip"
	"testing"
)

// egressCases cover every refused class with an example inside and, where a
// neighbour is public, one just outside. Decisions only: nothing is dialed.
var egressCases = []struct {
	addr    string
	allowed bool // in production
	devOnly bool // allowed in Dev mode although refused in production
}{
	// Public addresses.
	{addr: "8.8.8.8", allowed: true},
	{addr: "52.94.236.248", allowed: true},
	{addr: "1.1.1.1", allowed: true},
	{addr: "2600:1f18::1", allowed: true},
	{addr: "2a00:1450:4001:830::200e", allowed: true},

	// Loopback: the only class Dev mode opens.
	{addr: "127.0.0.1", devOnly: true},
	{addr: "127.0.0.2", devOnly: true},
	{addr: "127.255.255.254", devOnly: true},
	{addr: "::1", devOnly: true},

	// Private.
	{addr: "10.0.0.1"},
	{addr: "10.255.255.255"},
	{addr: "172.16.0.1"},
	{addr: "172.31.255.254"},
	{addr: "172.15.255.255", allowed: true},
	{addr: "172.32.0.1", allowed: true},
	{addr: "192.168.1.1"},
	{addr: "192.169.0.1", allowed: true},

	// Link-local, the metadata service included.
	{addr: "169.254.169.254"},
	{addr: "169.254.0.1"},
	{addr: "fe80::1"},
	{addr: "fe80::1%eth0"},
	{addr: "febf::1"},

	// Unspecified and "this network".
	{addr: "0.0.0.0"},
	{addr: "0.1.2.3"},
	{addr: "::"},

	// IPv4-mapped IPv6, whatever it maps to.
	{addr: "::ffff:127.0.0.1"},
	{addr: "::ffff:10.0.0.1"},
	{addr: "::ffff:169.254.169.254"},
	{addr: "::ffff:8.8.8.8"},

	// Unique-local, the IPv6 metadata service included.
	{addr: "fc00::1"},
	{addr: "fd00::1"},
	{addr: "fd00:ec2::254"},

	// Metadata services of other clouds, and the AWS one in every IPv6
	// wrapping that could carry it.
	{addr: "100.100.100.200"},
	{addr: "192.0.0.192"},
	{addr: "::ffff:a9fe:a9fe"},
	{addr: "::a9fe:a9fe"},
	{addr: "64:ff9b::a9fe:a9fe"},
	{addr: "2002:a9fe:a9fe::1"},
	{addr: "2001:0:a9fe:a9fe::1"},
	{addr: "fe80::a9fe:a9fe"},
	{addr: "::ffff:7f00:1"},
	{addr: "::ffff:0.0.0.0"},

	// Carrier-grade NAT.
	{addr: "100.64.0.1"},
	{addr: "100.127.255.254"},
	{addr: "100.63.255.255", allowed: true},
	{addr: "100.128.0.1", allowed: true},

	// Multicast and broadcast.
	{addr: "224.0.0.1"},
	{addr: "239.255.255.250"},
	{addr: "255.255.255.255"},
	{addr: "ff02::1"},
	{addr: "ff0e::1"},

	// Reserved, documentation, benchmarking and translation ranges.
	{addr: "240.0.0.1"},
	{addr: "192.0.0.8"},
	{addr: "192.0.2.1"},
	{addr: "198.51.100.1"},
	{addr: "203.0.113.1"},
	{addr: "198.18.0.1"},
	{addr: "198.19.255.254"},
	{addr: "192.88.99.1"},
	{addr: "::7f00:1"},
	{addr: "64:ff9b::a00:1"},
	{addr: "64:ff9b:1::1"},
	{addr: "100::1"},
	{addr: "2001::1"},
	{addr: "2001:2::1"},
	{addr: "2001:db8::1"},
	{addr: "2002:a00:1::1"},
	{addr: "3fff::1"},
	{addr: "fec0::1"},
	{addr: "4000::1"},
	{addr: "1000::1"},
}

func TestCheckEgress(t *testing.T) {
	t.Parallel()
	for _, tc := range egressCases {
		t.Run(tc.addr, func(t *testing.T) {
			t.Parallel()
			err := CheckEgress(netip.MustParseAddr(tc.addr))
			if tc.allowed && err != nil {
				t.Errorf("CheckEgress(%s) = %v, want allowed", tc.addr, err)
			}
			if !tc.allowed {
				var egress *EgressError
				if !errors.As(err, &egress) || egress.Why == "" {
					t.Errorf("CheckEgress(%s) = %v, want an EgressError saying why", tc.addr, err)
				}
			}
		})
	}
}

func TestDevPolicyOpensLoopbackOnly(t *testing.T) {
	t.Parallel()
	dev := policy{dev: true}
	for _, tc := range egressCases {
		err := dev.check(netip.MustParseAddr(tc.addr))
		if want := tc.allowed || tc.devOnly; (err == nil) != want {
			t.Errorf("dev policy on %s = %v, want allowed=%t", tc.addr, err, want)
		}
	}
}

func TestCheckEgressRefusesTheZeroAddr(t *testing.T) {
	t.Parallel()
	if err := CheckEgress(netip.Addr{}); err == nil {
		t.Error("CheckEgress(invalid) = nil, want a refusal")
	}
}
