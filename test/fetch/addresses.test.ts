import { describe, expect, it } from 'vitest';
import { addressProblem } from '../../src/fetch/addresses.ts';

describe('addressProblem', () => {
  it('allows public IPv4 and IPv6 unicast addresses', () => {
    for (const address of [
      '8.8.8.8',
      '93.184.216.34',
      '1.1.1.1',
      '2606:4700:4700::1111',
      '2a00:1450:4001:82a::200e',
      '::ffff:8.8.8.8',
      '64:ff9b::808:808',
    ]) {
      expect(addressProblem(address), address).toBeUndefined();
    }
  });

  it('refuses loopback, private, shared, link-local and "this network" IPv4', () => {
    expect(addressProblem('127.0.0.1')).toBe('loopback');
    expect(addressProblem('127.255.0.9')).toBe('loopback');
    expect(addressProblem('10.1.2.3')).toBe('private');
    expect(addressProblem('172.16.0.1')).toBe('private');
    expect(addressProblem('172.31.255.255')).toBe('private');
    expect(addressProblem('172.32.0.1')).toBeUndefined(); // just outside 172.16.0.0/12
    expect(addressProblem('192.168.1.1')).toBe('private');
    expect(addressProblem('100.64.0.1')).toBe('shared (carrier-grade NAT)');
    expect(addressProblem('169.254.169.254')).toBe('link-local'); // cloud metadata services
    expect(addressProblem('0.0.0.0')).toBe('"this network"');
  });

  it('refuses multicast, reserved, broadcast, documentation and benchmarking IPv4', () => {
    expect(addressProblem('224.0.0.1')).toBe('multicast');
    expect(addressProblem('239.255.255.250')).toBe('multicast');
    expect(addressProblem('240.0.0.1')).toBe('reserved');
    expect(addressProblem('255.255.255.255')).toBe('reserved');
    expect(addressProblem('192.0.2.10')).toBe('documentation');
    expect(addressProblem('198.51.100.7')).toBe('documentation');
    expect(addressProblem('203.0.113.5')).toBe('documentation');
    expect(addressProblem('198.18.0.1')).toBe('benchmarking');
    expect(addressProblem('192.0.0.8')).toBe('IETF protocol assignments');
  });

  it('refuses IPv6 loopback, unspecified, unique-local, link-local, multicast and reserved', () => {
    expect(addressProblem('::1')).toBe('loopback');
    expect(addressProblem('[::1]')).toBe('loopback');
    expect(addressProblem('::')).toBe('unspecified');
    expect(addressProblem('fc00::1')).toBe('unique-local');
    expect(addressProblem('fd12:3456:789a::1')).toBe('unique-local');
    expect(addressProblem('fe80::1')).toBe('link-local');
    expect(addressProblem('febf:ffff::1')).toBe('link-local');
    expect(addressProblem('fe80::1%eth0')).toBe('link-local (with a zone index)');
    expect(addressProblem('ff02::1')).toBe('multicast');
    expect(addressProblem('fec0::1')).toBe('reserved (not global unicast)'); // deprecated site-local
    expect(addressProblem('100::1')).toBe('reserved (not global unicast)'); // discard-only
    expect(addressProblem('::127.0.0.1')).toBe('reserved (not global unicast)'); // deprecated IPv4-compatible
    expect(addressProblem('2001:db8::1')).toBe('documentation');
    expect(addressProblem('2001:0:4136:e378::1')).toMatch(/^IETF protocol assignments/); // Teredo
  });

  it('judges an IPv4 address inside IPv6 (mapped, NAT64, 6to4) by the IPv4 address', () => {
    expect(addressProblem('::ffff:127.0.0.1')).toBe('loopback (IPv4 inside IPv6)');
    expect(addressProblem('::ffff:7f00:1')).toBe('loopback (IPv4 inside IPv6)');
    expect(addressProblem('::ffff:169.254.169.254')).toBe('link-local (IPv4 inside IPv6)');
    expect(addressProblem('64:ff9b::a00:1')).toBe('private (IPv4 inside IPv6)');
    expect(addressProblem('2002:c0a8:0101::1')).toBe('private (IPv4 inside IPv6)'); // 6to4 of 192.168.1.1
    expect(addressProblem('2002:0808:0808::1')).toBeUndefined();
  });

  it('anything that is not an IP address is refused', () => {
    expect(addressProblem('localhost')).toBe('not an IP address');
    expect(addressProblem('1.2.3')).toBe('not an IP address');
  });
});
