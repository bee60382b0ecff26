import { compileChannelPattern } from '../handlers/channel-pattern.js';
import type { ChannelRule } from './channel-rule.interface.js';

interface CompiledRule {
  rule: ChannelRule;
  matches: (channel: string) => boolean;
  wildcards: number;
  literal: number;
  index: number;
}

/**
 * The channel rules, ordered most specific first: fewer `*` (an exact name has none), then more
 * literal characters, then the order of declaration.
 */
export class RuleSet {
  private readonly rules: CompiledRule[];

  constructor(rules: ChannelRule[] = []) {
    this.rules = rules
      .map((rule, index) => ({
        rule,
        matches: compileChannelPattern(rule.pattern),
        wildcards: rule.pattern.split('*').length - 1,
        literal: rule.pattern.replaceAll('*', '').length,
        index,
      }))
      .sort((a, b) => a.wildcards - b.wildcards || b.literal - a.literal || a.index - b.index);
  }

  /** Every rule matching the channel, most specific first. */
  matching(channel: string): ChannelRule[] {
    return this.rules.filter((compiled) => compiled.matches(channel)).map((compiled) => compiled.rule);
  }
}
