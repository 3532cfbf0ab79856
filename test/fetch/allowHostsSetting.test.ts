import { describe, expect, it } from 'vitest';
import { ConfigError, loadSettings } from '../../src/config.ts';

describe('the FETCH_ALLOW_HOSTS setting', () => {
  it('is empty by default and reads comma-separated names and addresses, lower-cased', () => {
    expect(loadSettings({}).fetchAllowHosts).toEqual([]);
    expect(loadSettings({ FETCH_ALLOW_HOSTS: ' Localhost, 127.0.0.1 ,[::1],wiki.intra.example,' }).fetchAllowHosts).toEqual([
      'localhost',
      '127.0.0.1',
      '::1',
      'wiki.intra.example',
    ]);
  });

  it('refuses a URL, a port or a path with one line, without echoing the value', () => {
    for (const value of ['http://wiki.example', 'wiki.example:8080', 'wiki.example/path']) {
      expect(() => loadSettings({ FETCH_ALLOW_HOSTS: value })).toThrow(ConfigError);
      expect(() => loadSettings({ FETCH_ALLOW_HOSTS: value })).toThrow(
        /^FETCH_ALLOW_HOSTS must be comma-separated host names or IP addresses/,
      );
    }
  });
});
