/**
 * Examples the project ships with the scorer, for every bot whatever its
 * corpus: questions no customer-service corpus covers (off-topic), requests
 * for a person, and frustration. A bot's own corpus and `--ood FILE` add to
 * them. Written from templates so each kind covers many phrasings (requests
 * for a person and frustration in builtin-person.ts and builtin-frustrated.ts); the
 * held-out phrasings the benchmarks score on are written separately
 * (bench/fixtures/understanding-*.jsonl) and never appear here.
 */
import { CALM } from './builtin-calm.ts';
import { ASKS_FOR_PERSON } from './builtin-person.ts';
import { FRUSTRATED } from './builtin-frustrated.ts';
import { expand } from './example-templates.ts';

const OFF_TOPIC = [
  ...expand(["what's the ", 'what is the ', 'tell me the ', 'do you know the '], ['capital of spain', 'population of china', 'tallest mountain in the world', 'meaning of life', 'speed of light', 'distance to the moon', 'boiling point of water', 'square root of 144', 'time in tokyo right now', 'score of the game last night']),
  ...expand(['how do i ', 'can you tell me how to ', 'what is the best way to '], ['bake sourdough bread', 'fix a leaking tap', 'learn to play guitar', 'lose weight fast', 'change a car tyre', 'train my puppy', 'write a cover letter', 'solve a quadratic equation', 'grow tomatoes', 'meditate', 'file my taxes', 'get over a breakup']),
  ...expand(['should i ', 'is it a good idea to '], ['buy bitcoin', 'invest in index funds', 'sell my apple shares', 'quit my job', 'move to canada', 'get a flu shot', 'adopt a cat', 'refinance my mortgage']),
  ...expand(['who ', 'who was the person who '], ['wrote hamlet', 'painted the mona lisa', 'invented the telephone', 'won the world cup in 2014', 'discovered penicillin', 'was the first person on the moon']),
  ...expand(["what's the weather ", 'will it rain ', 'how hot will it be '], ['tomorrow', 'in paris this weekend', 'today in new york', 'next week']),
  ...expand(['tell me ', 'can you tell me ', 'i want to hear '], ['a joke', 'a bedtime story', 'a fun fact about octopuses', 'a poem about the sea', 'something interesting']),
  ...expand(['translate ', 'how do you say '], ['good morning into french', 'thank you in japanese', 'where is the train station in german']),
  ...expand(['what are the symptoms of ', 'how do i treat ', 'is it dangerous to have '], ['a migraine', 'the flu', 'high blood pressure', 'a sprained ankle', 'diabetes']),
  ...expand(['recommend ', 'can you suggest '], ['a good movie to watch tonight', 'a book about history', 'a restaurant near the station', 'a podcast about science', 'a holiday destination in europe']),
  'what is 17 times 23', 'how many prime numbers are there below 100', 'convert 30 celsius to fahrenheit', 'set an alarm for 7 am',
  'play some music', 'turn off the lights in the kitchen', "what's the exchange rate of the dollar to the yen", 'is the stock market going up',
  'who is the president of france', 'when is the next solar eclipse', 'how old is the universe', 'why is the sky blue',
  'what does a black hole look like', 'how many calories are in an avocado', 'can dogs eat chocolate', 'what rhymes with orange',
  'do you believe in god', 'are you conscious', 'what is your favourite colour', 'will you marry me', "what's my horoscope for today",
  'help me with my chemistry homework', 'write me an essay about climate change', 'book me a flight to rome', 'call a taxi for me',
  "what's the best football team in england", 'explain quantum physics', 'how do vaccines work', 'what is the gdp of germany',
  'find me a plumber', 'how long should i boil an egg', 'what year did the second world war end', 'how tall is the eiffel tower',
];

/** The built-in examples by kind. */
export const BUILTIN_EXAMPLES: Readonly<Record<'off-topic' | 'asks-for-person' | 'frustrated' | 'calm', readonly string[]>> = {
  'off-topic': OFF_TOPIC,
  'asks-for-person': ASKS_FOR_PERSON,
  frustrated: FRUSTRATED,
  calm: CALM,
};
