/**
 * W&B-style display names ("swift-river-42") for runs created without one. The daemon names new runs,
 * as the W&B server does, so that a resumed run keeps its name; a disabled run is named by the client.
 */
import { randomInt } from 'node:crypto';

const ADJECTIVES = [
  'amber', 'bold', 'brisk', 'calm', 'clever', 'cosmic', 'crisp', 'dashing', 'dawn', 'deep', 'eager', 'electric',
  'fancy', 'fiery', 'fluent', 'fresh', 'gentle', 'glad', 'golden', 'grand', 'hardy', 'hearty', 'icy', 'jolly',
  'keen', 'light', 'lively', 'lucky', 'lunar', 'misty', 'noble', 'polar', 'proud', 'quiet', 'rapid', 'royal',
  'rosy', 'silent', 'smooth', 'solar', 'sparkling', 'stellar', 'still', 'swift', 'sunny', 'vivid', 'warm', 'wild',
];
const NOUNS = [
  'aurora', 'bird', 'breeze', 'brook', 'butterfly', 'cloud', 'comet', 'dawn', 'dew', 'dream', 'dust', 'field',
  'fire', 'flower', 'fog', 'forest', 'frost', 'galaxy', 'glade', 'grass', 'haze', 'hill', 'lake', 'leaf',
  'meadow', 'moon', 'morning', 'mountain', 'night', 'ocean', 'paper', 'pine', 'planet', 'pond', 'rain', 'river',
  'sea', 'shadow', 'sky', 'snow', 'sound', 'star', 'sun', 'sunset', 'surf', 'thunder', 'tree', 'wave', 'wind',
];

export function generateRunName(): string {
  return `${ADJECTIVES[randomInt(ADJECTIVES.length)]}-${NOUNS[randomInt(NOUNS.length)]}-${randomInt(1, 1000)}`;
}
