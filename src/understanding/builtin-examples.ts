/**
 * Examples the project ships with the scorer, for every bot whatever its
 * corpus: questions no customer-service corpus covers (off-topic), requests
 * for a person, and frustration. A bot's own corpus and `--ood FILE` add to
 * them. Written from templates so each kind covers many phrasings; the
 * held-out phrasings the benchmarks score on are written separately
 * (bench/fixtures/understanding-*.jsonl) and never appear here.
 */

/** Every combination of the parts, in order: `expand(['a ', 'b '], ['x', 'y'])` → a x, a y, b x, b y. */
function expand(...parts: string[][]): string[] {
  return parts.reduce<string[]>((acc, options) => acc.flatMap((a) => options.map((o) => a + o)), ['']);
}

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

const ASKS_FOR_PERSON = [
  ...expand(['can i ', 'could i ', 'i want to ', "i'd like to ", 'i need to ', 'let me '], ['talk to a human', 'speak to a real person', 'speak with an agent', 'talk to someone', 'chat with a person', 'speak to a manager', 'talk to customer service', 'speak to somebody real']),
  ...expand(['get me ', 'put me through to ', 'connect me to ', 'transfer me to ', 'i want '], ['a human', 'a real person', 'an agent', 'a representative', 'someone from support', 'a supervisor', 'a live agent']),
  'human please', 'agent', 'representative', 'real person please', 'is there a human i can talk to', 'are you a bot? i want a person',
  'i don\'t want to talk to a bot', 'stop, i want a real human', 'operator', 'can a person help me instead', 'is anyone there who is not a robot',
  'please have someone call me', 'i would rather speak to your staff', 'let me talk to your colleague',
];

const FRUSTRATED = [
  ...expand(['this is ', "this is absolutely ", 'your service is ', 'this shop is '], ['ridiculous', 'unacceptable', 'a joke', 'terrible', 'useless', 'pathetic', 'a disgrace', 'the worst']),
  ...expand(["i'm ", 'i am ', "i'm really ", 'i am so '], ['angry', 'furious', 'fed up', 'sick of this', 'frustrated', 'annoyed', 'done with you', 'disappointed']),
  ...expand(['worst ', 'what a terrible ', 'never again, worst '], ['shop ever', 'service ever', 'experience of my life', 'company i have dealt with']),
  'you are useless', 'this bot is stupid', 'you keep giving me the same answer', 'why is this so hard', 'you never listen',
  'i have asked three times already', 'this is a waste of my time', 'are you kidding me', 'unbelievable', 'i want my money back now, this is outrageous',
  'stop wasting my time', 'you people are incompetent', 'i will never shop here again', 'i have been waiting for weeks and nobody cares',
  'seriously?!', 'what a joke', 'this is driving me crazy', 'nothing works on your site', 'i am going to report you',
];

/** The built-in examples by kind. */
export const BUILTIN_EXAMPLES: Readonly<Record<'off-topic' | 'asks-for-person' | 'frustrated', readonly string[]>> = {
  'off-topic': OFF_TOPIC,
  'asks-for-person': ASKS_FOR_PERSON,
  frustrated: FRUSTRATED,
};
