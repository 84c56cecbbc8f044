/**
 * Built-in examples of a customer asking for a person: who they ask for,
 * how they ask (questions, orders, wishes, refusing the bot), short and long.
 */
import { PROBLEM_REPORTS } from './builtin-calm.ts';
import { sampleMessages, type Template } from './example-templates.ts';

const WHO = [
  'a human', 'a real human', 'a human being', 'an actual human', 'a person', 'a real person', 'an actual person',
  'an agent', 'a live agent', 'a human agent', 'a real agent', 'a support agent', 'a customer service agent', 'a representative',
  'a rep', 'a customer service rep', 'a sales rep', 'someone', 'somebody', 'someone real', 'somebody real', 'a real someone',
  'someone from support', 'someone from customer service', 'someone on your team', 'a member of your team',
  'a manager', 'your manager', 'a supervisor', 'your supervisor', 'the manager', 'an operator',
  'customer service', 'customer support', 'your support team', 'the support team', 'your customer service team', 'support',
  'a specialist', 'a consultant', 'someone senior', 'a team leader', 'the help desk',
  'a real human being', 'an actual agent', 'someone i can actually talk to', 'a person who can help', 'someone who can help me',
  'an adviser', 'an advisor', 'one of your advisors', 'one of your people', 'one of your staff', 'one of your colleagues', 'a member of staff',
  'a staff member', 'an employee', 'a real member of staff', 'someone in charge', 'the person in charge', 'whoever is in charge',
  'someone who can make decisions', 'someone with authority', 'your boss', 'the boss', 'a human advisor', 'a live person', 'a live advisor',
  'customer services', 'customer care', 'the complaints team', 'your returns team', 'the billing team', 'the warehouse', 'someone from the shop',
  'someone from your company', 'someone at head office', 'a real live person', 'an actual member of your team', 'the owner', 'a senior agent',
];

const TALK = [
  'talk to ', 'speak to ', 'speak with ', 'chat with ', 'talk with ', 'chat to ', 'be connected to ',
  'be transferred to ', 'be put through to ', 'get hold of ', 'reach ', 'contact ', 'get in touch with ', 'message ', 'call ',
  'take this up with ', 'discuss this with ', 'deal with ', 'have a word with ', 'be passed to ', 'be handed to ', 'raise this with ', 'ring ',
];

const ASK = [
  'can i ', 'could i ', 'may i ', 'i want to ', 'i wanna ', "i'd like to ", 'i would like to ', 'i need to ', 'let me ', 'is it possible to ',
  "i'd rather ", 'i would prefer to ', 'is there a way to ', 'how do i ', 'how can i ', 'i wish to ', 'i demand to ', 'i must ', 'please let me ',
  'can you let me ', 'i just want to ', 'i really need to ', 'i have to ', 'i insist on being able to ', 'where can i ',
  'would it be ok to ', 'any chance i could ', 'am i able to ', 'is it ok if i ', "i'd prefer to ", 'would you let me ', 'i urgently need to ',
];

const HAND_OVER = [
  'get me ', 'connect me to ', 'connect me with ', 'transfer me to ', 'put me through to ', 'put me in touch with ', 'pass me to ',
  'pass me over to ', 'hand me over to ', 'send me to ', 'forward me to ', 'route me to ', 'escalate this to ', 'escalate me to ',
  'hand this over to ', 'pass this to ', 'bring in ', 'find me ', 'give me ', 'i want ', 'i need ', 'i would like ', "i'd like ",
  'can i have ', 'can i get ', 'could i get ', 'can you get me ', 'could you connect me to ', 'can you transfer me to ', 'please get ',
  'i need help from ', 'i want help from ', 'i only want ', 'just get me ',
  'i would appreciate ', "i'd prefer ", "i'd rather have ", 'can you fetch ', 'go and get ', 'i am asking for ', 'i asked for ',
];

const POLITE = ['', '', '', 'please ', 'hey, ', 'hi, ', 'hello, ', 'excuse me, ', 'ok, ', 'look, ', 'sorry but ', 'honestly ', 'um ', 'right, ', 'yes, '];
const AFTER = [
  '', '', '', '', ' please', ' pls', ' now', ' right now', ' asap', ', not a bot', ' instead of a bot', ', not a machine', ' instead',
  ' thanks', ' today', ' about this', ' about my order', ' about a refund', ' who can help', ', thank you', ', i am not talking to a robot',
  ' please, this bot is not helping', ', you are not helping',
];

const CAN_THEY = [
  'help me', 'call me', 'call me back', 'contact me', 'email me', 'look at this', 'get back to me',
  'handle this', 'sort this out', 'reply to me', 'ring me', 'answer me', 'deal with my case', 'check my case',
];

const NOT_A_BOT = [
  "i don't want to talk to a bot", 'i do not want a chatbot', 'no more bots', 'no bots please', 'stop the bot', "i'm done talking to a machine",
  "you're a bot", 'are you a robot', "i don't want an automated reply", 'not a robot please', 'enough with the bot', 'i am sick of automated answers',
  'this bot cannot help me', 'you are just a program', 'i hate chatbots', "i'm not talking to a computer", 'no offence but you are a machine',
  'i want a reply from a human, not software', 'the automated system is useless', 'i have no time for an ai',
];

const TEMPLATES: readonly Template[] = [
  [POLITE, ASK, TALK, WHO, AFTER],
  [POLITE, ASK, TALK, WHO, AFTER],
  [POLITE, HAND_OVER, WHO, AFTER],
  [POLITE, HAND_OVER, WHO, AFTER],
  [POLITE, ['can ', 'could ', 'would ', 'will '], WHO, [' '], CAN_THEY, AFTER],
  [POLITE, ['please have ', 'have ', 'i want ', 'i would like ', 'get '], WHO, [' '], CAN_THEY, AFTER],
  [POLITE, ['is there ', 'is there any chance of ', 'do you have ', 'are there ', 'have you got '], WHO, ['', ' available', ' around', ' there', ' i can talk to', ' on duty', ' online', ' working today', ' i can speak to'], AFTER],
  [POLITE, NOT_A_BOT, [', ', '. ', ' - ', '! '], HAND_OVER, WHO, AFTER],
  [POLITE, NOT_A_BOT, [', ', '. ', ' - ', '! '], ASK, TALK, WHO, AFTER],
  [WHO, ['', ' please', ' pls', ' now', '!', ' plz', '?', ' now please', ' needed']],
  [['', 'human', 'agent', 'person', 'operator', 'representative', 'manager'], [' ', ', '], ['please', 'pls', 'needed', 'asap', '', 'wanted']],
  [POLITE, ['i need ', 'i want ', 'i need some ', 'i want '], ['human ', 'real ', 'personal ', 'live '], ['help', 'support', 'assistance', 'contact'], AFTER],
  [POLITE, ['which number do i call to ', 'what is the number to ', 'how do i get to ', 'who do i contact to '], TALK, WHO, AFTER],
  [POLITE, ['i need ', 'i want ', 'can i get ', "i'd like ", 'get '], WHO, [' to '], CAN_THEY, AFTER],
  [POLITE, ['get ', 'put ', 'can you get ', 'please put ', 'bring '], WHO, [' on the line', ' on the chat', ' on the phone', ' in here', ' on this'], AFTER],
  [POLITE, ['who can i ', 'who do i ', 'is there anyone i can ', 'is there somebody i can '], ['talk to', 'speak to', 'chat with', 'call', 'write to'], ['', ' who is not a bot', " that isn't a robot", ' in person', ' at your company', ' there'], ['?', '', '??']],
  [POLITE, ['is anyone from ', 'is somebody from ', 'is there anyone from ', 'anybody from '], ['customer service', 'your team', 'the shop', 'support', 'your company', 'customer care'], [' '], ['online', 'available', 'around', 'there', 'free', 'working'], ['?', '', ' to help me?']],
];

/** About 2,500 requests for a person. */
export const ASKS_FOR_PERSON: readonly string[] = sampleMessages(TEMPLATES, { count: 2500, seed: 11, context: PROBLEM_REPORTS });
