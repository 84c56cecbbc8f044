import { describe, expect, it } from 'vitest';
import type { Turn } from '../../src/data/dialogue.ts';
import { checkReply, ClaimIndex, extractFacts, factSupport, supportedFactCount } from '../../src/facts/index.ts';

const facts = (text: string) => extractFacts(text).map((f) => [f.kind, f.text]);

describe('extractFacts', () => {
  it('finds phone numbers, order numbers and other digit strings', () => {
    expect(facts('The contact number is +1 202-873-4569.')).toEqual([['phone', '+1 202-873-4569']]);
    expect(facts('Order #48213 has 2 items; call (408) 247-8880.')).toEqual([['number', '#48213'], ['number', '2'], ['phone', '(408) 247-8880']]);
  });

  it('finds amounts with their currency, times and dates', () => {
    expect(facts('It costs $25.99, or 30 euros, at 4:30 pm on March 7th (2019-03-07).')).toEqual([
      ['money', '$25.99'], ['money', '30 euros'], ['time', '4:30 pm'], ['date', 'March 7th'], ['date', '2019-03-07'],
    ]);
  });

  it('finds e-mails and URLs', () => {
    expect(facts('Write to help@shop.example or see https://shop.example/returns.')).toEqual([['email', 'help@shop.example'], ['url', 'https://shop.example/returns']]);
  });

  it('finds multi-word names but not the word opening a sentence', () => {
    expect(facts('A standard Chevrolet Cruze is available at Union Station. Thanks for waiting, I will hold it.')).toEqual([
      ['name', 'Chevrolet Cruze'], ['name', 'Union Station'],
    ]);
    expect(facts('Your appointment has been confirmed.')).toEqual([]);
    expect(facts('The Hilton Tower has rooms.')).toEqual([['name', 'Hilton Tower']]);
  });

  it('opens a sentence after a time that ends it, and reads a temperature\'s unit as no name', () => {
    expect(facts('It leaves at 5:50 pm. It costs $328.')).toEqual([['time', '5:50 pm.'], ['money', '$328']]);
    expect(facts('Expect 58 degrees Fahrenheit.')).toEqual([['number', '58']]);
  });

  it('keeps a name whole when its first word opens the sentence', () => {
    expect(facts('Doubletree By Hilton Hotel has rooms.')).toEqual([['name', 'Doubletree By Hilton Hotel']]);
    expect(facts('Glad I could help.')).toEqual([]);
  });
});

describe('a name opening a sentence', () => {
  const hotel = factSupport([
    { speaker: 'user', text: 'can you book a hotel in portland for me?' },
    { speaker: 'action', text: '', name: 'SearchHotel', parameters: { city: 'Portland' }, results: [{ hotel_name: 'Doubletree By Hilton Hotel Portland' }, { hotel_name: 'Hilton Tower' }] },
  ]);

  it('passes the name the action answered, and an ordinary first word before one', () => {
    expect(checkReply('Doubletree By Hilton Hotel Portland has rooms.', hotel).passed).toBe(true);
    expect(checkReply('Book Hilton Tower then?', hotel).passed).toBe(true);
    expect(checkReply('The Hilton Tower is nice.', hotel).passed).toBe(true);
    expect(checkReply('Reserve the Hilton Tower?', factSupport([{ speaker: 'user', text: 'reserve a room' }, { speaker: 'bot', text: 'At the Hilton Tower?' }])).passed).toBe(true);
  });

  it('stops a name invented around a held one', () => {
    expect(checkReply('Doublett By Hilton Hotel Portland has rooms.', hotel).unsupported).toEqual(['Doublett By Hilton Hotel Portland']);
    // where it goes wrong: its first word, so a candidate written under the check changes that word
    expect(hotel.violationAt('Doublett By Hilton Hotel Portland has rooms.', true)).toEqual({ from: 0, to: 1 });
    expect(hotel.violationAt('Book Hilton Palace then?', true)?.from).toBe('Book Hilton '.length);
    expect(hotel.violationAt('Book Marriott then?', true)?.from).toBe('Book '.length);
  });
});

describe('checkReply', () => {
  const conversation: Turn[] = [
    { speaker: 'user', text: 'book sino in san jose for 2 at half past 11 please' },
    { speaker: 'action', text: '', name: 'ReserveRestaurant', parameters: { time: '11:30', date: '2019-03-01' }, results: [{ restaurant_name: 'Sino', phone_number: '408-247-8880', price: '25.00' }] },
  ];
  const support = factSupport(conversation, ['Harbor Outfitters', '+1 800 555 0199']);

  it('passes facts the conversation holds in another form', () => {
    expect(checkReply('Your table at Sino in San Jose is booked for 11:30 am on March 1st for 2. Call 408 247 8880; it is $25.', support)).toEqual({ passed: true, unsupported: [] });
  });

  it('passes names the user typed in lower case and facts on the allowlist', () => {
    expect(checkReply('Thanks for choosing Harbor Outfitters, call +1 800 555 0199 anytime. Enjoy San Jose!', support).passed).toBe(true);
  });

  it('lists every invented fact', () => {
    const r = checkReply('Your table at Sino is booked for 12:30 pm on March 2nd. The contact number is +1 202-873-4569, or visit Union Station.', support);
    expect(r.passed).toBe(false);
    expect(r.unsupported).toEqual(['12:30 pm', 'March 2nd', '+1 202-873-4569', 'Union Station']);
  });

  it('passes how many records an action found, and no other count', () => {
    const search = factSupport([{ speaker: 'user', text: 'hotels in oslo?' }, { speaker: 'action', text: '', name: 'FindHotels', parameters: { city: 'Oslo' }, results: [{ name: 'Thon' }, { name: 'Scandic' }, { name: 'Radisson' }] }]);
    expect(checkReply('I found 3 hotels. How about Thon?', search).passed).toBe(true);
    expect(checkReply('I found 4 hotels. How about Thon?', search).unsupported).toEqual(['4']);
  });

  it('does not let a failed lookup support a fact', () => {
    const failed = factSupport([{ speaker: 'user', text: 'where is my order 48213?' }, { speaker: 'action', text: '', name: 'order_status', parameters: { order: '48213' }, error: 'timed out' }]);
    expect(checkReply('Order 48213 ships on August 24.', failed).unsupported).toEqual(['August 24']);
    expect(checkReply("Sorry, I couldn't look up order 48213 right now.", failed).passed).toBe(true);
  });

  it('does not let a number the user corrected support a fact once the corrected one was found', () => {
    const lookup = (order: string, found: boolean): Turn => ({ speaker: 'action', text: '', name: 'order_status', parameters: { order }, results: found ? [{ order, status: 'delivered' }] : [] });
    const typo: Turn[] = [{ speaker: 'user', text: '#63734' }, lookup('63734', false), { speaker: 'bot', text: "I can't find an order #63734." }];
    // right after the failed lookup the number is still what the customer asked about
    expect(checkReply("I can't find an order #63734.", factSupport(typo)).passed).toBe(true);
    const corrected = factSupport([...typo, { speaker: 'user', text: "oops, it's #63743" }, lookup('63743', true)]);
    expect(checkReply('Order #63743 was delivered.', corrected).passed).toBe(true);
    expect(checkReply('Order #63734 was delivered.', corrected).unsupported).toEqual(['#63734']);
    // a retry that found nothing either corrects nothing
    const retried = factSupport([...typo, { speaker: 'user', text: 'try 63743' }, lookup('63743', false)]);
    expect(checkReply("I can't find #63734 or #63743.", retried).passed).toBe(true);
  });

  it('catches a reply confirming what the action could not do', () => {
    const failed = factSupport([{ speaker: 'user', text: 'book the dentist for tomorrow' }, { speaker: 'action', text: '', name: 'BookAppointment', parameters: { date: 'tomorrow' }, results: [] }]);
    const done = factSupport([{ speaker: 'user', text: 'book the dentist for tomorrow' }, { speaker: 'action', text: '', name: 'BookAppointment', parameters: { date: 'tomorrow' }, results: [{ booked: 'True' }] }]);

    expect(checkReply('Your appointment has been confirmed.', failed)).toEqual({ passed: false, unsupported: ['confirmation of a failed action'] });
    expect(checkReply("Sorry, I couldn't book an appointment.", failed).passed).toBe(true);
    expect(checkReply('Your appointment has been confirmed.', done).passed).toBe(true);
  });
});

describe('supportedFactCount: how much of what the conversation holds a reply tells', () => {
  const flights: Turn = { speaker: 'action', text: '', name: 'find_flights', parameters: { destination: 'Seattle' }, results: [{ airline: 'Delta Airlines', departure_time: '14:25', price: '85' }] };
  const support = factSupport([{ speaker: 'user', text: 'My name is Ana. Flights to seattle?' }, flights]);

  it('counts each held fact once, in the form replies say it, whoever said it first', () => {
    expect(supportedFactCount('How about Delta Airlines, Ana? It leaves at 2:25 pm and costs $85.', support)).toBe(4);
    expect(supportedFactCount('Delta Airlines, Delta Airlines, Delta Airlines.', support)).toBe(1);
    expect(supportedFactCount('Is there anything else?', support)).toBe(0);
  });

  it('does not count what nothing holds', () => {
    expect(supportedFactCount('United Airlines leaves at 9:10 am for $120.', support)).toBe(0);
  });
});

describe('codes', () => {
  it('reads a tracking number as one fact, not digits and a name', () => {
    expect(facts('Track 1ZA420101543789876 on the UPS site.')).toEqual([['number', '1ZA420101543789876'], ['name', 'UPS']]);
  });

  it('supports a code the lookup returned, and not one that differs in a character', () => {
    const support = factSupport([{ speaker: 'action', text: '', name: 'order_status', parameters: { order: '48213' }, results: [{ tracking: '1ZA420101543789876' }] }]);
    expect(checkReply('Your tracking number is 1ZA420101543789876.', support).passed).toBe(true);
    expect(checkReply('Your tracking number is 1ZA420101543789877.', support).unsupported).toEqual(['1ZA420101543789877']);
  });
});

describe('violationAt: where a reply being written goes wrong', () => {
  const lookup: Turn[] = [
    { speaker: 'user', text: 'where is order 48213? I am near Union Station' },
    { speaker: 'action', text: '', name: 'order_status', parameters: { order: '48213' }, results: [{ order: '48213', status: 'delivered', delivered: 'September 16' }] },
  ];
  const claims = new ClaimIndex([{ action: 'order_status', field: 'status', value: 'shipped', phrase: 'in transit', support: 40 }]);
  const support = factSupport(lookup, [], claims);
  /** The text from where the violation starts to where it ends. */
  const wrong = (text: string, finished = false) => {
    const v = support.violationAt(text, finished);
    return v && text.slice(v.from, v.to);
  };

  it('waits while a number may still grow into a supported one, and points at the digit that leads away', () => {
    expect(wrong('Order 482')).toBeUndefined();
    expect(wrong('Order 48213 is')).toBeUndefined();
    expect(wrong('Order 48219 is')).toBe('9');
    expect(wrong('Order 58213 is')).toBe('5');
  });

  it('points past a number that stopped short of a supported one, and at the end when the reply ends there', () => {
    expect(wrong('Order 4821 is')).toBe(' ');
    expect(support.violationAt('Order 4821', true)).toEqual({ from: 10, to: 11 });
  });

  it('points at the first word of a name the conversation does not hold', () => {
    expect(wrong('Pick it up at Union Square today')).toBe('S');
    expect(wrong('Pick it up at Union Station today')).toBeUndefined();
  });

  it('points at the month a date gets wrong, or at its day', () => {
    expect(wrong('It arrived on February 16.')).toBe('F');
    expect(wrong('It arrived on September 18.')).toBe('8');
    expect(wrong('It arrived on September 16.')).toBeUndefined();
  });

  it('points at a contradicting phrase and the word before it', () => {
    expect(wrong('Order 48213 is in transit now')).toBe('is in transit');
  });

  it('agrees with checkReply on a finished reply', () => {
    for (const reply of ['Order 48213 was delivered on September 16.', 'Order 48213 is in transit.', 'Order 4821 was delivered.', 'Call 555-0199.']) {
      expect(support.violationAt(reply, true) === undefined).toBe(checkReply(reply, support).passed);
    }
  });
});
