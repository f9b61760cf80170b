import { describe, expect, it } from 'vitest';
import { BrokerError, brokerUrlFrom, parseBrokerUrl, redactText } from '../../src-main/queue/broker-url.js';
import { exitCodeFor } from '../../src-main/cli/common.js';

describe('parseBrokerUrl', () => {
  it('redis://:secret@10.0.0.5:6380/2 -> host, port, db, password; redacted hides the password', () => {
    const b = parseBrokerUrl('redis://:secret@10.0.0.5:6380/2');
    expect(b).toMatchObject({ tls: false, host: '10.0.0.5', port: 6380, db: 2, username: null, password: 'secret' });
    expect(b.redacted).toBe('redis://:***@10.0.0.5:6380/2');
  });
  it('rediss://u:p@[::1]:7000 -> tls, IPv6 host, db 0', () => {
    expect(parseBrokerUrl('rediss://u:p@[::1]:7000')).toMatchObject({ tls: true, host: '::1', port: 7000, db: 0, username: 'u', password: 'p', redacted: 'rediss://u:***@[::1]:7000' });
  });
  it('redis://h (no port) -> port 6379', () => {
    expect(parseBrokerUrl('redis://h').port).toBe(6379);
  });
  it.each([
    ['http://127.0.0.1:6379', /scheme "http:" is not a broker/],
    ['redis://127.0.0.1:99999', /port "99999" is out of range/],
    ['redis://127.0.0.1:0', /port "0" is out of range/],
    ['redis://:pw@:6379', /host is missing/],
    ['redis://h:6379/x', /database "x" is not an integer/],
    ['redis://h:6379/1?x=1', /no query or fragment/],
    ['not a url', /not a URL/],
  ])('%s is refused: %s', (url, why) => {
    expect(() => parseBrokerUrl(url)).toThrow(BrokerError);
    expect(() => parseBrokerUrl(url)).toThrow(why);
  });
  it('an error quotes the URL with its password redacted', () => {
    expect(() => parseBrokerUrl('redis://:topsecret@h:99999')).toThrow('redis://:***@h:99999');
    expect(() => parseBrokerUrl('redis://:topsecret@h:99999')).not.toThrow(/topsecret/);
  });
  it('a BrokerError exits 2 (usage)', () => {
    expect(exitCodeFor(new BrokerError('x'))).toBe(2);
  });
});

describe('brokerUrlFrom', () => {
  it('the flag wins over ASCL_BROKER; an empty ASCL_BROKER is no broker', () => {
    expect(brokerUrlFrom('redis://a', { ASCL_BROKER: 'redis://b' })).toBe('redis://a');
    expect(brokerUrlFrom(undefined, { ASCL_BROKER: 'redis://b' })).toBe('redis://b');
    expect(brokerUrlFrom(undefined, { ASCL_BROKER: ' ' })).toBeNull();
    expect(brokerUrlFrom(undefined, {})).toBeNull();
  });
  it('redactText hides passwords of URLs in a sentence', () => {
    expect(redactText('failed at redis://:pw@h:1 and rediss://u:p2@k:2/0')).toBe('failed at redis://:***@h:1 and rediss://u:***@k:2/0');
  });
});
