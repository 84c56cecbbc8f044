/**
 * Built-in examples of an angry or frustrated customer: verdicts on the
 * service, how they feel, accusations, exasperated questions, threats to
 * leave, short outbursts, and all of these beside the problem that caused them.
 */
import { sampleMessages, type Template } from './example-templates.ts';

const VERDICT = [
  'ridiculous', 'unacceptable', 'outrageous', 'terrible', 'awful', 'horrible', 'dreadful', 'pathetic', 'useless', 'disgraceful', 'shameful',
  'absurd', 'ludicrous', 'shocking', 'atrocious', 'abysmal', 'a joke', 'incompetent', 'unbelievable', 'insane',
  'crap', 'garbage', 'a waste of time', 'frustrating', 'annoying', 'maddening', 'not okay', 'a total failure',
  'so bad', 'the worst', 'an embarrassment', 'a con', 'a rip off', 'lousy', 'a circus', 'painful', 'exhausting', 'beyond belief',
];

const VERY = ['', '', 'so ', 'absolutely ', 'completely ', 'totally ', 'utterly ', 'really ', 'just ', 'truly ', 'frankly ', 'honestly ', 'beyond '];

const THING = [
  'this', 'this service', 'your service', 'your support', 'your delivery', 'your company', 'this company',
  'this shop', 'your website', 'this bot', 'this chat', 'your app', 'your team', 'the whole thing', 'this whole process', 'your courier',
  'your returns process', 'the way you treat customers', 'this experience', 'your store',
];

const FEEL = [
  'angry', 'furious', 'mad', 'upset', 'annoyed', 'frustrated', 'irritated', 'fed up', 'cross', 'outraged', 'unhappy', 'disappointed',
  'exasperated', 'pissed off', 'stressed out', 'at my wits end', 'sick of this', 'tired of this', 'done with you', 
  'out of patience', 'really not happy', 'not happy at all', 'appalled', 'so over this',
];

const YOU_DO = [
  'never listen', "don't care", 'never answer', 'lost my parcel again', 'ignore me', 'waste my time',
  'messed up again', "don't know what you're doing", 'keep sending the same answer', 'keep repeating yourself',
  'broke my order again', 'have no idea', 'just make excuses', 'keep lying to me', 'are no help at all',
  'are a joke', 'are useless', 'are incompetent', 'treat customers like dirt',
];

const WHO_YOU = ['you ', 'you people ', 'you guys ', 'your company ', 'your staff ', 'this bot ', 'your team ', 'you all '];

const EXASPERATED = [
  'why is this so hard', 'why does this keep happening', 'how many times do i have to ask', 'how many times do i have to explain',
  'why is nobody helping me', 'why can nobody give me a straight answer', 'what is wrong with this company', 'are you serious',
  'are you kidding me', 'is anyone even reading this', 'do you even care', 'how is this possible', 'why do i even bother',
  'what does it take to get a refund', 'how long do i have to wait', 'why is it always me', 'can you not read',
];

const ENOUGH = [
  "i've had enough", 'i have had it', "i've waited long enough", 'enough is enough', 'i give up', 'i will never order again',
  "i'm never shopping here again", "i'm going to leave a bad review", 'i will tell everyone', "i'm cancelling everything",
  'i want my money back now', "i'll report you", "i'm taking my business elsewhere", "i'm going to my bank", 'never again',
  'i am sick of waiting', 'i have been waiting for weeks', "this is the last time i'm ordering",
];

const OUTBURST = ['ugh', 'argh', 'wow', 'seriously', 'unreal', 'for crying out loud', 'oh my god', 'omg', 'wtf', 'jeez', 'great, just great', 'typical', 'again?', 'brilliant, just brilliant'];

const SEP = [', ', '. ', '! ', ' - ', '... ', '!! '];

const TEMPLATES: readonly Template[] = [
  [['this is ', "that's ", 'it is ', 'this is ', 'all of this is '], VERY, VERDICT],
  [THING, [' is ', ' has been ', ' is just '], VERY, VERDICT],
  [['what ', 'such '], ['a ', 'an '], ['', 'absolute ', 'total ', 'complete '], ['joke', 'disaster', 'waste of time', 'failure', 'con', 'embarrassment', 'circus', 'rip off']],
  [VERY, VERDICT, ['', ' service', ' company', ' support', ' bot', ' shop', ' experience']],
  [["i'm ", 'i am ', "i'm getting ", 'i feel ', 'i am now ', "i'm starting to get ", 'honestly i am ', 'im '], VERY, FEEL],
  [["i'm ", 'i am '], VERY, FEEL, [' with ', ' about ', ' at '], THING],
  [WHO_YOU, YOU_DO],
  [EXASPERATED, ['', '?', '?!', '??']],
  [ENOUGH],
  [['worst ', 'the worst ', 'what a terrible ', 'what an awful ', 'such a bad ', 'never had such poor '], ['service', 'shop', 'company', 'experience', 'support', 'delivery', 'customer service'], ['', ' ever', ' of my life', ' i have ever had', ' anywhere']],
  [OUTBURST, SEP, ['this is ', "you're ", 'so ', ''], VERY, VERDICT],
  [OUTBURST, SEP, ["i'm ", 'i am '], VERY, FEEL],
  [["i'm ", 'i am '], VERY, FEEL, SEP, ENOUGH],
  [['i am sick of ', "i'm tired of ", "i'm fed up with ", 'i hate ', "i can't stand ", 'i am done with '], ['this', 'waiting', 'your excuses', 'your service', 'this bot', 'being lied to', 'chasing you', 'you', 'this company', 'repeating myself', 'the same useless answers']],
  [['this is the ', 'that is the '], ['second', 'third', 'fourth', 'fifth', 'tenth'], [' time '], ['i have asked', "i've complained", 'this has happened', 'i have written', 'you got it wrong']],
];

/** About 1,500 angry or frustrated messages. */
export const FRUSTRATED: readonly string[] = sampleMessages(TEMPLATES, { count: 1500, seed: 12 });
