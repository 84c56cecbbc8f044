import { describe, expect, it } from 'vitest';
import { ibanValid, luhnValid, redactText } from '../../src/storage/redact.ts';

describe('redactText: masks', () => {
  it.each([
    ['write to ana.lopez+shop@mail.example.co.uk please', 'write to [email] please'],
    ['ANA@EXAMPLE.COM', '[email]'],
    ['josé@exämple.com', '[email]'],
    ['call +44 20 7946 0958', 'call [phone]'],
    ['call +1 (555) 123-4567 now', 'call [phone] now'],
    ['+33 6 12 34 56 78', '[phone]'],
    ['+4915112345678', '[phone]'],
    ['(555) 123-4567', '[phone]'],
    ['my number is 555-123-4567.', 'my number is [phone].'],
    ['555.123.4567', '[phone]'],
    ['5551234567', '[phone]'],
    ['1-800-555-0199', '[phone]'],
    ['ring 020 7946 0958 or 030 1234567', 'ring [phone] or [phone]'],
    ['Phone:555-123-4567', 'Phone:[phone]'],
    ['call 555-1234 tomorrow', 'call [phone] tomorrow'],
    ['call 555-123-4567 2 times', 'call [phone] 2 times'],
    ['card 4111 1111 1111 1111 exp 12/26', 'card [card] exp 12/26'],
    ['4111-1111-1111-1111', '[card]'],
    ['4111111111111111', '[card]'],
    ['card 4111.1111.1111.1111 please', 'card [card] please'], // issue 17 #5: dots as separators
    ['amex 3782.822463.10005.', 'amex [card].'],
    ['amex 3782 822463 10005', 'amex [card]'],
    ['diners 3056 9309 0259 04', 'diners [card]'],
    ['ref 12 4111 1111 1111 1111', 'ref 12 [card]'],
    ['4222222222222 (13 digits)', '[card] (13 digits)'],
    ['iban DE89 3704 0044 0532 0130 00, thanks', 'iban [iban], thanks'],
    ['GB82WEST12345698765432', '[iban]'],
    ['gb82 west 1234 5698 7654 32', '[iban]'],
    ['FR14 2004 1010 0505 0001 3M02 606', '[iban]'],
    ['a@b.io and +44 20 7946 0958 and 4111111111111111 and GB82WEST12345698765432', '[email] and [phone] and [card] and [iban]'],
  ])('%j → %j', (input, expected) => {
    expect(redactText(input)).toBe(expected);
  });
});

describe('redactText: leaves alone', () => {
  it.each([
    'order #48213 is late',
    'order 48213 is late',
    'order number 1234567',
    'see you at 11:30 or 9.45',
    'delivered 2024-05-12, 12/05/2024 or 12.05.2024',
    'it costs $1,299.00 or €3.50 or 45%',
    'zip 90210, year 2024, qty 3',
    'version 2.3.1 and build 20240512',
    'SKU-1234567890',
    'tracking 123456789012',
    'my card 4111 1111 1111 1112 is declined',
    '4111.1111.1111.1112 fails Luhn',
    'pi is 3.14159265358979',
    '4111111111111112',
    'GB82WEST12345698765433',
    'DE00 0000 0000 0000 0000 00',
    'no @ here',
    'an @mention and user@localhost',
    'I have 2 boxes and 3 bags',
    '[email] [phone] [card] [iban]',
    '',
  ])('%j', (input) => {
    expect(redactText(input)).toBe(input);
  });
});

describe('checks', () => {
  it('luhn', () => {
    expect(luhnValid('4111111111111111')).toBe(true);
    expect(luhnValid('5500005555555559')).toBe(true);
    expect(luhnValid('4111111111111112')).toBe(false);
    expect(luhnValid('')).toBe(false);
    expect(luhnValid('41x1')).toBe(false);
  });
  it('iban mod 97', () => {
    expect(ibanValid('DE89 3704 0044 0532 0130 00')).toBe(true);
    expect(ibanValid('NL91ABNA0417164300')).toBe(true);
    expect(ibanValid('NL91ABNA0417164301')).toBe(false);
    expect(ibanValid('NL91')).toBe(false);
  });
  it('is idempotent and keeps long text fast', () => {
    const text = 'a@b.io, 4111 1111 1111 1111, +44 20 7946 0958. '.repeat(200);
    expect(redactText(redactText(text))).toBe(redactText(text));
    const hostile = '1 '.repeat(20_000) + 'x';
    const start = performance.now();
    redactText(hostile);
    expect(performance.now() - start).toBeLessThan(2000);
  });
});
